package dev.acs.broker.adapter.grpc;

import java.time.Duration;

/**
 * Observes the adapter's link to the central server (for metrics); every method does nothing by
 * default. Called on the adapter's scheduler thread: methods must be quick and must not block.
 */
public interface GrpcListener {

  /** A listener that ignores everything. */
  GrpcListener NONE = new GrpcListener() {};

  /** The central server accepted the broker's registration. */
  default void onRegistered(String serverMessage) {}

  /**
   * The registration failed for good this time (the server answered {@code success = false} or a
   * non-transient status); the adapter follows the stream anyway and registers again later.
   */
  default void onRegistrationRejected(String reason) {}

  /** The stream is down (or could not be set up); a new attempt follows after {@code delay}. */
  default void onReconnectScheduled(Duration delay, String reason) {}

  /** A full snapshot of {@code agentCount} agents arrived on the stream. */
  default void onSnapshot(int agentCount) {}
}
