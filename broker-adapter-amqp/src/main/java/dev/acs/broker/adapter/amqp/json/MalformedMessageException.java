package dev.acs.broker.adapter.amqp.json;

import dev.acs.broker.core.message.DeadLetterReason;
import java.util.Objects;

/**
 * A body the broker cannot route, with the reason to dead-letter it under (SPEC's reason codes) and
 * a one-line detail for the operator.
 *
 * <p>Thrown for hostile or broken input, which a consumer may see in floods: the exception carries
 * no stack trace, so rejecting a body costs no more than accepting one. The detail never contains
 * more of the body than a parser's position.
 */
public final class MalformedMessageException extends Exception {

  private static final long serialVersionUID = 1L;

  private final DeadLetterReason reason;
  private final String detail;

  /**
   * @param reason why the body is set aside, as dead letters record it
   * @param detail what exactly was wrong, on one line
   */
  public MalformedMessageException(DeadLetterReason reason, String detail) {
    super(reason.code() + ": " + detail, null, false, false);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.detail = Objects.requireNonNull(detail, "detail");
  }

  /** Why the body is set aside. */
  public DeadLetterReason reason() {
    return reason;
  }

  /** What exactly was wrong, on one line. */
  public String detail() {
    return detail;
  }
}
