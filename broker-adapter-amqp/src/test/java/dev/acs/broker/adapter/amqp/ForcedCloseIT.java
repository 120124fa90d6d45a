package dev.acs.broker.adapter.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Forced closes of the broker's connections (rabbitmqctl close_connection, by client-provided name)
 * while a producer keeps feeding the input: nothing may be lost, and only messages in flight at a
 * fault may be duplicated. In flight means unacknowledged, which the prefetch bounds, so each fault
 * can duplicate at most {@code prefetch} messages.
 */
class ForcedCloseIT {

  @AutoClose private RelayHarness harness;

  @BeforeEach
  void setUp() throws Exception {
    harness = new RelayHarness();
  }

  @Test
  void closingPublisherThenConsumer_underLoad_losesNothing() throws Exception {
    harness.start();
    ConcurrentHashMap<Integer, AtomicInteger> outputs =
        harness.collect(harness.settings.outputQueue());
    AtomicBoolean producing = new AtomicBoolean(true);
    AtomicInteger produced = new AtomicInteger();
    Thread producer = new Thread(() -> produce(producing, produced), "it-producer");
    producer.start();
    try {
      await("relay under way").atMost(Duration.ofSeconds(60)).until(() -> outputs.size() > 2_000);

      RabbitCtl.closeConnection(harness.publisherConnectionName());
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(
                          harness.transport.health().recoveries() >= 1
                              && harness.transport.health().consuming())
                      .as("publisher restored: " + harness.transport.health())
                      .isTrue());
      int afterFirst = outputs.size();
      await("relay resumed after the publisher fault")
          .atMost(Duration.ofSeconds(60))
          .until(() -> outputs.size() > afterFirst + 2_000);

      RabbitCtl.closeConnection(harness.consumerConnectionName());
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(
                          harness.transport.health().recoveries() >= 2
                              && harness.transport.health().consuming())
                      .as("consumer restored: " + harness.transport.health())
                      .isTrue());
      int afterSecond = outputs.size();
      await("relay resumed after the consumer fault")
          .atMost(Duration.ofSeconds(60))
          .until(() -> outputs.size() > afterSecond + 2_000);
    } finally {
      producing.set(false);
      producer.join(30_000);
    }

    int total = produced.get();
    await()
        .atMost(Duration.ofSeconds(120))
        .untilAsserted(
            () ->
                assertThat(outputs.size() == total)
                    .as("all " + total + " messages relayed, have " + outputs.size())
                    .isTrue());
    harness.assertSettledAndEmpty();
    long duplicates = outputs.values().stream().mapToInt(c -> c.get() - 1).sum();
    System.out.printf("forced close: %d messages, %d duplicates%n", total, duplicates);
    assertThat(outputs.keySet()).hasSize(total);
    assertThat(duplicates).isLessThanOrEqualTo(2L * harness.settings.prefetch());
    assertThat(harness.messageCount(harness.settings.deadLetterQueue())).isZero();
  }

  /** Feeds the input on a connection of its own until told to stop. */
  private void produce(AtomicBoolean producing, AtomicInteger produced) {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(harness.settings.host());
    factory.setPort(harness.settings.port());
    try (Connection connection = factory.newConnection("relay-it-producer")) {
      Channel channel = connection.createChannel();
      channel.confirmSelect();
      AMQP.BasicProperties persistent = new AMQP.BasicProperties.Builder().deliveryMode(2).build();
      int seq = 0;
      while (producing.get()) {
        for (int i = 0; i < 200; i++) {
          channel.basicPublish(
              "", harness.settings.inputQueue(), persistent, TestMessages.frontend(seq++));
        }
        channel.waitForConfirmsOrDie(30_000);
        produced.set(seq);
      }
    } catch (Exception e) {
      throw new IllegalStateException("producer failed", e);
    }
  }
}
