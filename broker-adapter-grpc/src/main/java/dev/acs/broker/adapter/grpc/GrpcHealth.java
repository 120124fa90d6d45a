package dev.acs.broker.adapter.grpc;

import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The adapter's view of its link to the central server, for health checks and logs.
 *
 * @param registered whether the central server accepted the broker's latest {@code RegisterBroker}
 *     since the stream was last (re)established; the stream may be followed without it
 * @param streamConnected whether the status stream is open and has delivered a response
 * @param lastSnapshotAt when the last full snapshot (from the stream or the liveness probe)
 *     arrived, or {@code null} before the first
 * @param reconnectCount how many times the stream was scheduled to be re-established after an
 *     interruption or a failed attempt
 * @param lastError the latest problem (interruption, failed or refused registration), or {@code
 *     null} if none yet; kept after recovery, for diagnosis
 */
public record GrpcHealth(
    boolean registered,
    boolean streamConnected,
    @Nullable Instant lastSnapshotAt,
    long reconnectCount,
    @Nullable String lastError) {

  /** The state before anything happened. */
  static GrpcHealth initial() {
    return new GrpcHealth(false, false, null, 0, null);
  }

  /** {@link #lastSnapshotAt} as an optional. */
  public Optional<Instant> lastSnapshot() {
    return Optional.ofNullable(lastSnapshotAt);
  }

  /** {@link #lastError} as an optional. */
  public Optional<String> lastProblem() {
    return Optional.ofNullable(lastError);
  }
}
