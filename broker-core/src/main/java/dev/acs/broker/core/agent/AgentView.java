package dev.acs.broker.core.agent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An immutable snapshot of the registry: every known agent, the available ones grouped by {@link
 * Availability} tier, and the sticky policy's {@link HashRing} over them.
 *
 * <p>All three are persistent structures: the view after an update shares everything the update did
 * not touch with the view before it, so an update of k agents costs O(k log n) on the writer's
 * thread (see {@code docs/routing.md}), and readers keep one volatile read of an immutable object,
 * no lock, no copy. Members of a tier are in id order, so a policy picks the i-th candidate in
 * O(log n) without allocating, and two brokers fed the same agents see the same order and the same
 * ring. A view is safe to share between threads.
 */
public final class AgentView {

  private final long version;
  private final @Nullable Instant updatedAt;
  private final Availability availability;
  private final AgentMap agents;
  private final AgentTier[] tiers;
  private final RingPoints points;
  private final int availableCount;
  private final HashRing ring;

  private AgentView(
      long version,
      @Nullable Instant updatedAt,
      Availability availability,
      AgentMap agents,
      AgentTier[] tiers,
      RingPoints points) {
    this.version = version;
    this.updatedAt = updatedAt;
    this.availability = availability;
    this.agents = agents;
    this.tiers = tiers;
    this.points = points;
    int available = 0;
    for (AgentTier tier : tiers) {
      available += tier.size();
    }
    this.availableCount = available;
    this.ring = new HashRing(points, agents, available);
  }

  /** A view with no agents, as the registry holds before its first snapshot. */
  public static AgentView empty(Availability availability) {
    AgentTier[] tiers = new AgentTier[availability.tierCount()];
    Arrays.fill(tiers, AgentTier.EMPTY);
    return new AgentView(0, null, availability, AgentMap.EMPTY, tiers, RingPoints.EMPTY);
  }

  /**
   * A view of exactly these agents (later duplicates of an id win).
   *
   * @param version increases with every change, so observers can tell views apart cheaply
   * @param updatedAt when the status that produced the view arrived
   */
  public static AgentView of(
      long version, Instant updatedAt, Availability availability, Collection<Agent> agents) {
    return built(version, updatedAt, availability, AgentMap.ofAll(agents));
  }

  /** The same agents judged by another availability rule. */
  public AgentView withAvailability(Availability other) {
    return built(version, updatedAt, other, agents);
  }

  /** Tiers and ring built from scratch over {@code map}: O(n log n), for large changes. */
  private static AgentView built(
      long version, @Nullable Instant updatedAt, Availability availability, AgentMap map) {
    return built(version, updatedAt, availability, map, map.values());
  }

  /**
   * Tiers and ring built from scratch over {@code map}, whose agents are exactly {@code members} (a
   * list is cheaper to walk than the trie): one sort of the routable agents by id, which splits
   * into the tiers in order, and the ring from their points.
   */
  private static AgentView built(
      long version,
      @Nullable Instant updatedAt,
      Availability availability,
      AgentMap map,
      Collection<Agent> members) {
    Agent[] routable = new Agent[members.size()];
    int[] tierSize = new int[availability.tierCount()];
    int available = 0;
    for (Agent agent : members) {
      int tier = availability.tierOf(agent.state());
      if (tier >= 0) {
        routable[available++] = agent;
        tierSize[tier]++;
      }
    }
    IdOrder.sort(routable, available);
    Agent[][] byTier = new Agent[tierSize.length][];
    for (int tier = 0; tier < byTier.length; tier++) {
      byTier[tier] = new Agent[tierSize[tier]];
    }
    int[] filled = new int[tierSize.length];
    AgentId[] ids = new AgentId[available];
    long[] positions = new long[available * HashRing.POINTS_PER_AGENT];
    int next = 0;
    for (int owner = 0; owner < available; owner++) {
      Agent agent = routable[owner];
      int tier = availability.tierOf(agent.state());
      byTier[tier][filled[tier]++] = agent;
      ids[owner] = agent.id();
      next = HashRing.positionsOf(agent.id(), positions, next);
    }
    AgentTier[] tiers = new AgentTier[byTier.length];
    for (int tier = 0; tier < tiers.length; tier++) {
      tiers[tier] = AgentTier.ofSorted(byTier[tier]);
    }
    return new AgentView(
        version,
        updatedAt,
        availability,
        map,
        tiers,
        RingPoints.of(positions, HashRing.POINT_SHIFT, ids, next));
  }

  /** The agents by id, for {@link AgentChanges} to diff an update against. */
  AgentMap agentMap() {
    return agents;
  }

