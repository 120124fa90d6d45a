package dev.acs.broker.core.port;

import java.time.Duration;
import java.util.List;

/**
 * Hears how the agent status stream is taken in, for metrics. Callbacks run on the stream's and the
 * registry's threads and must be quick; every method defaults to doing nothing.
 */
public interface AgentStatusObserver {

  /** An observer that ignores everything. */
  AgentStatusObserver NONE = new AgentStatusObserver() {};

  /**
   * One observer that tells all of {@code observers} in order; an observer that throws does not
   * keep the others from hearing the event, nor the feed from applying the update.
   */
  static AgentStatusObserver allOf(List<AgentStatusObserver> observers) {
    List<AgentStatusObserver> copy = List.copyOf(observers);
    if (copy.isEmpty()) {
      return NONE;
    }
    return copy.size() == 1 ? copy.get(0) : new CompositeAgentStatusObserver(copy);
  }

  /** An update arrived: a full snapshot, or a delta. */
  default void received(boolean fullSnapshot) {}

  /**
   * An update arrived while another waited to be applied, so the two are applied as one (a full
   * snapshot replaces what waited; deltas merge, the last state of each agent winning).
   */
  default void conflated() {}

  /**
   * Waiting updates were applied to the registry.
   *
   * @param applyNanos how long the apply took, listeners included
   * @param age how long ago the newest of them arrived, as of the end of the apply
   */
  default void applied(long applyNanos, Duration age) {}
}
