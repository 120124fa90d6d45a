package dev.acs.broker.core.application;

import static dev.acs.broker.core.testing.Agents.busy;
import static dev.acs.broker.core.testing.Agents.idle;
import static dev.acs.broker.core.testing.Agents.offline;
import static dev.acs.broker.core.testing.Agents.paused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.agent.AgentRegistry;
import dev.acs.broker.core.agent.AgentStatusUpdate;
import dev.acs.broker.core.agent.Availability;
import dev.acs.broker.core.message.MessageEnvelope;
import dev.acs.broker.core.message.MessageType;
import dev.acs.broker.core.message.OutboundMessage;
import dev.acs.broker.core.routing.MessageRouter;
import dev.acs.broker.core.routing.OutstandingWork;
import dev.acs.broker.core.routing.StickyRoutingPolicy;
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
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ParkingTest {

  private static final Duration PARK_TIMEOUT = Duration.ofSeconds(30);

  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private final AgentRegistry registry = new AgentRegistry(Availability.preferIdle(), clock);
  private final RecordingOutboundPublisher publisher = RecordingOutboundPublisher.confirming();
  private final FakeInboundMessages input = new FakeInboundMessages();
  private RoutingService service = parkingService(false);

  private RoutingService parkingService(boolean waitForStickyAgent) {
    OutstandingWork work = new OutstandingWork(clock, Duration.ofMinutes(5));
    RoutingService built =
        RoutingService.builder(
                new BrokerIdentity("broker_1", "B"),
                registry,
                new MessageRouter(
                    new StickyRoutingPolicy(work, new SplittableRandom(1), waitForStickyAgent),
                    true),
                publisher)
            .clock(clock)
            .outstandingWork(work)
            .parking(PARK_TIMEOUT, scheduler)
            .build();
    return built;
  }

  @Test
  void parkingForARouterThatNeverParks_isRefused_soParkingIsConfiguredInOnePlace() {
    RoutingServiceBuilder builder =
        RoutingService.builder(
                new BrokerIdentity("broker_1", "B"),
                registry,
                new MessageRouter(
                    new StickyRoutingPolicy(
                        new OutstandingWork(clock, Duration.ofMinutes(5)),
                        new SplittableRandom(1),
                        false)),
                publisher)
            .parking(PARK_TIMEOUT, scheduler);

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("never parks");
  }

  @Test
  void parkedMessage_isDeliveredWhenAnAgentComesOnline() {
    registry.apply(AgentStatusUpdate.snapshot(List.of(paused("a"))));
    input.start(service);

    Delivery parked = input.offer(Messages.fromFrontend("m1", "web_1"), Map.of());

    assertThat(publisher.published()).isEmpty();
    assertThat(parked.settlement()).isEqualTo(Settlement.PENDING);
    assertThat(service.parkedCount()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(4));
    assertThat(service.oldestParkedAge()).contains(Duration.ofSeconds(4));

    registry.apply(AgentStatusUpdate.snapshot(List.of(idle("a"))));

    assertThat(FlatDocument.decode(publisher.published().get(0).body()))
        .containsEntry("receiver_id", "a")
        .containsEntry("routing_status", "routed");
    assertThat(parked.settlement()).isEqualTo(Settlement.ACKED);
    assertThat(service.parkedCount()).isZero();
    assertThat(service.inFlight()).isZero();
    assertThat(scheduler.pending()).as("the timeout was cancelled").isZero();
  }

  @Test
  void parkedMessage_getsTheReferenceErrorAfterTheTimeout() {
    registry.apply(AgentStatusUpdate.snapshot(List.of(offline("a"))));
    input.start(service);
    Delivery parked = input.offer(Messages.fromFrontend("m1", "web_1"), Map.of());

    scheduler.advance(PARK_TIMEOUT.minusMillis(1));
    assertThat(publisher.published()).isEmpty();

    scheduler.advance(Duration.ofMillis(1));

    assertThat(FlatDocument.decode(publisher.published().get(0).body()))
        .containsEntry("message_type", "ERROR")
        .containsEntry("receiver_id", "web_1")
        .containsEntry("error_details", "No other online agents available to handle the message.");
    assertThat(parked.settlement()).isEqualTo(Settlement.ACKED);
    assertThat(service.inFlight()).isZero();
  }

  @Test
  void aChangeThatHelpsNobody_keepsTheMessageParked() {
    registry.apply(AgentStatusUpdate.snapshot(List.of(offline("a"))));
    input.start(service);
    input.offer(Messages.fromFrontend("m1", "web_1"), Map.of());

    registry.apply(AgentStatusUpdate.snapshot(List.of(offline("a"), paused("b"))));

    assertThat(publisher.published()).isEmpty();
    assertThat(service.parkedCount()).isEqualTo(1);
  }

  @Test
  void orderWithinAConversation_isKept_evenForMessagesArrivingWhileItWaits() {
    registry.apply(AgentStatusUpdate.snapshot(List.of(offline("a"))));
    input.start(service);
    input.offer(Messages.fromFrontend("m1", "web_1"), Map.of());
    input.offer(Messages.fromFrontend("x1", "web_2"), Map.of());
    input.offer(Messages.fromFrontend("m2", "web_1"), Map.of());

    registry.apply(AgentStatusUpdate.snapshot(List.of(idle("a"))));
    input.offer(Messages.fromFrontend("m3", "web_1"), Map.of());

    assertThat(publisher.published().stream().map(OutboundMessage::messageId))
        .containsExactly("m1", "x1", "m2", "m3");
  }

  @Test
  void aNewMessageOfAWaitingConversation_queuesBehindIt() {
    registry.apply(AgentStatusUpdate.snapshot(List.of(busy("b"))));
    service = parkingService(true);
    input.start(service);
    String key = keyStickyTo("b");

    input.offer(Messages.fromFrontend("m1", key), Map.of());
    assertThat(service.parkedCount()).as("waits for its sticky agent").isEqualTo(1);

    // An idle agent appears, but the conversation belongs to b: m1 still waits, m2 queues behind.
    registry.apply(AgentStatusUpdate.snapshot(List.of(idle("a"), busy("b"))));
    input.offer(Messages.fromFrontend("m2", key), Map.of());
    assertThat(service.parkedCount()).isEqualTo(2);
    assertThat(publisher.published()).isEmpty();

    registry.apply(AgentStatusUpdate.snapshot(List.of(idle("a"), idle("b"))));
    assertThat(publisher.published().stream().map(OutboundMessage::messageId))
        .containsExactly("m1", "m2");
    assertThat(publisher.published())
        .allSatisfy(
            m -> assertThat(FlatDocument.decode(m.body())).containsEntry("receiver_id", "b"));
  }

  private static String keyStickyTo(String agent) {
    dev.acs.broker.core.agent.AgentView both =
        dev.acs.broker.core.agent.AgentView.of(
            1, Instant.EPOCH, Availability.preferIdle(), List.of(idle("a"), idle("b")));
    for (int k = 0; ; k++) {
      if (both.ring().owner("web_" + k, null).id().value().equals(agent)) {
        return "web_" + k;
      }
    }
  }

  @Test
  void anAgentArrivingBetweenTheDecisionAndTheParking_isNotMissed() {
    registry.apply(AgentStatusUpdate.snapshot(List.of(offline("a"))));
    // A policy that lets the agents change while the broker decides, as the status stream can on
    // its own thread: the change lands after the first decision saw nobody.
    dev.acs.broker.core.routing.RoutingPolicy racing =
        new dev.acs.broker.core.routing.RoutingPolicy() {
          private boolean changed;

          @Override
          public java.util.Optional<dev.acs.broker.core.agent.Agent> choose(
              MessageEnvelope message, dev.acs.broker.core.agent.AgentView agents) {
            if (!changed) {
              changed = true;
              registry.apply(AgentStatusUpdate.snapshot(List.of(idle("a"))));
              return java.util.Optional.empty();
            }
            return agents.tierSize(0) > 0
                ? java.util.Optional.of(agents.member(0, 0))
                : java.util.Optional.empty();
          }
        };
    service =
        RoutingService.builder(
                new BrokerIdentity("broker_1", "B"),
                registry,
                new MessageRouter(racing, true),
                publisher)
            .clock(clock)
            .parking(PARK_TIMEOUT, scheduler)
            .build();
    input.start(service);

    Delivery message = input.offer(Messages.fromFrontend("m1", "web_1"), Map.of());

    assertThat(FlatDocument.decode(publisher.published().get(0).body()))
        .containsEntry("receiver_id", "a");
    assertThat(message.settlement()).isEqualTo(Settlement.ACKED);
    assertThat(service.parkedCount()).isZero();
  }

  @Test
  void requeueParked_givesWaitingMessagesBack() {
    registry.apply(AgentStatusUpdate.snapshot(List.of(offline("a"))));
    input.start(service);
    Delivery parked = input.offer(Messages.fromFrontend("m1", "web_1"), Map.of());

    service.requeueParked();

    assertThat(parked.settlement()).isEqualTo(Settlement.REQUEUED);
    assertThat(service.inFlight()).isZero();
    scheduler.advance(PARK_TIMEOUT);
    assertThat(publisher.published()).isEmpty();
  }

  @Test
  void errorsAndUnhandledTypes_areNeverParked() {
    registry.apply(AgentStatusUpdate.snapshot(List.of(offline("a"))));
    input.start(service);
    input.offer(
        MessageEnvelope.builder(MessageType.ERROR).messageId("e1").senderId("a").build(), Map.of());
    input.offer(Messages.fromAgent(MessageType.PAUSE_AGENT, "p1", "web_1", "a"), Map.of());

    assertThat(publisher.published()).hasSize(2);
    assertThat(service.parkedCount()).isZero();
  }

  @Test
  void deliveriesCountAsOutstandingWork_untilTheAgentAnswers() {
    registry.apply(AgentStatusUpdate.snapshot(List.of(idle("a"))));
    input.start(service);
    input.offer(Messages.fromFrontend("m1", "web_1"), Map.of());
    input.offer(Messages.fromFrontend("m2", "web_1"), Map.of());
    dev.acs.broker.core.agent.AgentId a = dev.acs.broker.core.agent.AgentId.of("a");
    assertThat(service.outstandingWork().outstanding(a)).isEqualTo(2);

    input.offer(Messages.fromAgent(MessageType.REPLY, "r1", "a", "web_1"), Map.of());

    assertThat(service.outstandingWork().outstanding(a)).isEqualTo(1);
  }
}
