package dev.acs.broker.core.application;

import static dev.acs.broker.core.testing.Agents.idle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.agent.AgentRegistry;
import dev.acs.broker.core.agent.Availability;
import dev.acs.broker.core.message.Destination;
import dev.acs.broker.core.port.AgentStatusListener;
import dev.acs.broker.core.port.AgentStatusObserver;
import dev.acs.broker.core.port.RoutingObserver;
import dev.acs.broker.core.routing.MessageRouter;
import dev.acs.broker.core.routing.RandomRoutingPolicy;
import dev.acs.broker.core.testing.FakeAgentStatusSource;
import dev.acs.broker.core.testing.FakeInboundMessages;
import dev.acs.broker.core.testing.FakeInboundMessages.Delivery;
import dev.acs.broker.core.testing.FakeInboundMessages.Settlement;
import dev.acs.broker.core.testing.FlatDocument;
import dev.acs.broker.core.testing.Messages;
import dev.acs.broker.core.testing.RecordingOutboundPublisher;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BrokerServiceTest {

  private final AgentRegistry registry =
      new AgentRegistry(Availability.reference(), Clock.systemUTC());
  private final FakeInboundMessages input = new FakeInboundMessages();
  private final RecordingOutboundPublisher publisher = RecordingOutboundPublisher.manual();
  private final RoutingService routing =
      new RoutingService(
          new BrokerIdentity("broker_1", "B"),
          registry,
          new MessageRouter(new RandomRoutingPolicy(new SplittableRandom(3))),
          publisher,
          RoutingObserver.NONE,
          System::nanoTime);

  @Test
  void messagesWaitingBeforeStart_areRoutedWithTheFirstSnapshot_notAnsweredNoAgents()
      throws InterruptedException {
    Delivery early = input.offer(Messages.fromFrontend("m1", "web_1"), Map.of());
    // The snapshot arrives while the service subscribes, before it may consume.
    AgentStatusSourceThatAnswersOnSubscribe source = new AgentStatusSourceThatAnswersOnSubscribe();
    BrokerService broker =
        new BrokerService(source, input, registry, routing, feedOnCallingThread());

    broker.start(Duration.ofSeconds(5));

    assertThat(input.isStarted()).isTrue();
    assertThat(publisher.published()).hasSize(1);
    assertThat(publisher.published().get(0).destination()).isEqualTo(Destination.SERVER);
    assertThat(FlatDocument.decode(publisher.published().get(0).body()))
        .containsEntry("receiver_id", "a")
        .containsEntry("routing_status", "routed");
    publisher.confirmAll();
    assertThat(early.settlement()).isEqualTo(Settlement.ACKED);
  }

  @Test
  void noSnapshotInTime_failsStartWithAMessageThatSaysWhatToCheck_andNeverConsumes() {
    FakeAgentStatusSource silent = new FakeAgentStatusSource();
    BrokerService broker =
        new BrokerService(silent, input, registry, routing, feedOnCallingThread());

    assertThatThrownBy(() -> broker.start(Duration.ofMillis(1)))
        .isInstanceOf(BrokerStartupException.class)
        .hasMessageContaining("No agent snapshot")
        .hasMessageContaining("gRPC host and port");
    assertThat(input.isStarted()).isFalse();
    assertThat(silent.isSubscribed()).isFalse();
  }

  @Test
  void stop_stopsConsuming_waitsForInFlight_thenEndsTheStream() throws InterruptedException {
    AgentStatusSourceThatAnswersOnSubscribe source = new AgentStatusSourceThatAnswersOnSubscribe();
    BrokerService broker =
        new BrokerService(source, input, registry, routing, feedOnCallingThread());
    broker.start(Duration.ofSeconds(5));
    Delivery inFlight = input.offer(Messages.fromFrontend("m1", "web_1"), Map.of());

    assertThat(broker.stop(Duration.ZERO)).isFalse();
    assertThat(input.isStarted()).isFalse();

    publisher.confirmAll();
    assertThat(inFlight.settlement()).isEqualTo(Settlement.ACKED);
    assertThat(broker.stop(Duration.ZERO)).isTrue();
    assertThat(source.fake.isSubscribed()).isFalse();
  }

  @Test
  void streamInterruption_keepsTheViewAndMarksItStale() throws InterruptedException {
    AgentStatusSourceThatAnswersOnSubscribe source = new AgentStatusSourceThatAnswersOnSubscribe();
    BrokerService broker =
        new BrokerService(source, input, registry, routing, feedOnCallingThread());
    broker.start(Duration.ofSeconds(5));

    source.fake.interrupt("UNAVAILABLE: io exception");

    assertThat(registry.health().streamConnected()).isFalse();
    assertThat(registry.view().size()).isEqualTo(1);
  }

  /** Applies status on the thread that delivers it, so the test sees each update at once. */
  @Test
  void aRoutingServiceOverAnotherRegistry_isRefused_becauseNoStatusWouldEverReachIt() {
    AgentRegistry another = new AgentRegistry(Availability.reference(), Clock.systemUTC());

    assertThatThrownBy(
            () ->
                new BrokerService(
                    new FakeAgentStatusSource(), input, another, routing, feedOnCallingThread()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("registry");
  }

  private AgentStatusFeed feedOnCallingThread() {
    return AgentStatusFeed.on(
        Runnable::run, registry, Clock.systemUTC(), AgentStatusObserver.NONE, 1_000);
  }

  /** A fake source that sends a snapshot of one idle agent as soon as someone subscribes. */
  private static final class AgentStatusSourceThatAnswersOnSubscribe
      implements dev.acs.broker.core.port.AgentStatusSource {
    final FakeAgentStatusSource fake = new FakeAgentStatusSource();

    @Override
    public dev.acs.broker.core.port.Subscription subscribe(AgentStatusListener listener) {
      dev.acs.broker.core.port.Subscription subscription = fake.subscribe(listener);
      fake.snapshot(idle("a"));
      return subscription;
    }
  }
}
