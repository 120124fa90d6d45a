package dev.acs.broker.core.port;

import dev.acs.broker.core.message.MessageEnvelope;
import dev.acs.broker.core.routing.RoutingDecision;

/**
 * Hears what the routing service does, for metrics and logs. Callbacks run on the routing threads
 * and must be quick; every method defaults to doing nothing.
 */
public interface RoutingObserver {

  /** An observer that ignores everything. */
  RoutingObserver NONE = new RoutingObserver() {};

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
