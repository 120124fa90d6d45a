package dev.acs.broker.core.message;

import java.util.Objects;

/** The exception a failed publish stage completes with; it says which kind of failure it was. */
public class PublishException extends Exception {

  private static final long serialVersionUID = 1L;

  private final transient PublishFailure failure;

  /** An exception for {@code failure}, its detail as the message; no stack trace (not a bug). */
  public PublishException(PublishFailure failure) {
    super(Objects.requireNonNull(failure, "failure").detail(), null, false, false);
    this.failure = failure;
  }

  /** Which kind of failure, with its detail. */
  public PublishFailure failure() {
    return failure;
  }
}
