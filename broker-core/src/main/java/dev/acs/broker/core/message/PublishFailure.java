package dev.acs.broker.core.message;

import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Why a publish failed: because of the message itself, which no retry can fix, or because of the
 * transport, which a later attempt may find working again. The routing service dead-letters the
 * first kind and requeues the second.
 */
public sealed interface PublishFailure {

  /** What went wrong, for logs and the dead-letter detail. */
  String detail();

  /**
   * The message cannot be published as it is: a value that does not fit a transport field, a body
   * or header table over the transport's limits.
   */
  record Unpublishable(String detail) implements PublishFailure {
    /** Requires a detail. */
    public Unpublishable {
      Objects.requireNonNull(detail, "detail");
    }
  }

  /**
   * The transport failed (connection or channel lost, the server refused or returned the message,
   * no confirm in time); the same message may pass later.
   */
  record TransportFailure(String detail) implements PublishFailure {
    /** Requires a detail. */
    public TransportFailure {
      Objects.requireNonNull(detail, "detail");
    }
  }

  /**
   * The failure a publish stage completed with: what a {@link PublishException} carries, and a
   * transport failure for anything else, so an unknown failure is retried, never dropped.
   */
  static PublishFailure of(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof PublishException known) {
      return known.failure();
    }
    return new TransportFailure(String.valueOf(cause));
  }
}
