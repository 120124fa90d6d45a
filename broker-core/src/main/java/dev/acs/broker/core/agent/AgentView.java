package dev.acs.broker.core.agent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An immutable snapshot of the registry: every known agent, and the available ones grouped by
 * {@link Availability} tier.
 *
 * <p>Members of a tier are held in an array sorted by id, so a policy picks the i-th candidate in
 * constant time and without allocating, and two brokers fed the same snapshots see the same order.
 * A view is safe to share between threads.
 */
public final class AgentView {

  private static final Agent[] NO_AGENTS = new Agent[0];

  private final long version;
  private final @Nullable Instant updatedAt;
  private final Availability availability;
  private final Map<AgentId, Agent> agents;
  private final Agent[][] tiers;
  private final Map<AgentId, Integer> positionInTier;
  private volatile @Nullable HashRing ring;

  private AgentView(
      long version,
      @Nullable Instant updatedAt,
      Availability availability,
      Map<AgentId, Agent> agents) {
    this.version = version;
    this.updatedAt = updatedAt;
    this.availability = availability;
    this.agents = Collections.unmodifiableMap(agents);
    List<List<Agent>> grouped = new ArrayList<>();
    for (int i = 0; i < availability.tierCount(); i++) {
      grouped.add(new ArrayList<>());
    }
    for (Agent agent : agents.values()) {
      int tier = availability.tierOf(agent.state());
      if (tier >= 0) {
        grouped.get(tier).add(agent);
      }
    }
    this.tiers = new Agent[grouped.size()][];
    Map<AgentId, Integer> positions = new HashMap<>();
    for (int tier = 0; tier < grouped.size(); tier++) {
      Agent[] members = grouped.get(tier).toArray(NO_AGENTS);
      Arrays.sort(members, Comparator.comparing(Agent::id));
      for (int i = 0; i < members.length; i++) {
        positions.put(members[i].id(), i);
      }
      tiers[tier] = members;
    }
    this.positionInTier = positions;
  }

  /** A view with no agents, as the registry holds before its first snapshot. */
  public static AgentView empty(Availability availability) {
    return new AgentView(0, null, availability, Map.of());
  }

  /**
   * A view of exactly these agents (later duplicates of an id win).
   *
   * @param version increases with every change, so observers can tell views apart cheaply
   * @param updatedAt when the status that produced the view arrived
   */
  public static AgentView of(
      long version, Instant updatedAt, Availability availability, Collection<Agent> agents) {
    Map<AgentId, Agent> byId = new HashMap<>();
    for (Agent agent : agents) {
      byId.put(agent.id(), agent);
    }
    return new AgentView(version, updatedAt, availability, byId);
  }

  /** The same agents judged by another availability rule. */
  public AgentView withAvailability(Availability other) {
    return new AgentView(version, updatedAt, other, new HashMap<>(agents));
  }

  AgentView replacedBy(long nextVersion, Instant at, List<Agent> snapshot) {
    Map<AgentId, Agent> byId = new HashMap<>();
    for (Agent agent : snapshot) {
      byId.put(agent.id(), agent);
    }
    return new AgentView(nextVersion, at, availability, byId);
  }

  AgentView upsertedWith(long nextVersion, Instant at, List<Agent> delta) {
    Map<AgentId, Agent> byId = new HashMap<>(agents);
    for (Agent agent : delta) {
      byId.put(agent.id(), agent);
    }
    return new AgentView(nextVersion, at, availability, byId);
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

  /** Every known agent, in no particular order. */
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
    return positionInTier.containsKey(id);
  }

  /** Number of availability tiers (equal to the rule's). */
  public int tierCount() {
    return tiers.length;
  }

  /** Number of available agents in a tier. */
  public int tierSize(int tier) {
    return tiers[tier].length;
  }

  /** The {@code index}-th member of a tier, in id order. */
  public Agent member(int tier, int index) {
    return tiers[tier][index];
  }

  /** The tier the agent belongs to, or -1 when it is unknown or not routable. */
  public int tierOf(AgentId id) {
    Agent agent = agents.get(id);
    return agent == null ? -1 : availability.tierOf(agent.state());
  }

  /** The index of an available agent within its tier, or -1 when it is not available. */
  public int positionInTier(AgentId id) {
    Integer position = positionInTier.get(id);
    return position == null ? -1 : position;
  }

  /**
   * A consistent-hash ring over every available agent (all tiers), built on first use and kept for
   * the life of this view; sticky routing uses it.
   */
  public HashRing ring() {
    HashRing built = ring;
    if (built == null) {
      List<Agent> available = new ArrayList<>(positionInTier.size());
      for (Agent[] tier : tiers) {
        available.addAll(Arrays.asList(tier));
      }
      available.sort(Comparator.comparing(Agent::id));
      // Racing threads may each build one; they are equal, so either may win.
      built = new HashRing(available.toArray(NO_AGENTS));
      ring = built;
    }
    return built;
  }

  /** How many agents are available across all tiers. */
  public int availableCount() {
    return positionInTier.size();
  }

  @Override
  public String toString() {
    return "AgentView{version="
        + version
        + ", agents="
        + agents.size()
        + ", available="
        + positionInTier.size()
        + "}";
  }
}
