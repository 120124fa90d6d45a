package dev.acs.broker.adapter.grpc;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The current {@link GrpcHealth} of the link and the few ways it changes, so that the parts of the
 * adapter say what happened rather than each building the record field by field.
 *
 * <p>Written on the scheduler thread only (and once more by {@code close} after the scheduler
 * stopped); read from any thread through a volatile field.
 */
final class LinkHealth {

  private volatile GrpcHealth current = GrpcHealth.initial();

  GrpcHealth current() {
    return current;
  }

  /** The server accepted the registration. */
  void registered() {
    GrpcHealth h = current;
    current =
        new GrpcHealth(
            true, h.streamConnected(), h.lastSnapshotAt(), h.reconnectCount(), h.lastError());
  }

  /** The registration failed or was refused, for {@code reason}; the stream is unaffected. */
  void notRegistered(String reason) {
    GrpcHealth h = current;
    current =
        new GrpcHealth(false, h.streamConnected(), h.lastSnapshotAt(), h.reconnectCount(), reason);
  }

  /** The stream delivered a response; {@code snapshotAt} is set when it was a full snapshot. */
  void streamDelivered(@Nullable Instant snapshotAt) {
    GrpcHealth h = current;
    current =
        new GrpcHealth(
            h.registered(),
            true,
            snapshotAt == null ? h.lastSnapshotAt() : snapshotAt,
            h.reconnectCount(),
            h.lastError());
  }

  /** The liveness probe brought a full snapshot; the stream's state is not its to say. */
  void probeSnapshot(Instant at) {
    GrpcHealth h = current;
    current =
        new GrpcHealth(h.registered(), h.streamConnected(), at, h.reconnectCount(), h.lastError());
  }

  /** The link broke for {@code reason}; a new attempt is scheduled. */
  void interrupted(String reason) {
    GrpcHealth h = current;
    current = new GrpcHealth(false, false, h.lastSnapshotAt(), h.reconnectCount() + 1, reason);
  }

  /** The adapter closed: nothing is connected any more, the history stays for diagnosis. */
  void closed() {
    GrpcHealth h = current;
    current = new GrpcHealth(false, false, h.lastSnapshotAt(), h.reconnectCount(), h.lastError());
  }
}
