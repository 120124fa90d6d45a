package dev.acs.broker.core.port;

/** A running flow started through a port; cancelling it stops the flow. */
@FunctionalInterface
public interface Subscription extends AutoCloseable {

  /**
   * Stops the flow. Idempotent; does not throw. After it returns no new events are delivered,
   * though work already handed out (an unacknowledged message, say) may still complete.
   */
  void cancel();

  /** Same as {@link #cancel()}, for try-with-resources. */
  @Override
  default void close() {
    cancel();
  }
}
