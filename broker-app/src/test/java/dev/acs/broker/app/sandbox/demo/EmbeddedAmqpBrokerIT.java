package dev.acs.broker.app.sandbox.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The embedded broker does what the broker's AMQP adapter relies on: queue declarations as the
 * central server makes them, publisher confirms, manual acks, requeue, and RabbitMQ's drop on a
 * nack without requeue.
 */
class EmbeddedAmqpBrokerIT {

  private static EmbeddedAmqpBroker broker;
  private static Connection connection;

  @BeforeAll
  static void start() throws Exception {
    broker = EmbeddedAmqpBroker.start();
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost("127.0.0.1");
    factory.setPort(broker.port());
    factory.setUsername(EmbeddedAmqpBroker.USERNAME);
    factory.setPassword(EmbeddedAmqpBroker.PASSWORD);
    connection = factory.newConnection("embedded-amqp-it");
  }

  @AfterAll
  static void stop() throws Exception {
    Path workDirectory = broker.workDirectory();
    try {
      connection.close();
    } finally {
      broker.close();
    }
    assertThat(workDirectory).doesNotExist();
  }

  private static byte[] body(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName("Confirmed persistent publishes arrive; acked ones are gone, requeued ones return")
  void confirmsAcksAndRequeue() throws Exception {
    try (Channel channel = connection.createChannel()) {
      channel.queueDeclare("q_acks", true, false, false, null);
      channel.confirmSelect();
      channel.basicPublish("", "q_acks", true, MessageProperties.PERSISTENT_BASIC, body("one"));
      channel.basicPublish("", "q_acks", true, MessageProperties.PERSISTENT_BASIC, body("two"));
      channel.waitForConfirmsOrDie(10_000);

      GetResponse first = channel.basicGet("q_acks", false);
      assertThat(new String(first.getBody(), StandardCharsets.UTF_8)).isEqualTo("one");
      channel.basicAck(first.getEnvelope().getDeliveryTag(), false);
      GetResponse second = channel.basicGet("q_acks", false);
      channel.basicNack(second.getEnvelope().getDeliveryTag(), false, true);

      GetResponse again = channel.basicGet("q_acks", true);
      assertThat(new String(again.getBody(), StandardCharsets.UTF_8)).isEqualTo("two");
      assertThat(again.getEnvelope().isRedeliver()).isTrue();
      assertThat(channel.messageCount("q_acks")).isZero();
    }
  }

  @Test
  @DisplayName("A nack without requeue drops the message, as RabbitMQ does")
  void nackWithoutRequeue_dropsTheMessage() throws Exception {
    try (Channel channel = connection.createChannel()) {
      channel.queueDeclare("q_drop", true, false, false, null);
      channel.confirmSelect();
      channel.basicPublish("", "q_drop", MessageProperties.PERSISTENT_BASIC, body("poison"));
      channel.waitForConfirmsOrDie(10_000);

      GetResponse poison = channel.basicGet("q_drop", false);
      channel.basicNack(poison.getEnvelope().getDeliveryTag(), false, false);

      assertThat(channel.basicGet("q_drop", true)).isNull();
    }
  }

  @Test
  @DisplayName("An unroutable mandatory publish comes back (Qpid then nacks it; RabbitMQ acks)")
  void unroutableMandatoryPublish_isReturned() throws Exception {
    try (Channel channel = connection.createChannel()) {
      AtomicInteger returned = new AtomicInteger();
      channel.addReturnListener(message -> returned.incrementAndGet());
      channel.confirmSelect();
      channel.basicPublish(
          "", "no_such_queue", true, MessageProperties.PERSISTENT_BASIC, body("x"));
      boolean allAcked = channel.waitForConfirms(10_000);

      await("the return").atMost(Duration.ofSeconds(10)).until(() -> returned.get() == 1);
      assertThat(allAcked).isFalse();
    }
  }

  @Test
  void workDirectory_isATemporaryFolder() {
    assertThat(broker.workDirectory()).isDirectory();
    assertThat(broker.workDirectory().getFileName().toString()).startsWith("broker-demo-qpid-");
    assertThat(Files.isDirectory(broker.workDirectory().getParent())).isTrue();
  }
}
