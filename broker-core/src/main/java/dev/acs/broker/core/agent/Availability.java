package dev.acs.broker.core.agent;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Which agent states may receive messages, in tiers of preference.
 *
 * <p>Routing looks for a candidate in the first tier, and only when it has none in the next, so
 * {@code idle>busy,initializing} means "idle agents first, busy or starting ones only when no idle
 * one is left". States in no tier are never routed to.
 */
// tierOf runs for every agent a routing decision looks at: an int array indexed by ordinal is an
// EnumMap without its boxing, and the array is built here from the enum's own values.
@SuppressWarnings("EnumOrdinal")
public final class Availability {

  private static final int NOT_ROUTABLE = -1;

  private final List<Set<AgentState>> tiers;
  private final int[] tierByState;

  private Availability(List<Set<AgentState>> tiers) {
    if (tiers.isEmpty()) {
      throw new IllegalArgumentException("an availability rule needs at least one tier of states");
    }
    this.tiers = tiers.stream().map(Set::copyOf).toList();
    this.tierByState = new int[AgentState.values().length];
    Arrays.fill(tierByState, NOT_ROUTABLE);
    for (int tier = 0; tier < this.tiers.size(); tier++) {
      Set<AgentState> states = this.tiers.get(tier);
      if (states.isEmpty()) {
        throw new IllegalArgumentException(
            "tier " + (tier + 1) + " of the availability rule is empty");
      }
      for (AgentState state : states) {
        if (tierByState[state.ordinal()] != NOT_ROUTABLE) {
          throw new IllegalArgumentException(
              "state '" + state.wireName() + "' appears in more than one availability tier");
        }
        tierByState[state.ordinal()] = tier;
      }
    }
  }

  /** A rule made of the given tiers, most preferred first. */
  public static Availability ofTiers(List<Set<AgentState>> tiers) {
    return new Availability(tiers);
  }

  /**
   * The reference broker's rule (SPEC §4.5) with unknown words excluded as SPEC §2 requires: every
   * state but {@code offline}, {@code shutting_down}, {@code error}, {@code unknown_status} and
   * {@code unavailable}, all equally preferred. Paused and busy agents count as routable.
   */
  public static Availability reference() {
    return ofTiers(
        List.of(
            EnumSet.of(
                AgentState.INITIALIZING, AgentState.IDLE, AgentState.BUSY, AgentState.PAUSED)));
  }

  /** Idle agents first; busy or initializing ones only when no idle agent is left. */
  public static Availability preferIdle() {
    return ofTiers(
        List.of(EnumSet.of(AgentState.IDLE), EnumSet.of(AgentState.BUSY, AgentState.INITIALIZING)));
  }

  /**
   * Parses a rule written as tiers separated by {@code >} and states separated by commas, e.g.
   * {@code idle>busy,initializing}.
   *
   * @throws IllegalArgumentException naming the offending word and the accepted ones
   */
  public static Availability parse(String text) {
    List<Set<AgentState>> tiers = new ArrayList<>();
    for (String tierText : text.split(">", -1)) {
      Set<AgentState> tier = EnumSet.noneOf(AgentState.class);
      for (String word : tierText.split(",", -1)) {
        String normalized = word.strip().toLowerCase(Locale.ROOT);
        if (normalized.isEmpty()) {
          throw new IllegalArgumentException(
              "empty state in routable states '" + text + "'; write e.g. 'idle>busy,initializing'");
        }
        AgentState state = AgentState.parse(normalized);
        if (state == AgentState.UNRECOGNIZED && !normalized.equals("unrecognized")) {
          throw new IllegalArgumentException(
              "unknown agent state '"
                  + word.strip()
                  + "' in routable states; use "
                  + Arrays.stream(AgentState.values())
                      .map(AgentState::wireName)
                      .collect(Collectors.joining(", ")));
        }
        tier.add(state);
      }
      tiers.add(tier);
    }
    return ofTiers(tiers);
  }

  /** The tiers, most preferred first. */
  public List<Set<AgentState>> tiers() {
    return tiers;
  }

  /** How many tiers the rule has. */
  public int tierCount() {
    return tiers.size();
  }

  /** The tier of a state (0 is the most preferred), or -1 when agents in it are never routed to. */
  public int tierOf(AgentState state) {
    return tierByState[state.ordinal()];
  }

  /** Whether an agent in this state may receive messages at all. */
  public boolean isRoutable(AgentState state) {
    return tierOf(state) != NOT_ROUTABLE;
  }

  /** The rule in the syntax {@link #parse} reads. */
  @Override
  public String toString() {
    return tiers.stream()
        .map(
            tier ->
                tier.stream().sorted().map(AgentState::wireName).collect(Collectors.joining(",")))
        .collect(Collectors.joining(">"));
  }

  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof Availability that && tiers.equals(that.tiers);
  }

  @Override
  public int hashCode() {
    return tiers.hashCode();
  }
}
