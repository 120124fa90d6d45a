package dev.acs.broker.core.routing;

import dev.acs.broker.core.agent.AgentId;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * The agents that time alone can make suspect, ordered by when it would: so that {@link
 * AgentSuspicion} finds them as the server's time or the broker's clock moves on without looking at
 * the others (issue 13: an update costs what it lists, not the fleet).
 *
 * <ul>
 *   <li><b>Armed</b> agents have a {@code last_seen} and are not yet silent; ordered by it, the
 *       ones the newest server time has left behind by the silence bound are at the front.
 *   <li><b>Pending</b> agents were routed work; ordered by when, the ones waiting for longer than
 *       the unanswered bound are at the front. Entries are not removed when the work is answered: a
 *       stale one only makes the agent be looked at once more, which is harmless, and it leaves the
 *       queue once its time has passed.
 * </ul>
 *
 * <p>{@link #routed} may be called from any thread (routing threads, without a lock); everything
 * else under the caller's evaluation lock.
 */
final class SuspicionDeadlines {

  private record Armed(Instant lastSeen, AgentId id) {}

  private record Pending(long sinceMillis, AgentId id) {}

  private static final Comparator<Armed> BY_LAST_SEEN =
      Comparator.comparing(Armed::lastSeen).thenComparing(Armed::id);

  private final TreeSet<Armed> armed = new TreeSet<>(BY_LAST_SEEN);
  private final Map<AgentId, Instant> armedAt = new HashMap<>();
  private final Queue<Pending> routedLately = new ConcurrentLinkedQueue<>();
  private final PriorityQueue<Pending> pending =
      new PriorityQueue<>(Comparator.comparingLong(Pending::sinceMillis));

  /** {@code id} is not silent and was last seen at {@code lastSeen}: due once time passes it. */
  void arm(AgentId id, Instant lastSeen) {
    Instant before = armedAt.put(id, lastSeen);
    if (lastSeen.equals(before)) {
      return; // already armed at that time: most settled agents, and every one in a timer pass
    }
    if (before != null) {
      armed.remove(new Armed(before, id));
    }
    armed.add(new Armed(lastSeen, id));
  }

  /** {@code id} is silent already, or gone: time has nothing more to say about its silence. */
  void disarm(AgentId id) {
    Instant before = armedAt.remove(id);
    if (before != null) {
      armed.remove(new Armed(before, id));
    }
  }

  /** {@code id} began to hold unanswered work at {@code sinceMillis}; any thread, lock-free. */
  void routed(AgentId id, long sinceMillis) {
    routedLately.add(new Pending(sinceMillis, id));
  }

  /**
   * Hands {@code due} each armed agent that {@code serverNow} has left behind by {@code silence} or
   * more, and disarms it; amortized O(log n) per agent handed over.
   */
  void silentBy(Instant serverNow, Duration silence, Consumer<AgentId> due) {
    while (!armed.isEmpty()) {
      Armed first = armed.first();
      // The same comparison as the evaluation's, so both agree to the nanosecond.
      if (Duration.between(first.lastSeen(), serverNow).compareTo(silence) < 0) {
        return;
      }
      armed.pollFirst();
      armedAt.remove(first.id());
      due.accept(first.id());
    }
  }

  /**
   * Hands {@code due} each agent routed work {@code unansweredMillis} or more before {@code
   * nowMillis} (possibly answered since), and forgets that work.
   */
  void unansweredBy(long nowMillis, long unansweredMillis, Consumer<AgentId> due) {
    for (Pending routed = routedLately.poll(); routed != null; routed = routedLately.poll()) {
      pending.add(routed);
    }
    for (Pending first = pending.peek();
        first != null && nowMillis - first.sinceMillis() >= unansweredMillis;
        first = pending.peek()) {
      pending.poll();
      due.accept(first.id());
    }
  }

  /** How many agents are armed (for tests). */
  int armedCount() {
    return armed.size();
  }
}
