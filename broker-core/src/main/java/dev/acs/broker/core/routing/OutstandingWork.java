package dev.acs.broker.core.routing;

import dev.acs.broker.core.agent.AgentId;
import dev.acs.broker.core.agent.AgentView;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many messages this broker routed to each agent that the agent has not answered yet.
 *
 * <p>An agent answers by sending a message (its {@code sender_id} is the agent); each answer
 * settles its oldest outstanding message. Every entry also expires after a fixed time, so a lost
 * answer or a message the agent chose not to answer cannot inflate the count forever. Thread-safe;
 * reads take one agent's lock only.
 */
public final class OutstandingWork {

  private final Clock clock;
  private final long expiryMillis;
  private final Map<AgentId, Deadlines> byAgent = new ConcurrentHashMap<>();

  /** Tracks outstanding work, forgetting each routed message after {@code expiry} at the latest. */
  public OutstandingWork(Clock clock, Duration expiry) {
    this.clock = Objects.requireNonNull(clock, "clock");
    if (expiry.isNegative() || expiry.isZero()) {
      throw new IllegalArgumentException("outstanding expiry must be positive, was " + expiry);
    }
    this.expiryMillis = expiry.toMillis();
  }

  /** A message was routed to {@code agent}. */
  public void routedTo(AgentId agent) {
    long now = clock.millis();
    byAgent.computeIfAbsent(agent, id -> new Deadlines()).add(now, now + expiryMillis);
  }

  /** {@code agent} sent a message: it finished one piece of work, if it had any. */
  public void answeredBy(AgentId agent) {
    Deadlines deadlines = byAgent.get(agent);
    if (deadlines != null) {
      deadlines.removeOldest();
    }
  }

  /** Messages routed to {@code agent} and neither answered nor expired. */
  public int outstanding(AgentId agent) {
    Deadlines deadlines = byAgent.get(agent);
    return deadlines == null ? 0 : deadlines.live(clock.millis());
  }

  /** Deadlines held for {@code agent}, expired ones included until they are dropped; for tests. */
  int retained(AgentId agent) {
    Deadlines deadlines = byAgent.get(agent);
    return deadlines == null ? 0 : deadlines.size();
  }

  /** Forgets an agent that has left the fleet, so departed agents cost no memory. */
  public void forget(AgentId agent) {
    byAgent.remove(agent);
  }

  /** Forgets agents that are no longer in the view, so departed agents cost no memory. */
  public void retainAgentsOf(AgentView view) {
    byAgent.keySet().removeIf(id -> view.get(id) == null);
  }

  /** Expiry deadlines of one agent's outstanding messages, oldest first, in a growable ring. */
  private static final class Deadlines {
    private long[] ring = new long[4];
    private int head;
    private int size;

    /**
     * Adds a deadline after dropping the expired ones, so memory stays bounded by the messages of
     * one expiry period even when nobody reads the count (the sticky policy with idle agents never
     * does).
     */
    synchronized void add(long now, long deadline) {
      live(now);
      if (size == ring.length) {
        long[] bigger = new long[ring.length * 2];
        for (int i = 0; i < size; i++) {
          bigger[i] = ring[(head + i) % ring.length];
        }
        ring = bigger;
        head = 0;
      }
      ring[(head + size) % ring.length] = deadline;
      size++;
    }

    synchronized void removeOldest() {
      if (size > 0) {
        head = (head + 1) % ring.length;
        size--;
      }
    }

    synchronized int size() {
      return size;
    }

    synchronized int live(long now) {
      // Deadlines are added in clock order, so expired ones are at the head.
      while (size > 0 && ring[head] <= now) {
        head = (head + 1) % ring.length;
        size--;
      }
      return size;
    }

    @Override
    public synchronized String toString() {
      return Arrays.toString(ring) + "@" + head + "+" + size;
    }
  }
}
