package dev.acs.broker.core.port;

import java.time.Duration;
import java.util.List;

/**
 * Tells several status observers, in order; one observer failing does not keep the others from
 * hearing the event, nor the status feed from applying the update.
 */
final class CompositeAgentStatusObserver implements AgentStatusObserver {

  private final AgentStatusObserver[] observers;

  CompositeAgentStatusObserver(List<AgentStatusObserver> observers) {
    this.observers = observers.toArray(new AgentStatusObserver[0]);
  }

  @Override
  public void received(boolean fullSnapshot) {
    for (AgentStatusObserver observer : observers) {
      try {
        observer.received(fullSnapshot);
      } catch (RuntimeException ignored) {
        // An observer's bug must not stop the status stream.
      }
    }
  }

  @Override
  public void conflated() {
    for (AgentStatusObserver observer : observers) {
      try {
        observer.conflated();
      } catch (RuntimeException ignored) {
        // An observer's bug must not stop the status stream.
      }
    }
  }

  @Override
  public void applied(long applyNanos, Duration age) {
    for (AgentStatusObserver observer : observers) {
      try {
        observer.applied(applyNanos, age);
      } catch (RuntimeException ignored) {
        // An observer's bug must not stop the status stream.
      }
    }
  }
}
