package dev.acs.broker.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.MessageProperties;
import dev.acs.broker.app.TestQueues;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A benchmark's client on its own {@link TestQueues}. Publishes inputs in confirmed batches and
 * counts what the broker publishes to the output queue: per receiver, errors, and when the outputs
 * arrived.
 */
final class BenchQueues extends TestQueues {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Channel publishing;
  private final Channel consuming;

  private final LongAdder outputs = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final Map<String, LongAdder> byReceiver = new ConcurrentHashMap<>();
  private final AtomicLong firstOutputNanos = new AtomicLong();
  private final AtomicLong lastOutputNanos = new AtomicLong();
  private volatile long markAt = Long.MAX_VALUE;
  private final AtomicLong markNanos = new AtomicLong();

  BenchQueues(String name) throws IOException, TimeoutException {
    super("bench", name, "broker-bench");
    publishing = connection().createChannel();
    publishing.confirmSelect();
    consuming = connection().createChannel();
  }

  /** Publishes the messages to the input queue, persistent, confirmed every 1,000. */
  void publish(List<Map<String, Object>> messages) {
    try {
      int unconfirmed = 0;
      for (Map<String, Object> message : messages) {
        publishing.basicPublish(
            "", inputQueue, MessageProperties.PERSISTENT_BASIC, JSON.writeValueAsBytes(message));
        if (++unconfirmed == 1_000) {
          publishing.waitForConfirmsOrDie(60_000);
          unconfirmed = 0;
        }
      }
      publishing.waitForConfirmsOrDie(60_000);
    } catch (IOException | InterruptedException | TimeoutException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Starts counting the output queue (auto-acknowledged, so the counting costs RabbitMQ as little
   * as possible); {@code markAt} outputs later the time is noted, for a steady rate that leaves out
   * the broker's start.
   */
  void countOutputs(long markAt) throws IOException {
    this.markAt = markAt;
    consuming.basicQos(1_000);
    consuming.basicConsume(
        outputQueue,
        true,
        new DefaultConsumer(consuming) {
          @Override
          public void handleDelivery(
              String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body)
              throws IOException {
            long now = System.nanoTime();
            JsonNode message = JSON.readTree(body);
            String receiver = message.path("receiver_id").asText("");
            if (!"routed".equals(message.path("routing_status").asText())) {
              errors.increment();
            } else {
              byReceiver.computeIfAbsent(receiver, r -> new LongAdder()).increment();
            }
            firstOutputNanos.compareAndSet(0, now);
            lastOutputNanos.set(now);
            outputs.increment();
            if (outputs.sum() == BenchQueues.this.markAt) {
              markNanos.set(now);
            }
          }
        });
  }

  long outputs() {
    return outputs.sum();
  }

  long errors() {
    return errors.sum();
  }

  /** Routed outputs per receiver id. */
  Map<String, Long> byReceiver() {
    Map<String, Long> counts = new java.util.TreeMap<>();
    byReceiver.forEach((receiver, count) -> counts.put(receiver, count.sum()));
    return counts;
  }

  long markNanos() {
    return markNanos.get();
  }

  long lastOutputNanos() {
    return lastOutputNanos.get();
  }
}
