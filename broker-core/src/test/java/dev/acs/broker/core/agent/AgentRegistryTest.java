package dev.acs.broker.core.agent;

import static dev.acs.broker.core.testing.Agents.busy;
import static dev.acs.broker.core.testing.Agents.idle;
import static dev.acs.broker.core.testing.Agents.offline;
import static org.assertj.core.api.Assertions.assertThat;

import dev.acs.broker.core.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentRegistryTest {

  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final AgentRegistry registry = new AgentRegistry(Availability.reference(), clock);

  @Test
  void fullSnapshot_replacesTheView() {
    registry.apply(AgentStatusUpdate.snapshot(List.of(idle("a"), idle("b"))));
    registry.apply(AgentStatusUpdate.snapshot(List.of(idle("c"))));

    assertThat(ids(registry.view())).containsExactly("c");
  }

  @Test
  void delta_upsertsAndRemovesNobody() {
    registry.apply(AgentStatusUpdate.snapshot(List.of(idle("a"), idle("b"))));
    registry.apply(AgentStatusUpdate.delta(List.of(offline("b"), idle("c"))));

    AgentView view = registry.view();
    assertThat(ids(view)).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(view.find(AgentId.of("b")).orElseThrow().state()).isEqualTo(AgentState.OFFLINE);
    assertThat(view.isAvailable(AgentId.of("b"))).isFalse();
  }

  @Test
  void emptyFullSnapshot_removesEveryone() {
    registry.apply(AgentStatusUpdate.snapshot(List.of(idle("a"))));
    registry.apply(AgentStatusUpdate.snapshot(List.of()));

    assertThat(registry.view().size()).isZero();
    assertThat(registry.view().availableCount()).isZero();
  }

  @Test
  void duplicateIdsInOneUpdate_lastOneWins() {
    registry.apply(AgentStatusUpdate.snapshot(List.of(idle("a"), offline("a"))));

    assertThat(registry.view().find(AgentId.of("a")).orElseThrow().state())
        .isEqualTo(AgentState.OFFLINE);
  }

  @Test
  void tiers_holdAvailableAgentsSortedById() {
    AgentRegistry preferIdle = new AgentRegistry(Availability.preferIdle(), clock);
    preferIdle.apply(
        AgentStatusUpdate.snapshot(List.of(idle("c"), busy("b"), idle("a"), offline("d"))));

    AgentView view = preferIdle.view();
    assertThat(view.tierSize(0)).isEqualTo(2);
    assertThat(view.member(0, 0).id().value()).isEqualTo("a");
    assertThat(view.member(0, 1).id().value()).isEqualTo("c");
    assertThat(view.member(1, 0).id().value()).isEqualTo("b");
    assertThat(view.positionInTier(AgentId.of("c"))).isEqualTo(1);
    assertThat(view.positionInTier(AgentId.of("d"))).isEqualTo(-1);
    assertThat(view.tierOf(AgentId.of("b"))).isEqualTo(1);
  }

  @Test
  void version_increasesWithEveryUpdate() {
    long before = registry.view().version();
    registry.apply(AgentStatusUpdate.delta(List.of(idle("a"))));
    registry.apply(AgentStatusUpdate.delta(List.of(idle("a"))));
    assertThat(registry.view().version()).isEqualTo(before + 2);
  }

  @Test
  void firstSnapshot_isOnlyAFullUpdate() throws InterruptedException {
    registry.apply(AgentStatusUpdate.delta(List.of(idle("a"))));
    assertThat(registry.hasSnapshot()).isFalse();
    assertThat(registry.awaitFirstSnapshot(Duration.ZERO)).isFalse();

    registry.apply(AgentStatusUpdate.snapshot(List.of(idle("a"))));
    assertThat(registry.hasSnapshot()).isTrue();
    assertThat(registry.awaitFirstSnapshot(Duration.ZERO)).isTrue();
  }

  @Test
  void health_reportsAgeAndInterruption_andKeepsTheLastView() {
    assertThat(registry.health().isStale(Duration.ofMinutes(1))).isTrue();

    registry.apply(AgentStatusUpdate.snapshot(List.of(idle("a"))));
    clock.advance(Duration.ofSeconds(20));
    RegistryHealth fresh = registry.health();
    assertThat(fresh.age()).contains(Duration.ofSeconds(20));
    assertThat(fresh.isStale(Duration.ofMinutes(1))).isFalse();
    assertThat(fresh.isStale(Duration.ofSeconds(10))).isTrue();

    registry.markInterrupted("UNAVAILABLE: connection refused");
    RegistryHealth interrupted = registry.health();
    assertThat(interrupted.streamConnected()).isFalse();
    assertThat(interrupted.interruption()).contains("connection refused");
    assertThat(interrupted.isStale(Duration.ofMinutes(1))).isTrue();
    assertThat(ids(registry.view())).containsExactly("a");

    registry.apply(AgentStatusUpdate.snapshot(List.of(idle("a"))));
    assertThat(registry.health().streamConnected()).isTrue();
    assertThat(registry.health().interruption()).isNull();
  }

  @Test
  void onChange_seesEveryNewView() {
    List<Long> versions = new ArrayList<>();
    registry.onChange(view -> versions.add(view.version()));
    registry.apply(AgentStatusUpdate.snapshot(List.of(idle("a"))));
    registry.apply(AgentStatusUpdate.delta(List.of(idle("b"))));
    assertThat(versions).containsExactly(1L, 2L);
  }

  @Test
  void largeSnapshot_isApplied() {
    List<Agent> agents = new ArrayList<>();
    for (int i = 0; i < 50_000; i++) {
      agents.add(idle("agent-" + i));
    }
    registry.apply(AgentStatusUpdate.snapshot(agents));
    assertThat(registry.view().size()).isEqualTo(50_000);
    assertThat(registry.view().availableCount()).isEqualTo(50_000);
  }

  private static List<String> ids(AgentView view) {
    return view.agents().stream().map(a -> a.id().value()).toList();
  }
}
