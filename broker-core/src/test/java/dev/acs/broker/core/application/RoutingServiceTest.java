package dev.acs.broker.core.application;

import static dev.acs.broker.core.testing.Agents.idle;
import static dev.acs.broker.core.testing.Agents.named;
import static org.assertj.core.api.Assertions.assertThat;

import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.agent.AgentRegistry;
import dev.acs.broker.core.agent.AgentState;
import dev.acs.broker.core.agent.AgentStatusUpdate;
import dev.acs.broker.core.agent.Availability;
import dev.acs.broker.core.message.DeadLetterReason;
import dev.acs.broker.core.message.Destination;
import dev.acs.broker.core.message.FieldEdits;
import dev.acs.broker.core.message.MessageDocument;
import dev.acs.broker.core.message.MessageEnvelope;
import dev.acs.broker.core.message.MessageType;
import dev.acs.broker.core.message.OutboundMessage;
import dev.acs.broker.core.port.Acknowledgement;
import dev.acs.broker.core.port.InboundMessage;
import dev.acs.broker.core.port.RoutingObserver;
import dev.acs.broker.core.routing.MessageRouter;
import dev.acs.broker.core.routing.RandomRoutingPolicy;
import dev.acs.broker.core.routing.RoutingDecision;
import dev.acs.broker.core.testing.FakeInboundMessages;
import dev.acs.broker.core.testing.FakeInboundMessages.Delivery;
import dev.acs.broker.core.testing.FakeInboundMessages.Settlement;
import dev.acs.broker.core.testing.FlatDocument;
import dev.acs.broker.core.testing.Messages;
import dev.acs.broker.core.testing.RecordingOutboundPublisher;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RoutingServiceTest {

  private static final BrokerIdentity BROKER = new BrokerIdentity("broker_1", "Broker-test");

  private final AgentRegistry registry =
      new AgentRegistry(Availability.reference(), Clock.systemUTC());
  private final FakeInboundMessages input = new FakeInboundMessages();
  private final List<RoutingDecision> decisions = new ArrayList<>();
  private final AtomicLong nanos = new AtomicLong();

  /** A router whose random choices repeat from run to run. */
  private static MessageRouter randomRouter() {
    return new MessageRouter(new RandomRoutingPolicy(new SplittableRandom(1)));
  }

  private RoutingService serviceWith(RecordingOutboundPublisher publisher) {
    RoutingObserver observer =
        new RoutingObserver() {
          @Override
          public void decided(
              MessageEnvelope message, RoutingDecision decision, long decisionNanos) {
            decisions.add(decision);
          }
        };
    RoutingService service =
        new RoutingService(
            BROKER, registry, randomRouter(), publisher, observer, () -> nanos.addAndGet(1_000));
    input.start(service);
    return service;
  }

  @Test
  void routedMessage_isAckedOnlyAfterItsPublishIsConfirmed() {
    registry.apply(AgentStatusUpdate.snapshot(List.of(idle("a"))));
    RecordingOutboundPublisher publisher = RecordingOutboundPublisher.manual();
    RoutingService service = serviceWith(publisher);

    Delivery delivery = input.offer(Messages.fromFrontend("m1", "web_1"), Map.of());

    assertThat(publisher.published()).hasSize(1);
    assertThat(delivery.settlement()).isEqualTo(Settlement.PENDING);
    assertThat(service.inFlight()).isEqualTo(1);

    publisher.confirmAll();

    assertThat(delivery.settlement()).isEqualTo(Settlement.ACKED);
    assertThat(delivery.settleCalls()).isEqualTo(1);
    assertThat(service.inFlight()).isZero();
  }

  @Test
  void failedPublish_requeuesTheInput_neverAcksIt() {
    registry.apply(AgentStatusUpdate.snapshot(List.of(idle("a"))));
    RecordingOutboundPublisher publisher = RecordingOutboundPublisher.manual();
    serviceWith(publisher);

    Delivery delivery = input.offer(Messages.fromFrontend("m1", "web_1"), Map.of());
    publisher.fail(0, new IOException("nack"));

    assertThat(delivery.settlement()).isEqualTo(Settlement.REQUEUED);
    assertThat(delivery.settleCalls()).isEqualTo(1);
  }

  @Test
  void publisherThrowing_requeuesTheInput() {
    registry.apply(AgentStatusUpdate.snapshot(List.of(idle("a"))));
    RoutingService service =
        new RoutingService(
            BROKER,
            registry,
            randomRouter(),
            message -> {
              throw new IllegalStateException("channel closed");
            },
            RoutingObserver.NONE,
            System::nanoTime);
    input.start(service);

    Delivery delivery = input.offer(Messages.fromFrontend("m1", "web_1"), Map.of());

    assertThat(delivery.settlement()).isEqualTo(Settlement.REQUEUED);
    assertThat(service.inFlight()).isZero();
  }

  @Test
  void chosenAgent_rewritesReceiverAndStatus_andDropsTheServerHints() {
    registry.apply(AgentStatusUpdate.snapshot(List.of(idle("agent_7"))));
    RecordingOutboundPublisher publisher = RecordingOutboundPublisher.confirming();
    serviceWith(publisher);

    input.offer(
        Messages.fromFrontend("k3x9qa", "web_1a2b3c4d"),
        Map.of(
            "text_payload",
            "hello",
            "_broadcast",
            "true",
            "_target_agent_id",
            "x",
            "extra",
            "kept"));

    OutboundMessage out = publisher.published().get(0);
    Map<String, String> body = FlatDocument.decode(out.body());
    assertThat(out.destination()).isEqualTo(Destination.SERVER);
    assertThat(body)
        .containsEntry("receiver_id", "agent_7")
        .containsEntry("routing_status", "routed")
        .containsEntry("text_payload", "hello")
        .containsEntry("extra", "kept")
        .containsEntry("_connection_type", "frontend")
        .doesNotContainKeys("_client_id", "_broadcast", "_target_agent_id");
    assertThat(out.headers())
        .containsEntry("x-routed-by", "broker_1")
        .containsEntry("x-routing-policy", "random")
        .containsKey("x-routing-reason");
  }

  @Test
  void routedByHeadersOnly_leaveOutPolicyAndReason_butDeadLettersKeepTheirReason() {
    List<OutboundMessage> published =
        routeOneMessageAndOneDeadLetterWith(DecisionHeaders.ROUTED_BY);

    assertThat(published.get(0).headers()).containsOnlyKeys("x-routed-by");
    assertKeepsItsDeadLetterReason(published.get(1));
  }

  @Test
  void noDecisionHeaders_leaveServerMessagesBare_butDeadLettersKeepTheirReason() {
    List<OutboundMessage> published = routeOneMessageAndOneDeadLetterWith(DecisionHeaders.NONE);

    OutboundMessage toServer = published.get(0);
    assertThat(toServer.destination()).isEqualTo(Destination.SERVER);
    assertThat(toServer.headers()).isEmpty();
    assertThat(toServer.messageId()).isEqualTo("k3x9qa");
    assertThat(FlatDocument.decode(toServer.body()))
        .containsEntry("receiver_id", "agent_7")
        .containsEntry("routing_status", "routed");
    assertKeepsItsDeadLetterReason(published.get(1));
  }

  /**
   * Routes a frontend message to the one idle agent, then a control message that can only be
   * dead-lettered, through a service built with {@code headers}; returns what was published.
   */
  private List<OutboundMessage> routeOneMessageAndOneDeadLetterWith(DecisionHeaders headers) {
    registry.apply(AgentStatusUpdate.snapshot(List.of(idle("agent_7"))));
    RecordingOutboundPublisher publisher = RecordingOutboundPublisher.manual();
    input.start(
        RoutingService.builder(BROKER, registry, randomRouter(), publisher)
            .decisionHeaders(headers)
            .build());

    input.offer(Messages.fromFrontend("k3x9qa", "web_1a2b3c4d"), Map.of());
    input.offer(Messages.fromAgent(MessageType.PAUSE_AGENT, "m2", "web_1", "a"), Map.of());
    return publisher.published();
  }

  /** Dead letters carry who routed them and why, whatever the decision-header setting. */
  private static void assertKeepsItsDeadLetterReason(OutboundMessage message) {
    assertThat(message.destination()).isEqualTo(Destination.DEAD_LETTER);
    assertThat(message.headers())
        .containsKeys("x-routed-by", "x-dead-letter-reason", "x-dead-letter-detail");
  }

  @Test
  void explicitReceiver_onlyChangesTheRoutingStatus() {
    registry.apply(AgentStatusUpdate.snapshot(List.of(idle("a"), idle("b"))));
    RecordingOutboundPublisher publisher = RecordingOutboundPublisher.confirming();
    serviceWith(publisher);

    input.offer(
        Messages.fromAgent(MessageType.REPLY, "msg_1", "a", "b"),
        Map.of("_client_id", "web_9", "text_payload", "hi"));

    Map<String, String> body = FlatDocument.decode(publisher.published().get(0).body());
    assertThat(body)
        .containsEntry("receiver_id", "b")
        .containsEntry("routing_status", "routed")
        .containsEntry("_client_id", "web_9");
  }

  @Test
  void noAgent_publishesTheReferenceErrorToTheSender() {
    registry.apply(AgentStatusUpdate.snapshot(List.of(named("a", "Alice", AgentState.IDLE))));
    RecordingOutboundPublisher publisher = RecordingOutboundPublisher.confirming();
    serviceWith(publisher);

    Delivery delivery =
        input.offer(
            Messages.fromAgent(MessageType.TEXT, "msg_1", "a", "server"),
            Map.of("text_payload", "anyone?", "send_timestamp", "10:42:07"));

    Map<String, String> body = FlatDocument.decode(publisher.published().get(0).body());
    assertThat(body)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "message_id", "msg_1",
                "message_type", "ERROR",
                "sender_id", "broker_1",
                "receiver_id", "a",
                "routing_status", "error",
                "error_details", "Only you (Alice) are online right now.",
                "text_payload", "anyone?"));
    assertThat(delivery.settlement()).isEqualTo(Settlement.ACKED);
  }

  @Test
  void errorMessage_isForwardedWithErrorStatusAddedIfMissing() {
    RecordingOutboundPublisher publisher = RecordingOutboundPublisher.confirming();
    serviceWith(publisher);

    input.offer(
        MessageEnvelope.builder(MessageType.ERROR).messageId("e1").senderId("a").build(),
        Map.of("error_details", "boom"));

    Map<String, String> body = FlatDocument.decode(publisher.published().get(0).body());
    assertThat(body)
        .containsEntry("routing_status", "error")
        .containsEntry("error_details", "boom");
  }

  @Test
  void statusUpdateOnTheQueue_isAppliedAndAcked_withoutPublishing() {
    RecordingOutboundPublisher publisher = RecordingOutboundPublisher.confirming();
    serviceWith(publisher);

    Delivery delivery =
        input.offer(
            MessageEnvelope.builder(MessageType.AGENT_STATUS_UPDATE)
                .statusUpdate(AgentStatusUpdate.snapshot(List.of(idle("z"))))
                .build(),
            Map.of());

    assertThat(publisher.published()).isEmpty();
    assertThat(delivery.settlement()).isEqualTo(Settlement.ACKED);
    assertThat(registry.view().isAvailable(dev.acs.broker.core.agent.AgentId.of("z"))).isTrue();
  }

  @Test
  void unhandledType_isDeadLetteredWithTheOriginalBodyAndReason() {
    RecordingOutboundPublisher publisher = RecordingOutboundPublisher.confirming();
    serviceWith(publisher);

    Delivery delivery =
        input.offer(
            Messages.fromAgent(MessageType.PAUSE_AGENT, "m1", "web_1", "a"), Map.of("x", "y"));

    OutboundMessage out = publisher.published().get(0);
    assertThat(out.destination()).isEqualTo(Destination.DEAD_LETTER);
    assertThat(out.body()).isEqualTo(delivery.message().document().original());
    assertThat(out.headers())
        .containsEntry("x-dead-letter-reason", DeadLetterReason.UNHANDLED_MESSAGE_TYPE.code());
    assertThat(delivery.settlement()).isEqualTo(Settlement.ACKED);
  }

  @Test
  void aBugWhileRendering_deadLettersTheMessage_insteadOfLoopingOnIt() {
    registry.apply(AgentStatusUpdate.snapshot(List.of(idle("a"))));
    RecordingOutboundPublisher publisher = RecordingOutboundPublisher.confirming();
    MessageDocument broken =
        new MessageDocument() {
          @Override
          public byte[] original() {
            return new byte[] {1, 2, 3};
          }

          @Override
          public byte[] render(FieldEdits edits) {
            throw new IllegalStateException("renderer bug");
          }
        };
    List<Settlement> settlements = new ArrayList<>();
    InboundMessage message =
        new InboundMessage(
            Messages.fromFrontend("m1", "web_1"),
            broken,
            new Acknowledgement() {
              @Override
              public void ack() {
                settlements.add(Settlement.ACKED);
              }

              @Override
              public void requeue() {
                settlements.add(Settlement.REQUEUED);
              }
            });
    RoutingService service =
        new RoutingService(
            BROKER, registry, randomRouter(), publisher, RoutingObserver.NONE, System::nanoTime);

    service.handle(message);

    OutboundMessage deadLetter = publisher.published(Destination.DEAD_LETTER).get(0);
    assertThat(deadLetter.body()).containsExactly(1, 2, 3);
    assertThat(deadLetter.headers())
        .containsEntry("x-dead-letter-reason", "internal-error")
        .hasEntrySatisfying("x-dead-letter-detail", d -> assertThat(d).contains("renderer bug"));
    assertThat(settlements).containsExactly(Settlement.ACKED);
  }

  @Test
  void awaitSettled_returnsOnceEverythingIsConfirmed() throws InterruptedException {
    registry.apply(AgentStatusUpdate.snapshot(List.of(idle("a"))));
    RecordingOutboundPublisher publisher = RecordingOutboundPublisher.manual();
    RoutingService service = serviceWith(publisher);
    input.offer(Messages.fromFrontend("m1", "web_1"), Map.of());
    input.offer(Messages.fromFrontend("m2", "web_1"), Map.of());

    assertThat(service.awaitSettled(Duration.ZERO)).isFalse();
    publisher.confirmAll();
    assertThat(service.awaitSettled(Duration.ZERO)).isTrue();
  }

  @Test
  void observer_hearsEveryDecision() {
    registry.apply(AgentStatusUpdate.snapshot(List.of(idle("a"))));
    serviceWith(RecordingOutboundPublisher.confirming());

    input.offer(Messages.fromFrontend("m1", "web_1"), Map.of());
    input.offer(
        Messages.fromAgent(MessageType.RESET_ALL_QUEUES, "m2", "web_1", "server"), Map.of());

    assertThat(decisions)
        .hasExactlyElementsOfTypes(RoutingDecision.Deliver.class, RoutingDecision.DeadLetter.class);
  }
}
