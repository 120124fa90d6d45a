package dev.acs.broker.app.lifecycle;

/**
 * Something that follows the broker's run: the admin endpoint opens when start-up begins (so
 * liveness answers during start-up), learns when the broker consumes and when it stops, and closes
 * last. Every method defaults to doing nothing; all run on the broker's main thread.
 */
public interface LifecycleParticipant {

  /**
   * Start-up begins (before registering with the central server). A failure here is a start-up
   * failure.
   */
  default void startupBegins() {}

  /** The broker consumes. */
  default void running() {}

  /** Shutdown begins: consumption is about to stop and in-flight messages to drain. */
  default void stopping() {}

  /** Everything is closed; the process is about to exit. */
  default void stopped() {}
}
