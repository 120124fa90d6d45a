package dev.acs.broker.adapter.amqp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.application.RedeliveryGuard;
import dev.acs.broker.core.port.Subscription;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The redelivery guard against the real RabbitMQ: a message whose handling always ends in a requeue
 * is handled {@code maxDeliveries} times, then set aside once with reason {@code
 * redelivered-too-often}; and a quorum queue's {@code x-delivery-count} is what the guard reads.
 */
class RedeliveryGuardIT {

  private static final int MAX_DELIVERIES = 3;

  private final String suffix = UUID.randomUUID().toString();
  private final AmqpSettings settings =
      AmqpSettings.builder()
          .inputQueue("it-redeliver-in-" + suffix)
          .outputQueue("it-redeliver-out-" + suffix)
          .deadLetterQueue("it-redeliver-dead-" + suffix)
          .reconnectBackoff(Duration.ofMillis(200), Duration.ofSeconds(2))
          .build();
  private Connection client;
  private Channel channel;

  @BeforeEach
  void connect() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(settings.host());
    factory.setPort(settings.port());
    client = factory.newConnection("redelivery-it-client");
    channel = client.createChannel();
    channel.confirmSelect();
  }

  @AfterEach
  void cleanUp() throws Exception {
    Channel cleanup = client.createChannel();
    for (String queue :
        List.of(
            settings.inputQueue(),
            settings.outputQueue(),
            settings.deadLetterQueue(),
            "it-quorum-" + suffix)) {
      cleanup.queueDelete(queue);
    }
    client.abort();
  }

  @Test
  void aMessageThatIsAlwaysRequeued_isHandledMaxTimes_thenDeadLetteredOnce() throws Exception {
    AtomicInteger handled = new AtomicInteger();
    List<String> deadLetterReasons = new CopyOnWriteArrayList<>();
    AmqpListener listener =
        new AmqpListener() {
          @Override
          public void deadLettered(dev.acs.broker.core.message.DeadLetterReason reason) {
            deadLetterReasons.add(reason.code());
          }
        };
    BrokerIdentity identity = new BrokerIdentity("broker_redeliver", "redeliver-it");
    try (AmqpTransport transport =
        new AmqpTransport(
            settings, identity, listener, new RedeliveryGuard(MAX_DELIVERIES, Clock.systemUTC()))) {
      transport.connect();
      Subscription consuming =
          transport
              .inbound()
              .start(
                  message -> {
                    handled.incrementAndGet();
                    message.acknowledgement().requeue(); // a loop, whatever its cause
                  });
      byte[] body = "{\"message_id\":\"loop\",\"message_type\":\"TEXT\"}".getBytes(UTF_8);
      channel.basicPublish("", settings.inputQueue(), null, body);
      channel.waitForConfirmsOrDie(10_000);

      // The dead letter is counted (and the input acked) once its confirm arrives, which may be
      // a moment after RabbitMQ shows it in the queue.
      await("the looping message in the dead-letter queue, confirmed")
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  messageCount(settings.deadLetterQueue()) == 1
                      && deadLetterReasons.size() == 1
                      && messageCount(settings.inputQueue()) == 0);
      consuming.cancel();

      assertThat(handled).hasValue(MAX_DELIVERIES);
      assertThat(deadLetterReasons).containsExactly("redelivered-too-often");
      assertThat(messageCount(settings.inputQueue())).isZero();
      GetResponse dead = channel.basicGet(settings.deadLetterQueue(), true);
      assertThat(dead.getBody()).isEqualTo(body);
      Map<String, Object> headers = dead.getProps().getHeaders();
      assertThat(headers.get("x-dead-letter-reason").toString()).isEqualTo("redelivered-too-often");
      assertThat(headers.get("x-dead-letter-detail").toString())
          .contains("delivered 4 times, more than the limit of 3");
    }
  }

  @Test
  void aQuorumQueue_countsDeliveriesInXDeliveryCount_asTheGuardExpects() throws Exception {
    String queue = "it-quorum-" + suffix;
    channel.queueDeclare(queue, true, false, false, Map.of("x-queue-type", "quorum"));
    byte[] body = "{\"message_type\":\"TEXT\"}".getBytes(UTF_8);
    channel.basicPublish("", queue, null, body);
    channel.waitForConfirmsOrDie(10_000);
    RedeliveryGuard guard = new RedeliveryGuard(MAX_DELIVERIES, Clock.systemUTC());

    List<RedeliveryGuard.Verdict> verdicts = new ArrayList<>();
    for (int delivery = 1; delivery <= MAX_DELIVERIES + 1; delivery++) {
      GetResponse response = awaitOne(queue);
      AMQP.BasicProperties properties = response.getProps();
      verdicts.add(
          guard.admit(
              response.getBody(),
              response.getEnvelope().isRedeliver(),
              AmqpInboundMessages.deliveryCount(properties)));
      channel.basicNack(response.getEnvelope().getDeliveryTag(), false, true);
    }

    assertThat(verdicts)
        .containsExactly(
            new RedeliveryGuard.Verdict(1, true),
            new RedeliveryGuard.Verdict(2, true),
            new RedeliveryGuard.Verdict(3, true),
            new RedeliveryGuard.Verdict(4, false));
    assertThat(guard.remembered()).as("the queue counted, not the guard's memory").isZero();
  }

  private GetResponse awaitOne(String queue) throws Exception {
    return await("a message on " + queue)
        .atMost(Duration.ofSeconds(10))
        .until(() -> channel.basicGet(queue, false), Objects::nonNull);
  }

  private long messageCount(String queue) {
    try {
      return channel.queueDeclarePassive(queue).getMessageCount();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
