package dev.acs.broker.core.application;

import static dev.acs.broker.core.testing.Agents.idle;
import static dev.acs.broker.core.testing.Agents.offline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.message.Destination;
import dev.acs.broker.core.routing.AgentSuspicion;
import dev.acs.broker.core.routing.LeastLoadedRoutingPolicy;
import dev.acs.broker.core.routing.MessageRouter;
import dev.acs.broker.core.routing.OutstandingWork;
import dev.acs.broker.core.testing.Agents;
import dev.acs.broker.core.testing.FakeAgentStatusSource;
import dev.acs.broker.core.testing.FakeInboundMessages;
import dev.acs.broker.core.testing.FakeInboundMessages.Delivery;
import dev.acs.broker.core.testing.FakeInboundMessages.Settlement;
import dev.acs.broker.core.testing.FlatDocument;
import dev.acs.broker.core.testing.ManualClock;
import dev.acs.broker.core.testing.ManualScheduler;
import dev.acs.broker.core.testing.Messages;
import dev.acs.broker.core.testing.RecordingOutboundPublisher;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BrokerCoreTest {

  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final ManualScheduler timers = new ManualScheduler(clock);
  private final FakeAgentStatusSource agents = new FakeAgentStatusSource();
  private final FakeInboundMessages input = new FakeInboundMessages();
  private final RecordingOutboundPublisher output = RecordingOutboundPublisher.confirming();

  private BrokerCoreBuilder builder() {
    return BrokerCore.builder(new BrokerIdentity("broker_test", "test"))
        .statusSource(agents)
        .inbound(input)
        .publisher(output)
        .clock(clock)
        .scheduler(timers, Runnable::run)
        .statusApplier(Runnable::run);
  }

  @Test
  @DisplayName("the fakes of docs/embedding.md route a frontend message to the idle agent")
  void routesOverTheFakes() throws InterruptedException {
    BrokerCore core = builder().build();
    agents.snapshot(Agents.idle("a1"));
    core.start(Duration.ofSeconds(1));

    Delivery delivery =
        input.offer(Messages.fromFrontend("m1", "client-1"), Map.of("text_payload", "hi"));

    assertThat(FlatDocument.decode(output.published().get(0).body()))
        .containsEntry("receiver_id", "a1")
        .containsEntry("text_payload", "hi");
    assertThat(delivery.settlement()).isEqualTo(Settlement.ACKED);
    assertThat(core.stop(Duration.ofSeconds(1))).isTrue();
  }

  @Test
  @DisplayName("one park timeout configures both the router and the routing service")
  void parksUntilTheTimeoutThenRejects() throws InterruptedException {
    BrokerCore core = builder().parkTimeout(Duration.ofSeconds(5)).build();
    agents.snapshot(offline("a1"));
    core.start(Duration.ofSeconds(1));

    Delivery parked = input.offer(Messages.fromFrontend("m1", "client-1"), Map.of());
    assertThat(core.router().parks()).isTrue();
    assertThat(core.routing().parkedCount()).isEqualTo(1);
    assertThat(parked.settlement()).isEqualTo(Settlement.PENDING);

    timers.advance(Duration.ofSeconds(5));

    assertThat(core.routing().parkedCount()).isZero();
    assertThat(FlatDocument.decode(output.published().get(0).body()))
        .containsEntry("error_details", MessageRouter.NO_OTHER_AGENTS);
    assertThat(parked.settlement()).isEqualTo(Settlement.ACKED);
    core.stop(Duration.ofSeconds(1));
  }

  @Test
  @DisplayName("a park timeout of zero answers at once, as the reference broker did")
  void zeroParkTimeoutRejectsAtOnce() throws InterruptedException {
    BrokerCore core =
        builder().parkTimeout(Duration.ZERO).errorReceiver(ErrorReceiver.SENDER).build();
    agents.snapshot(offline("a1"));
    core.start(Duration.ofSeconds(1));

    Delivery rejected = input.offer(Messages.fromFrontend("m1", "client-1"), Map.of());

    assertThat(core.router().parks()).isFalse();
    assertThat(output.published(Destination.SERVER)).hasSize(1);
    assertThat(rejected.settlement()).isEqualTo(Settlement.ACKED);
    core.stop(Duration.ofSeconds(1));
  }

  @Test
  @DisplayName("a policy factory gets the load tracker the routing service keeps up to date")
  void policyFactorySharesTheCoresOutstandingWork() throws InterruptedException {
    AtomicReference<OutstandingWork> given = new AtomicReference<>();
    BrokerCore core =
        builder()
            .policy(
                (work, random) -> {
                  given.set(work);
                  return new LeastLoadedRoutingPolicy(work, random);
                })
            .build();
    agents.snapshot(idle("a1"));
    core.start(Duration.ofSeconds(1));

    input.offer(Messages.fromFrontend("m1", "client-1"), Map.of());

    assertThat(given.get())
        .isSameAs(core.outstandingWork())
        .isSameAs(core.routing().outstandingWork());
    assertThat(core.outstandingWork().outstanding(idle("a1").id())).isEqualTo(1);
    core.stop(Duration.ofSeconds(1));
  }

  @Test
  @DisplayName("suspicion is re-evaluated every second on the core's timers until it closes")
  void suspicionRunsOnTheTimersUntilClosed() {
    BrokerCore core = builder().build();
    assertThat(core.suspicion().mode()).isEqualTo(AgentSuspicion.Mode.DEMOTE);
    assertThat(timers.pending()).isEqualTo(1);
    timers.advance(Duration.ofSeconds(3));
    assertThat(timers.pending()).isEqualTo(1);

    core.close();

    assertThat(timers.pending()).isZero();
  }

  @Test
  @DisplayName("with suspicion off nothing is scheduled")
  void suspicionOffSchedulesNothing() {
    builder()
        .suspicion(
            new AgentSuspicion.Settings(
                AgentSuspicion.Mode.OFF, Duration.ofSeconds(30), Duration.ofSeconds(10)))
        .build();

    assertThat(timers.pending()).isZero();
  }

  @Test
  @DisplayName("a missing port fails build() naming the setter")
  void missingPortFailsTheBuild() {
    assertThatThrownBy(
            () ->
                BrokerCore.builder(new BrokerIdentity("broker_test", "test"))
                    .statusSource(agents)
                    .inbound(input)
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("publisher(...)");
  }

  @Test
  @DisplayName("an unknown policy name is refused at once, listing the known ones")
  void unknownPolicyIsRefused() {
    assertThatThrownBy(() -> builder().policy("fastest"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("least-loaded");
  }

  @Test
  @DisplayName("waitForStickyAgent belongs to the named policies")
  void waitForStickyAgentNeedsANamedPolicy() {
    assertThatThrownBy(
            () ->
                builder()
                    .policy((work, random) -> new LeastLoadedRoutingPolicy(work, random))
                    .waitForStickyAgent(true))
        .isInstanceOf(IllegalStateException.class);
  }
}
