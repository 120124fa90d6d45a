package dev.acs.broker.adapter.amqp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.agent.AgentRegistry;
import dev.acs.broker.core.agent.AgentStatusUpdate;
import dev.acs.broker.core.agent.Availability;
import dev.acs.broker.core.application.RedeliveryGuard;
import dev.acs.broker.core.application.RoutingService;
import dev.acs.broker.core.port.OutboundPublisher;
import dev.acs.broker.core.port.Subscription;
import dev.acs.broker.core.routing.MessageRouter;
import dev.acs.broker.core.routing.RandomRoutingPolicy;
import dev.acs.broker.core.testing.Agents;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The two kinds of publish failure against the real RabbitMQ: a message whose outcome does not fit
 * (here: a body limit between the input's size and the routed output's) is dead-lettered once as
 * {@code unpublishable}; a message whose publish fails because the publisher's connection dropped
 * is requeued and routed once the connection is back. Neither loops. (A drop by {@code rabbitmqctl
 * close_connection} is too slow to land between two given publishes: the transport has often
 * reconnected before the command returns; {@code ForcedCloseIT} covers that path under load.)
 */
class PublishFailureKindsIT {

  /** Routed, it gains receiver_id and routing_status, and so no longer fits the limit below. */
  private static final byte[] FITS_ONLY_AS_IT_CAME =
      ("{\"message_id\":\"u1\",\"message_type\":\"TEXT\",\"sender_id\":\"web_1\","
              + "\"text_payload\":\""
              + "p".repeat(100)
              + "\"}")
          .getBytes(UTF_8);

  /** Names its receiver: routed, it only turns pending into routed, and stays small. */
  private static final byte[] DROPPED =
      ("{\"message_id\":\"d1\",\"message_type\":\"TEXT\",\"receiver_id\":\"agent-1\","
              + "\"routing_status\":\"pending\"}")
          .getBytes(UTF_8);

  private final String suffix = UUID.randomUUID().toString();
  private final AmqpSettings settings =
      AmqpSettings.builder()
          .inputQueue("it-kinds-in-" + suffix)
          .outputQueue("it-kinds-out-" + suffix)
          .deadLetterQueue("it-kinds-dead-" + suffix)
          .reconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
          .build();
  private final BrokerIdentity identity = new BrokerIdentity("broker_kinds", "kinds-" + suffix);
  private AmqpTransport transport;
  private Connection client;
  private Channel channel;

  @BeforeEach
  void start() throws Exception {
    // The routed output adds receiver_id and routing_status: it no longer fits this limit.
    transport =
        new AmqpTransport(
            settings,
            identity,
            AmqpListener.NONE,
            new RedeliveryGuard(5, Clock.systemUTC()),
            new java.util.Random(1),
            new AmqpLimits(FITS_ONLY_AS_IT_CAME.length + 8));
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(settings.host());
    client = factory.newConnection("kinds-it-client");
    channel = client.createChannel();
    channel.confirmSelect();
  }

  @AfterEach
  void stop() throws Exception {
    transport.close();
    Channel cleanup = client.createChannel();
    for (String queue :
        List.of(settings.inputQueue(), settings.outputQueue(), settings.deadLetterQueue())) {
      cleanup.queueDelete(queue);
    }
    client.abort();
  }

  @Test
  void theMessagesFault_deadLettersOnce_theTransportsFault_requeuesAndRoutesOnce()
      throws Exception {
    AtomicBoolean dropBeforeFirstPublish = new AtomicBoolean(true);
    List<String> published = new ArrayList<>();
    OutboundPublisher real = transport.outbound();
    OutboundPublisher droppingOnce =
        message -> {
          published.add(message.messageId() + "->" + message.destination());
          if ("d1".equals(message.messageId()) && dropBeforeFirstPublish.getAndSet(false)) {
            closePublisherConnection();
          }
          return real.publish(message);
        };
    AgentRegistry registry = new AgentRegistry(Availability.reference(), Clock.systemUTC());
    registry.apply(AgentStatusUpdate.snapshot(List.of(Agents.idle("agent-1"))));
    RoutingService routing =
        RoutingService.builder(
                identity,
                registry,
                new MessageRouter(new RandomRoutingPolicy(new SplittableRandom(1))),
                droppingOnce)
            .build();
    transport.connect();
    Subscription consuming = transport.inbound().start(routing);

    channel.basicPublish("", settings.inputQueue(), null, FITS_ONLY_AS_IT_CAME);
    channel.waitForConfirmsOrDie(10_000);
    // Wait for the dead letter's confirm (the input settled), not only for RabbitMQ to show it:
    // dropping the connection before the confirm would rightly requeue u1 once more.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(count(settings.deadLetterQueue()) == 1 && routing.inFlight() == 0)
                    .as("the unpublishable message dead-lettered; published " + published)
                    .isTrue());
    channel.basicPublish("", settings.inputQueue(), null, DROPPED);
    channel.waitForConfirmsOrDie(10_000);

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        count(settings.deadLetterQueue()) == 1
                            && count(settings.outputQueue()) == 1)
                    .as("one dead letter and one routed message; published " + published)
                    .isTrue());
    await("input settled")
        .atMost(Duration.ofSeconds(10))
        .until(() -> routing.inFlight() == 0 && count(settings.inputQueue()) == 0);
    consuming.cancel();

    GetResponse deadLetter = channel.basicGet(settings.deadLetterQueue(), true);
    assertThat(deadLetter.getBody()).isEqualTo(FITS_ONLY_AS_IT_CAME);
    Map<String, Object> headers = deadLetter.getProps().getHeaders();
    assertThat(headers.get("x-dead-letter-reason").toString()).isEqualTo("unpublishable");
    assertThat(headers.get("x-dead-letter-detail").toString())
        .contains("larger than RabbitMQ's maximum message size");
    GetResponse routed = channel.basicGet(settings.outputQueue(), true);
    assertThat(new String(routed.getBody(), UTF_8))
        .contains("\"message_id\":\"d1\"")
        .contains("\"routing_status\":\"routed\"");
    // u1 once to the server and once to the dead letters; d1 twice to the server (the dropped
    // attempt, then the redelivery): no loop either way.
    assertThat(published).filteredOn(p -> p.startsWith("u1")).hasSize(2);
    assertThat(published).filteredOn(p -> p.startsWith("d1")).hasSize(2);
    assertThat(count(settings.outputQueue()) + count(settings.deadLetterQueue())).isZero();
  }

  /**
   * Drops the publisher's connection, as a network failure would, right before the publish: it
   * fails whichever way the client learns of it (channel not open, already closed, or the confirm
   * lost with the channel). The endpoint reconnects by itself.
   */
  private void closePublisherConnection() {
    ((AmqpOutboundPublisher) transport.outbound()).abortConnection();
  }

  private long count(String queue) {
    try {
      return channel.queueDeclarePassive(queue).getMessageCount();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
