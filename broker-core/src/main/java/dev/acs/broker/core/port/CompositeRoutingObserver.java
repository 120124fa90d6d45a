package dev.acs.broker.core.port;

import dev.acs.broker.core.message.MessageEnvelope;
import dev.acs.broker.core.routing.RoutingDecision;
import java.util.List;

/**
 * Tells several routing observers, in order. One observer failing does not keep the others from
 * hearing the event, nor the routing service from settling the message.
 */
final class CompositeRoutingObserver implements RoutingObserver {

  private final RoutingObserver[] observers;

  CompositeRoutingObserver(List<RoutingObserver> observers) {
    this.observers = observers.toArray(new RoutingObserver[0]);
  }

  @Override
  public void decided(MessageEnvelope message, RoutingDecision decision, long decisionNanos) {
    for (RoutingObserver observer : observers) {
      try {
        observer.decided(message, decision, decisionNanos);
      } catch (RuntimeException ignored) {
        // An observer's bug must not change routing.
      }
    }
  }

  @Override
  public void settled(MessageEnvelope message, RoutingDecision decision, long relayNanos) {
    for (RoutingObserver observer : observers) {
      try {
        observer.settled(message, decision, relayNanos);
      } catch (RuntimeException ignored) {
        // An observer's bug must not change settlement.
      }
    }
  }

  @Override
  public void publishFailed(MessageEnvelope message, Throwable cause) {
    for (RoutingObserver observer : observers) {
      try {
        observer.publishFailed(message, cause);
      } catch (RuntimeException ignored) {
        // An observer's bug must not change settlement.
      }
    }
  }
}
