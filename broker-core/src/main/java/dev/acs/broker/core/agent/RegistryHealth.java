package dev.acs.broker.core.agent;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How much the registry's view can be trusted right now.
 *
 * @param snapshotReceived whether a full snapshot has ever arrived
 * @param streamConnected whether the status source says its stream is up
 * @param lastUpdateAt when the last status update arrived, or {@code null} before the first
 * @param interruption why the stream is down, or {@code null} while it is up
 * @param checkedAt when this health was taken
 */
public record RegistryHealth(
    boolean snapshotReceived,
    boolean streamConnected,
    @Nullable Instant lastUpdateAt,
    @Nullable String interruption,
    Instant checkedAt) {

  /** Time since the last update, or empty before the first one. */
  public Optional<Duration> age() {
    return lastUpdateAt == null
        ? Optional.empty()
        : Optional.of(Duration.between(lastUpdateAt, checkedAt));
  }

  /**
   * Whether the view is stale: no snapshot yet, the stream is down, or the last update is older
   * than {@code bound}.
   */
  public boolean isStale(Duration bound) {
    return !snapshotReceived
        || !streamConnected
        || age().map(age -> age.compareTo(bound) > 0).orElse(true);
  }
}
