package dev.acs.broker.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.acs.broker.app.TestConfigs;
import dev.acs.broker.core.message.Destination;
import dev.acs.broker.core.message.OutboundMessage;
import dev.acs.broker.core.testing.Agents;
import dev.acs.broker.core.testing.FakeInboundMessages;
import dev.acs.broker.core.testing.FakeInboundMessages.Settlement;
import dev.acs.broker.core.testing.FlatDocument;
import dev.acs.broker.core.testing.Messages;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The whole broker service as Dagger wires it, over the core's in-memory fakes. */
class BrokerThroughDaggerTest {

  @Test
  @DisplayName("A message offered before start is routed to an agent and acknowledged")
  void offeredMessage_isRoutedAndAcked() throws InterruptedException {
    TestBrokerComponent broker = TestBrokerComponent.create(TestConfigs.config());
    FakeInboundMessages.Delivery delivery =
        broker
            .inbound()
            .offer(Messages.fromFrontend("k3x9qa", "web_1a2b3c4d"), Map.of("text_payload", "hi"));
    Thread feeder =
        new Thread(
            () -> {
              await("subscription")
                  .atMost(Duration.ofSeconds(5))
                  .until(broker.statusSource()::isSubscribed);
              broker.statusSource().snapshot(Agents.idle("agent_1"));
            });
    feeder.start();

    broker.brokerService().start(Duration.ofSeconds(5));
    feeder.join();

    assertThat(delivery.settlement()).isEqualTo(Settlement.ACKED);
    assertThat(broker.publisher().published()).hasSize(1);
    OutboundMessage routed = broker.publisher().published().get(0);
    assertThat(routed.destination()).isEqualTo(Destination.SERVER);
    Map<String, String> body = FlatDocument.decode(routed.body());
    assertThat(body)
        .containsEntry("receiver_id", "agent_1")
        .containsEntry("routing_status", "routed")
        .containsEntry("text_payload", "hi")
        .doesNotContainKey("_client_id");
    assertThat(broker.brokerService().stop(Duration.ofSeconds(1))).isTrue();
  }

  @Test
  void routingService_isOneInstancePerGraph() {
    TestBrokerComponent broker = TestBrokerComponent.create(TestConfigs.config());
    assertThat(broker.brokerService()).isSameAs(broker.brokerService());
    assertThat(broker.runner()).isNotNull();
  }
}
