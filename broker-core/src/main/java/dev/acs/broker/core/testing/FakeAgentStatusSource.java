package dev.acs.broker.core.testing;

import dev.acs.broker.core.agent.Agent;
import dev.acs.broker.core.agent.AgentStatusUpdate;
import dev.acs.broker.core.port.AgentStatusListener;
import dev.acs.broker.core.port.AgentStatusSource;
import dev.acs.broker.core.port.Subscription;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A status source driven by the test: each call pushes one update or interruption to the
 * subscriber, synchronously on the caller's thread. A full snapshot pushed while nobody is
 * subscribed is kept and delivered on subscribing, as a central server answers a new subscriber, so
 * a test can give the agents before {@code BrokerService.start} waits for them.
 */
public final class FakeAgentStatusSource implements AgentStatusSource {

  private @Nullable AgentStatusListener listener;
  private @Nullable AgentStatusUpdate waitingSnapshot;
  private int subscriptions;

  @Override
  public synchronized Subscription subscribe(AgentStatusListener newListener) {
    listener = newListener;
    subscriptions++;
    AgentStatusUpdate first = waitingSnapshot;
    waitingSnapshot = null;
    if (first != null) {
      newListener.onStatus(first);
    }
    return () -> {
      synchronized (this) {
        if (listener == newListener) {
          listener = null;
        }
      }
    };
  }

  /** Whether someone is subscribed now. */
  public synchronized boolean isSubscribed() {
    return listener != null;
  }

  /** How many times {@link #subscribe} was called. */
  public synchronized int subscriptionCount() {
    return subscriptions;
  }

  /** Pushes a full snapshot of these agents. */
  public void snapshot(Agent... agents) {
    push(AgentStatusUpdate.snapshot(List.of(agents)));
  }

  /** Pushes a delta of these agents. */
  public void delta(Agent... agents) {
    push(AgentStatusUpdate.delta(List.of(agents)));
  }

  /**
   * Pushes any update; a full snapshot while nobody is subscribed waits for the next subscriber.
   */
  public void push(AgentStatusUpdate update) {
    AgentStatusListener current;
    synchronized (this) {
      if (listener == null && update.fullSnapshot()) {
        waitingSnapshot = update;
        return;
      }
      current = current();
    }
    current.onStatus(update);
  }

  /** Reports that the stream broke. */
  public void interrupt(String reason) {
    current().onInterrupted(reason);
  }

  private synchronized AgentStatusListener current() {
    if (listener == null) {
      throw new IllegalStateException("nobody is subscribed to the fake status source");
    }
    return listener;
  }
}
