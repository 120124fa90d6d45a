package dev.acs.broker.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import dev.acs.broker.app.TestQueues;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.TestInfo;

/**
 * The test's own RabbitMQ client on its {@link TestQueues}: publishing inputs, collecting outputs.
 */
final class Rabbit extends TestQueues {

  static final ObjectMapper JSON = new ObjectMapper();

  private final Channel channel;

  Rabbit(String testName) throws IOException, TimeoutException {
    super("it", testName, "broker-app-it");
    channel = connection().createChannel();
    channel.confirmSelect();
  }

  /**
   * Queues named after the running test: {@code prefix} and the test method's name, cut to 30
   * characters, so a leftover queue says which test left it.
   */
  static Rabbit forTest(String prefix, TestInfo test) throws IOException, TimeoutException {
    String name = prefix + test.getTestMethod().orElseThrow().getName();
    return new Rabbit(name.length() > 30 ? name.substring(0, 30) : name);
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
}
