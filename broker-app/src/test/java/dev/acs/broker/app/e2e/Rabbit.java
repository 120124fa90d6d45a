package dev.acs.broker.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/**
 * The test's own RabbitMQ client (127.0.0.1:5672, guest): unique queue names per test, publishing
 * inputs, collecting outputs, deleting the queues at the end.
 */
final class Rabbit implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();

  final String inputQueue;
  final String outputQueue;
  final String deadLetterQueue;
  private final Connection connection;
  private final Channel channel;

  Rabbit(String testName) throws IOException, TimeoutException {
    String suffix = testName + "_" + UUID.randomUUID().toString().substring(0, 8);
    inputQueue = "it_in_" + suffix;
    outputQueue = "it_out_" + suffix;
    deadLetterQueue = "it_dead_" + suffix;
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost("127.0.0.1");
    factory.setPort(5672);
    factory.setUsername("guest");
    factory.setPassword("guest");
    connection = factory.newConnection("broker-app-it " + suffix);
    channel = connection.createChannel();
    channel.confirmSelect();
    // As the central server declares them (SPEC §3): durable, no arguments.
    for (String queue : List.of(inputQueue, outputQueue)) {
      channel.queueDeclare(queue, true, false, false, null);
    }
  }

  /** The broker's command-line options for these queues. */
  List<String> queueOptions() {
    return List.of(
        "--input-queue", inputQueue,
        "--output-queue", outputQueue,
        "--dead-letter-queue", deadLetterQueue);
  }

  /** Publishes one JSON object to the input queue, persistent, and waits for the confirm. */
  void publish(Map<String, Object> message) {
    try {
      channel.basicPublish(
          "", inputQueue, MessageProperties.PERSISTENT_BASIC, JSON.writeValueAsBytes(message));
      channel.waitForConfirmsOrDie(10_000);
    } catch (IOException | InterruptedException | TimeoutException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Publishes many messages with one confirm wait at the end. */
  void publishAll(List<Map<String, Object>> messages) {
    try {
      for (Map<String, Object> message : messages) {
        channel.basicPublish(
            "", inputQueue, MessageProperties.PERSISTENT_BASIC, JSON.writeValueAsBytes(message));
      }
      channel.waitForConfirmsOrDie(30_000);
    } catch (IOException | InterruptedException | TimeoutException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Takes one message from the output queue, or {@code null}. */
  Map<String, Object> poll() {
    return pollFrom(outputQueue);
  }

  /** Takes one message from a queue, or {@code null}. */
  Map<String, Object> pollFrom(String queue) {
    try {
      GetResponse response = channel.basicGet(queue, true);
      if (response == null) {
        return null;
      }
      return JSON.readValue(response.getBody(), new TypeReference<Map<String, Object>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits for exactly one more output message. */
  Map<String, Object> awaitOutput(Duration timeout) {
    return awaitOutputs(1, timeout).get(0);
  }

  /** Waits until {@code count} output messages arrived and returns them in order. */
  List<Map<String, Object>> awaitOutputs(int count, Duration timeout) {
    List<Map<String, Object>> received = new ArrayList<>();
    await()
        .atMost(timeout)
        .untilAsserted(
            () -> {
              Map<String, Object> message;
              while (received.size() < count && (message = poll()) != null) {
                received.add(message);
              }
              assertThat(received.size())
                  .as("%d output messages", count)
                  .isGreaterThanOrEqualTo(count);
            });
    return received;
  }

  /** How many messages wait in a queue. */
  long depth(String queue) {
    try {
      return channel.messageCount(queue);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws IOException, TimeoutException {
    try {
      for (String queue : List.of(inputQueue, outputQueue, deadLetterQueue)) {
        channel.queueDelete(queue);
      }
    } finally {
      connection.close();
    }
  }
}
