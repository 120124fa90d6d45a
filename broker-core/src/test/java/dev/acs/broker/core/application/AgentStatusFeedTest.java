package dev.acs.broker.core.application;

import static dev.acs.broker.core.testing.Agents.busy;
import static dev.acs.broker.core.testing.Agents.idle;
import static org.assertj.core.api.Assertions.assertThat;

import dev.acs.broker.core.agent.AgentId;
import dev.acs.broker.core.agent.AgentRegistry;
import dev.acs.broker.core.agent.AgentState;
import dev.acs.broker.core.agent.AgentStatusUpdate;
import dev.acs.broker.core.agent.Availability;
import dev.acs.broker.core.port.AgentStatusObserver;
import dev.acs.broker.core.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Updates that arrive while the applier is busy are conflated into one apply. */
class AgentStatusFeedTest {

  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final AgentRegistry registry = new AgentRegistry(Availability.preferIdle(), clock);
  private final ArrayDeque<Runnable> applier = new ArrayDeque<>();
  private final CountingObserver observer = new CountingObserver();
  private final AgentStatusFeed feed =
      AgentStatusFeed.on(applier::add, registry, clock, observer, 1_000);

  @Test
  void deltasThatArriveWhileWaiting_mergeIntoOneApply_theLastStateOfEachAgentWinning() {
    feed.onStatus(AgentStatusUpdate.snapshot(List.of(idle("a"), idle("b"))));
    runApplier();
    long version = registry.view().version();

    feed.onStatus(AgentStatusUpdate.delta(List.of(busy("a"))));
    feed.onStatus(AgentStatusUpdate.delta(List.of(busy("b"), idle("c"))));
    feed.onStatus(AgentStatusUpdate.delta(List.of(idle("a"))));
    assertThat(applier).as("one apply scheduled for all three").hasSize(1);
    runApplier();

    assertThat(registry.view().version()).isEqualTo(version + 1);
    assertThat(state("a")).isEqualTo(AgentState.IDLE);
    assertThat(state("b")).isEqualTo(AgentState.BUSY);
    assertThat(state("c")).isEqualTo(AgentState.IDLE);
    assertThat(observer.deltas).isEqualTo(3);
    assertThat(observer.conflated).isEqualTo(2);
    assertThat(observer.applies).isEqualTo(2);
  }

  @Test
  void aFullSnapshot_supersedesEverythingQueuedBeforeIt_andLaterDeltasApplyOnTop() {
    feed.onStatus(AgentStatusUpdate.snapshot(List.of(idle("a"), idle("b"))));
    runApplier();

    feed.onStatus(AgentStatusUpdate.delta(List.of(idle("x"))));
    feed.onStatus(AgentStatusUpdate.snapshot(List.of(busy("a"))));
    feed.onStatus(AgentStatusUpdate.snapshot(List.of(idle("a"), idle("c"))));
    feed.onStatus(AgentStatusUpdate.delta(List.of(busy("c"), idle("d"))));
    runApplier();

    assertThat(registry.view().agents())
        .extracting(agent -> agent.id().value())
        .containsExactlyInAnyOrder("a", "c", "d");
    assertThat(state("c")).isEqualTo(AgentState.BUSY);
    assertThat(observer.fullSnapshots).isEqualTo(3);
    assertThat(observer.conflated).isEqualTo(3);
  }

  @Test
  void theViewIsStampedWithTheArrivalOfTheNewestUpdate_andTheAgeIsReported() {
    feed.onStatus(AgentStatusUpdate.snapshot(List.of(idle("a"))));
    clock.advance(Duration.ofSeconds(2));
    feed.onStatus(AgentStatusUpdate.delta(List.of(busy("a"))));
    Instant newest = clock.instant();
    clock.advance(Duration.ofSeconds(3));
    runApplier();

    assertThat(registry.view().updatedAt()).contains(newest);
    assertThat(registry.health().age()).contains(Duration.ofSeconds(3));
    assertThat(observer.lastAge).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void anInterruption_isAppliedAfterTheUpdatesBeforeIt_andAnUpdateAfterItReconnects() {
    feed.onStatus(AgentStatusUpdate.snapshot(List.of(idle("a"))));
    feed.onInterrupted("UNAVAILABLE");
    runApplier();
    assertThat(registry.view().size()).isEqualTo(1);
    assertThat(registry.health().streamConnected()).isFalse();

    feed.onInterrupted("UNAVAILABLE again");
    feed.onStatus(AgentStatusUpdate.snapshot(List.of(idle("a"), idle("b"))));
    runApplier();
    assertThat(registry.health().streamConnected()).isTrue();
    assertThat(registry.view().size()).isEqualTo(2);
  }

  @Test
  void afterClose_updatesAreIgnored() {
    feed.close();
    feed.onStatus(AgentStatusUpdate.snapshot(List.of(idle("a"))));
    assertThat(applier).isEmpty();
    assertThat(registry.hasSnapshot()).isFalse();
  }

  private AgentState state(String id) {
    return registry.view().find(AgentId.of(id)).orElseThrow().state();
  }

  private void runApplier() {
    while (!applier.isEmpty()) {
      applier.poll().run();
    }
  }

  private static final class CountingObserver implements AgentStatusObserver {
    int fullSnapshots;
    int deltas;
    int conflated;
    int applies;
    Duration lastAge = Duration.ZERO;

    @Override
    public void received(boolean fullSnapshot) {
      if (fullSnapshot) {
        fullSnapshots++;
      } else {
        deltas++;
      }
    }

    @Override
    public void conflated() {
      conflated++;
    }

    @Override
    public void applied(long applyNanos, Duration age) {
      applies++;
      lastAge = age;
    }
  }
}
