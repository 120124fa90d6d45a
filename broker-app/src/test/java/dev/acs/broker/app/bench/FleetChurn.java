package dev.acs.broker.app.bench;

import dev.acs.broker.app.bench.FleetCentralServer.State;
import java.util.ArrayDeque;
import java.util.SplittableRandom;

/**
 * Which agent changes next, and to what, in a fleet whose agents turn busy and idle around the work
 * they do: an agent that was busy turns idle, and once {@code idleCap} agents are idle the one idle
 * longest turns busy again, so the number of idle agents stays near the cap. A share of the changes
 * instead takes an agent offline or brings one back (as busy), so agents also leave and join the
 * routable set (their hash-ring points move, which busy ↔ idle leaves alone).
 *
 * <p>One agent, {@code reserved}, is never touched: the benchmarks make it the decisive one. Not
 * thread-safe; one driver thread owns it. Seeded, so a run is repeatable.
 */
final class FleetChurn {

  /** One state change to announce. */
  record Change(int agent, State state) {}

  private final FleetCentralServer fleet;
  private final int reserved;
  private final int idleCap;
  private final double offlineShare;
  private final SplittableRandom random;
  private final ArrayDeque<Integer> idle = new ArrayDeque<>();
  private final ArrayDeque<Integer> offline = new ArrayDeque<>();

  /**
   * @param reserved the agent never changed, or -1
   * @param idleCap how many agents are idle at most
   * @param offlineShare the fraction of changes that take an agent offline or bring one back
   */
  FleetChurn(FleetCentralServer fleet, int reserved, int idleCap, double offlineShare, long seed) {
    this.fleet = fleet;
    this.reserved = reserved;
    this.idleCap = idleCap;
    this.offlineShare = offlineShare;
    this.random = new SplittableRandom(seed);
  }

  /**
   * Makes {@code count} random busy agents idle without announcing it (before any broker
   * subscribes), so a run starts in its steady state instead of warming up to it.
   */
  void seedIdle(int count) {
    while (idle.size() < Math.min(count, idleCap)) {
      int agent = randomAgentIn(State.BUSY);
      fleet.setQuietly(agent, State.IDLE);
      idle.addLast(agent);
    }
  }

  /** The next change; the caller announces it. */
  Change next() {
    if (offlineShare > 0 && random.nextDouble() < offlineShare) {
      // Keep the offline agents few: bring one back when as many are offline as may be idle.
      if (!offline.isEmpty() && (offline.size() >= idleCap || random.nextBoolean())) {
        return new Change(offline.pollFirst(), State.BUSY);
      }
      int agent = randomAgentIn(State.BUSY);
      offline.addLast(agent);
      return new Change(agent, State.OFFLINE);
    }
    if (idle.size() >= idleCap) {
      return new Change(idle.pollFirst(), State.BUSY);
    }
    int agent = randomAgentIn(State.BUSY);
    idle.addLast(agent);
    return new Change(agent, State.IDLE);
  }

  /** Takes the next idle agent back to busy, or returns null when none is idle. */
  Change nextToBusy() {
    Integer agent = idle.pollFirst();
    return agent == null ? null : new Change(agent, State.BUSY);
  }

  private int randomAgentIn(State state) {
    // Most agents are busy, so a few draws find one.
    while (true) {
      int agent = random.nextInt(fleet.size());
      if (agent != reserved && fleet.state(agent) == state) {
        return agent;
      }
    }
  }
}
