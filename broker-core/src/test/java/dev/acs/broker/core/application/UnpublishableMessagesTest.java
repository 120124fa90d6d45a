package dev.acs.broker.core.application;

import static dev.acs.broker.core.testing.Agents.idle;
import static org.assertj.core.api.Assertions.assertThat;

import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.agent.AgentRegistry;
import dev.acs.broker.core.agent.AgentStatusUpdate;
import dev.acs.broker.core.agent.Availability;
import dev.acs.broker.core.message.DeadLetterReason;
import dev.acs.broker.core.message.Destination;
import dev.acs.broker.core.message.MessageEnvelope;
import dev.acs.broker.core.message.OutboundMessage;
import dev.acs.broker.core.message.PublishException;
import dev.acs.broker.core.message.PublishFailure;
import dev.acs.broker.core.port.RoutingObserver;
import dev.acs.broker.core.routing.MessageRouter;
import dev.acs.broker.core.routing.RandomRoutingPolicy;
import dev.acs.broker.core.routing.RoutingDecision;
import dev.acs.broker.core.testing.FakeInboundMessages;
import dev.acs.broker.core.testing.FakeInboundMessages.Delivery;
import dev.acs.broker.core.testing.FakeInboundMessages.Settlement;
import dev.acs.broker.core.testing.Messages;
import dev.acs.broker.core.testing.RecordingOutboundPublisher;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A publish that fails because of the message is dead-lettered once; the transport's requeues. */
class UnpublishableMessagesTest {

  private static final String TOO_LONG =
      "Short string too long; utf-8 encoded length = 5000, max = 255.";

  private final AgentRegistry registry =
      new AgentRegistry(Availability.reference(), Clock.systemUTC());
  private final FakeInboundMessages input = new FakeInboundMessages();
  private final RecordingOutboundPublisher publisher = RecordingOutboundPublisher.manual();
  private final List<RoutingDecision> settled = new ArrayList<>();
  private final List<Throwable> publishFailures = new ArrayList<>();
  private RoutingService service;

  @BeforeEach
  void start() {
    registry.apply(AgentStatusUpdate.snapshot(List.of(idle("a"))));
    RoutingObserver observer =
        new RoutingObserver() {
          @Override
          public void settled(MessageEnvelope message, RoutingDecision decision, long nanos) {
            settled.add(decision);
          }

          @Override
          public void publishFailed(MessageEnvelope message, Throwable cause) {
            publishFailures.add(cause);
          }
        };
    service =
        RoutingService.builder(
                new BrokerIdentity("broker_1", "Broker-test"),
                registry,
                new MessageRouter(new RandomRoutingPolicy(new SplittableRandom(1))),
                publisher)
            .observer(observer)
            .build();
    input.start(service);
  }

  private static PublishException unpublishable() {
    return new PublishException(new PublishFailure.Unpublishable(TOO_LONG));
  }

  @Test
  void aPublishFailingBecauseOfTheMessage_deadLettersItOnce_withReasonAndError() {
    Delivery delivery = input.offer(Messages.fromFrontend("m1", "web_1"), Map.of());
    publisher.fail(0, unpublishable());

    assertThat(delivery.settlement()).isEqualTo(Settlement.PENDING);
    List<OutboundMessage> deadLetters = publisher.published(Destination.DEAD_LETTER);
    assertThat(deadLetters).hasSize(1);
    OutboundMessage deadLetter = deadLetters.get(0);
    assertThat(deadLetter.headers())
        .containsEntry(OutcomeRenderer.DEAD_LETTER_REASON, "unpublishable")
        .containsEntry(OutcomeRenderer.DEAD_LETTER_DETAIL, TOO_LONG);
    assertThat(deadLetter.body()).isEqualTo(delivery.message().document().original());
  }

  @Test
  void theDeadLetterConfirmed_acksTheInput_andCountsItAsUnpublishable() {
    Delivery delivery = input.offer(Messages.fromFrontend("m1", "web_1"), Map.of());
    publisher.fail(0, new CompletionException(unpublishable()));
    publisher.confirmAll();

    assertThat(delivery.settlement()).isEqualTo(Settlement.ACKED);
    assertThat(delivery.settleCalls()).isEqualTo(1);
    assertThat(settled)
        .singleElement()
        .isEqualTo(new RoutingDecision.DeadLetter(DeadLetterReason.UNPUBLISHABLE, TOO_LONG));
    assertThat(publishFailures).isEmpty();
    assertThat(service.inFlight()).isZero();
  }

  @Test
  void aTransportFailure_requeuesAsBefore_andDeadLettersNothing() {
    Delivery delivery = input.offer(Messages.fromFrontend("m1", "web_1"), Map.of());
    publisher.fail(0, new PublishException(new PublishFailure.TransportFailure("channel lost")));

    assertThat(delivery.settlement()).isEqualTo(Settlement.REQUEUED);
    assertThat(publisher.published(Destination.DEAD_LETTER)).isEmpty();
    assertThat(publishFailures).hasSize(1);
    assertThat(service.inFlight()).isZero();
  }

  @Test
  void anUnknownFailure_countsAsTheTransports_soTheMessageIsRetriedNotDropped() {
    Delivery delivery = input.offer(Messages.fromFrontend("m1", "web_1"), Map.of());
    publisher.fail(0, new IOException("connection reset"));

    assertThat(delivery.settlement()).isEqualTo(Settlement.REQUEUED);
    assertThat(publisher.published(Destination.DEAD_LETTER)).isEmpty();
  }

  @Test
  void aDeadLetterThatIsItselfUnpublishable_isNotTriedAgain_theInputIsRequeued() {
    Delivery delivery = input.offer(Messages.fromFrontend("m1", "web_1"), Map.of());
    publisher.fail(0, unpublishable());
    publisher.fail(1, unpublishable());

    assertThat(publisher.published()).hasSize(2);
    assertThat(delivery.settlement()).isEqualTo(Settlement.REQUEUED);
    assertThat(delivery.settleCalls()).isEqualTo(1);
    assertThat(service.inFlight()).isZero();
  }

  @Test
  void theDeadLetterLostToTheTransport_requeuesTheInput() {
    Delivery delivery = input.offer(Messages.fromFrontend("m1", "web_1"), Map.of());
    publisher.fail(0, unpublishable());
    publisher.fail(1, new PublishException(new PublishFailure.TransportFailure("nack")));

    assertThat(delivery.settlement()).isEqualTo(Settlement.REQUEUED);
    assertThat(publishFailures).hasSize(1);
  }

  @Test
  void classification_unwrapsCompletionExceptions_andDefaultsToTheTransport() {
    assertThat(PublishFailure.of(new CompletionException(unpublishable())))
        .isEqualTo(new PublishFailure.Unpublishable(TOO_LONG));
    assertThat(PublishFailure.of(new IllegalStateException("closed")))
        .isInstanceOf(PublishFailure.TransportFailure.class);
  }
}
