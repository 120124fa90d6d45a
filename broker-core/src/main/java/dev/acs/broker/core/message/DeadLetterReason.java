package dev.acs.broker.core.message;

/**
 * Why a message went to the dead-letter queue; the code travels in a header so operators can count
 * and filter by it.
 */
public enum DeadLetterReason {
  /** The body is not valid UTF-8. */
  NOT_UTF8("not-utf8"),
  /** The body is not parseable JSON (including an empty body). */
  NOT_JSON("not-json"),
  /** The body is JSON but not an object ({@code null}, an array, a number...). */
  NOT_AN_OBJECT("not-a-json-object"),
  /** {@code message_type} is missing. */
  MISSING_MESSAGE_TYPE("missing-message-type"),
  /** A field the broker reads has the wrong JSON type. */
  WRONG_FIELD_TYPE("wrong-field-type"),
  /** The body exceeds the configured size limit. */
  TOO_LARGE("too-large"),
  /** The JSON nests deeper than the configured limit. */
  TOO_DEEP("too-deep"),
  /** A valid message whose type the broker does not route (SPEC §3 lists them). */
  UNHANDLED_MESSAGE_TYPE("unhandled-message-type"),
  /** An {@code AGENT_STATUS_UPDATE} whose agents could not be read. */
  MALFORMED_STATUS_UPDATE("malformed-status-update"),
  /** The broker failed on this message; a bug, reported rather than looped on. */
  INTERNAL_ERROR("internal-error"),
  /**
   * The outcome could not be published because of the message itself (a value that does not fit an
   * AMQP field, a body or header table over the transport's limits), so retrying cannot help.
   */
  UNPUBLISHABLE("unpublishable"),
  /**
   * The message came back more often than the redelivery limit allows: a loop, whatever caused it.
   */
  REDELIVERED_TOO_OFTEN("redelivered-too-often");

  private final String code;

  DeadLetterReason(String code) {
    this.code = code;
  }

  /** The stable, lower-case code written into the {@code x-dead-letter-reason} header. */
  public String code() {
    return code;
  }
}
