package dev.acs.broker.core.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acs.broker.core.agent.Agent;
import dev.acs.broker.core.agent.AgentId;
import dev.acs.broker.core.agent.AgentState;
import dev.acs.broker.core.agent.AgentStatusUpdate;
import dev.acs.broker.core.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: {@link AgentSuspicion} settles only the agents an update lists and those whose deadline
 * passed, where it used to re-evaluate every agent after every update. Over many generated
 * histories (updates, routed work, answers, the clock moving, timer ticks) its suspects must equal
 * those of the old algorithm ({@link NaiveAgentSuspicion}) after every step, in the same order.
 */
class AgentSuspicionPropertyTest {

  private static final Instant SERVER_START = Instant.parse("2026-01-01T10:00:00Z");
  private static final AgentState[] STATES = AgentState.values();

  // Held strongly so that the level sticks: the histories make thousands of suspicion lines, and
  // writing them would cost more than the checks.
  private static final java.util.logging.Logger SUSPICION_LOG =
      java.util.logging.Logger.getLogger(AgentSuspicion.class.getName());

  private static java.util.logging.@Nullable Level levelBefore;

  @BeforeAll
  static void quietSuspicionLog() {
    levelBefore = SUSPICION_LOG.getLevel();
    SUSPICION_LOG.setLevel(java.util.logging.Level.OFF);
  }

  @AfterAll
  static void restoreSuspicionLog() {
    SUSPICION_LOG.setLevel(levelBefore);
  }

  @Test
  @DisplayName("the suspects equal a full re-evaluation's after every step of random histories")
  void suspectsEqualTheNaiveModel_afterEveryStep() {
    Random seeds = new Random(13);
    for (int history = 0; history < 1_500; history++) {
      runHistory(seeds.nextLong(), history < 1_200 ? 8 : 60, 150);
    }
  }

  @Test
  @DisplayName("a history that uses every kind of step finds both kinds of suspect and clears them")
  void theGeneratedHistories_reachBothReasonsAndClearThem() {
    // Guards the property above against generators that never make anyone suspect.
    Random seeds = new Random(14);
    Coverage seen = new Coverage();
    for (int history = 0; history < 300; history++) {
      seen.add(runHistory(seeds.nextLong(), 8, 150));
    }
    assertThat(seen.silent).isPositive();
    assertThat(seen.unanswered).isPositive();
    assertThat(seen.cleared).isPositive();
  }

  /** Runs one history, checking after every step; returns what it saw. */
  private static Coverage runHistory(long seed, int maxAgents, int steps) {
    Random random = new Random(seed);
    ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    AgentSuspicion.Settings settings =
        new AgentSuspicion.Settings(
            random.nextInt(5) == 0 ? AgentSuspicion.Mode.EXCLUDE : AgentSuspicion.Mode.DEMOTE,
            Duration.ofMillis(1 + random.nextInt(40_000)),
            Duration.ofMillis(1 + random.nextInt(15_000)));
    AgentSuspicion real = new AgentSuspicion(settings, clock);
    NaiveAgentSuspicion model = new NaiveAgentSuspicion(settings, clock);
    int agents = 1 + random.nextInt(maxAgents);
    Instant serverCursor = SERVER_START;
    Coverage coverage = new Coverage();
    List<String> trace = new ArrayList<>();
    for (int step = 0; step < steps; step++) {
      int kind = random.nextInt(100);
      if (kind < 30 || kind >= 95) {
        boolean full = kind >= 95;
        serverCursor = serverCursor.plusMillis(random.nextInt(20_000));
        AgentStatusUpdate update = update(random, agents, serverCursor, full);
        trace.add((full ? "snapshot " : "delta ") + update.agents());
        real.observe(update);
        model.observe(update);
      } else if (kind < 50) {
        AgentId id = id(random, agents);
        trace.add("routedTo " + id);
        real.routedTo(id);
        model.routedTo(id);
      } else if (kind < 60) {
        AgentId id = id(random, agents);
        trace.add("heardFrom " + id);
        real.heardFrom(id);
        model.heardFrom(id);
      } else if (kind < 85) {
        Duration step0 = Duration.ofMillis(random.nextInt(random.nextBoolean() ? 2_000 : 12_000));
        trace.add("clock +" + step0);
        clock.advance(step0);
      } else {
        trace.add("tick");
        real.reevaluate();
        model.reevaluate();
      }
      Map<AgentId, String> expected = model.suspects();
      assertThat(real.suspects())
          .as("seed %d, step %d, settings %s, history:%n%s", seed, step, settings, trace)
          .containsExactlyEntriesOf(expected);
      coverage.record(expected);
    }
    return coverage;
  }

  private static AgentStatusUpdate update(
      Random random, int agents, Instant serverCursor, boolean full) {
    List<Agent> listed = new ArrayList<>();
    for (int i = 0; i < agents; i++) {
      // A delta lists a few agents, a snapshot most (the rest are gone).
      if (random.nextInt(full ? 10 : agents + 1) < (full ? 8 : 2)) {
        listed.add(agent(random, i, serverCursor));
      }
    }
    return full ? AgentStatusUpdate.snapshot(listed) : AgentStatusUpdate.delta(listed);
  }

  private static Agent agent(Random random, int index, Instant serverCursor) {
    AgentState state =
        random.nextBoolean() ? AgentState.IDLE : STATES[random.nextInt(STATES.length)];
    return new Agent(AgentId.of("a" + index), "", state, lastSeen(random, serverCursor), Map.of());
  }

  /** A {@code last_seen} at or before the server's time, in each format a server may send. */
  private static String lastSeen(Random random, Instant serverCursor) {
    Instant at = serverCursor.minusMillis(random.nextInt(random.nextBoolean() ? 1_000 : 60_000));
    switch (random.nextInt(10)) {
      case 0:
        return "";
      case 1:
        return "yesterday";
      case 2:
        return at.atOffset(ZoneOffset.ofHours(2)).toString();
      case 3:
      case 4:
        return at.toString();
      default:
        // The real server's format: no offset, microseconds.
        return LocalDateTime.ofInstant(at, ZoneOffset.UTC).toString();
    }
  }

  private static AgentId id(Random random, int agents) {
    // Sometimes an agent the server never listed.
    return AgentId.of("a" + random.nextInt(agents + 1));
  }

  /** Which outcomes the histories reached. */
  private static final class Coverage {
    int silent;
    int unanswered;
    int cleared;
    private Map<AgentId, String> last = Map.of();

    void record(Map<AgentId, String> suspects) {
      silent += suspects.containsValue(AgentSuspicion.SILENT) ? 1 : 0;
      unanswered += suspects.containsValue(AgentSuspicion.UNANSWERED) ? 1 : 0;
      for (AgentId id : last.keySet()) {
        cleared += suspects.containsKey(id) ? 0 : 1;
      }
      last = Map.copyOf(suspects);
    }

    void add(Coverage other) {
      silent += other.silent;
      unanswered += other.unanswered;
      cleared += other.cleared;
    }
  }
}