  /**
   * This view with the changes applied, as version {@code nextVersion}. Small changes patch the
   * map, the tiers and the ring; changes to more than a quarter of the fleet rebuild the tiers and
   * the ring, which is cheaper then.
   */
  AgentView changedBy(long nextVersion, @Nullable Instant at, List<AgentChange> changes) {
    if (changes.size() > 64 && changes.size() > agents.size() / 4) {
      List<Agent> all = rebuiltAgents(changes);
      AgentMap map = AgentMap.ofAll(all);
      // With unique ids in the changes (as both diffs make them) the list is the map's agents.
      return map.size() == all.size()
          ? built(nextVersion, at, availability, map, all)
          : built(nextVersion, at, availability, map);
    }
    AgentMap map = agents;
    for (AgentChange change : changes) {
      Agent after = change.after();
      map = after == null ? map.without(change.id()) : map.with(after);
    }
    AgentTier[] nextTiers = tiers.clone();
    RingPoints.Editor ring = points.edit();
    for (AgentChange change : changes) {
      Agent before = change.before();
      Agent after = change.after();
      // A tier of -1 means absent or not routable; a tier of 0 or more implies the record.
      int was = before == null ? -1 : tierOf(before);
      int is = after == null ? -1 : tierOf(after);
      if (was >= 0 && was != is) {
        nextTiers[was] = nextTiers[was].without(change.id());
      }
      if (after != null && is >= 0) {
        nextTiers[is] = nextTiers[is].with(after);
      }
      // Points hold ids, so an agent that stays routable (busy <-> idle) leaves the ring alone.
      if (was < 0 && is >= 0) {
        HashRing.addPoints(ring, change.id());
      } else if (was >= 0 && is < 0) {
        HashRing.removePoints(ring, change.id());
      }
    }
    return new AgentView(nextVersion, at, availability, map, nextTiers, ring.build());
  }

  /**
   * The agents after the changes, for a map built in one pass (the first snapshot, or a change to
   * more than a quarter of the fleet) rather than by a path copy per change.
   */
  private List<Agent> rebuiltAgents(List<AgentChange> changes) {
    List<Agent> all = new ArrayList<>(agents.size() + changes.size());
    if (agents.size() > 0) {
      Set<AgentId> touched = new HashSet<>(changes.size() * 2);
      for (AgentChange change : changes) {
        touched.add(change.id());
      }
      for (Agent agent : agents.values()) {
        if (!touched.contains(agent.id())) {
          all.add(agent);
        }
      }
    }
    for (AgentChange change : changes) {
      Agent after = change.after();
      if (after != null) {
        all.add(after);
      }
    }
    return all;
  }

  /** The same agents, as a new version stamped {@code at}. */
  AgentView restamped(long nextVersion, Instant at) {
    return new AgentView(nextVersion, at, availability, agents, tiers, points);
  }

  /**
   * This view without the agents named in {@code ids} (ids it does not hold are ignored), with the
   * same version and stamp: the removal is patched into the persistent structures like any other
   * change, so it costs O(k log n) for k agents removed, not a rebuild of the view. Returns this
   * view itself when it holds none of them.
   */
  public AgentView without(Collection<AgentId> ids) {
    List<AgentChange> removals = new ArrayList<>();
    for (AgentId id : ids) {
      Agent before = agents.get(id);
      if (before != null) {
        removals.add(new AgentChange(id, before, null));
      }
    }
    return removals.isEmpty() ? this : changedBy(version, updatedAt, removals);
  }

  /** Increases with every applied update; 0 before the first. */
  public long version() {
    return version;
  }

  /** When the update behind this view arrived, or empty before the first. */
  public Optional<Instant> updatedAt() {
    return Optional.ofNullable(updatedAt);
  }

  /** The rule that grouped the agents into tiers. */
  public Availability availability() {
    return availability;
  }

  /** How many agents are known, available or not. */
  public int size() {
    return agents.size();
  }

  /** Every known agent, in no particular order; iterating costs O(n). */
  public Collection<Agent> agents() {
    return agents.values();
  }

  /** The agent with this id, if known. */
  public Optional<Agent> find(AgentId id) {
    return Optional.ofNullable(agents.get(id));
  }

  /** The agent with this id, or {@code null}; for hot paths that avoid {@link Optional}. */
  public @Nullable Agent get(AgentId id) {
    return agents.get(id);
  }

  /** Whether the agent is known and in a routable state. */
  public boolean isAvailable(AgentId id) {
    return tierOf(id) >= 0;
  }

  /** Number of availability tiers (equal to the rule's). */
  public int tierCount() {
    return tiers.length;
  }

  /** Number of available agents in a tier. */
  public int tierSize(int tier) {
    return tiers[tier].size();
  }

  /** The {@code index}-th member of a tier, in id order; O(log n). */
  public Agent member(int tier, int index) {
    return tiers[tier].get(index);
  }

  /** The tier the agent belongs to, or -1 when it is unknown or not routable. */
  public int tierOf(AgentId id) {
    Agent agent = agents.get(id);
    return agent == null ? -1 : tierOf(agent);
  }

  /** The tier this view puts the agent in, or -1 when it is not routable. */
  public int tierOf(Agent agent) {
    return availability.tierOf(agent.state());
  }

  /** The index of an available agent within its tier, or -1 when it is not available; O(log n). */
  public int positionInTier(AgentId id) {
    int tier = tierOf(id);
    return tier < 0 ? -1 : tiers[tier].indexOf(id);
  }

  /**
   * The consistent-hash ring over every available agent (all tiers) that sticky routing uses; built
   * with the view by the thread that applied the update, never on a reader's path.
   */
  public HashRing ring() {
    return ring;
  }

  /** How many agents are available across all tiers. */
  public int availableCount() {
    return availableCount;
  }

  @Override
  public String toString() {
    return "AgentView{version="
        + version
        + ", agents="
        + agents.size()
        + ", available="
        + availableCount
        + "}";
  }
}
