package dev.acs.broker.core.port;

import dev.acs.broker.core.message.MessageEnvelope;
import dev.acs.broker.core.routing.RoutingDecision;
import java.util.List;

/**
 * Hears what the routing service does, for metrics and logs. Callbacks run on the routing threads
 * and must be quick; every method defaults to doing nothing.
 */
public interface RoutingObserver {

  /** An observer that ignores everything. */
  RoutingObserver NONE = new RoutingObserver() {};

  /**
   * One observer that tells all of {@code observers} in order; an observer that throws does not
   * keep the others from hearing the event, nor routing from going on.
   */
  static RoutingObserver allOf(List<RoutingObserver> observers) {
    List<RoutingObserver> copy = List.copyOf(observers);
    if (copy.isEmpty()) {
      return NONE;
    }
    return copy.size() == 1 ? copy.get(0) : new CompositeRoutingObserver(copy);
  }

  /** A decision was taken in {@code decisionNanos}. */
  default void decided(MessageEnvelope message, RoutingDecision decision, long decisionNanos) {}

  /**
   * A message's outcome was confirmed and the input acknowledged, {@code relayNanos} after it
   * arrived.
   */
  default void settled(MessageEnvelope message, RoutingDecision decision, long relayNanos) {}

  /** Publishing a message's outcome failed; the input was requeued. */
  default void publishFailed(MessageEnvelope message, Throwable cause) {}
}
