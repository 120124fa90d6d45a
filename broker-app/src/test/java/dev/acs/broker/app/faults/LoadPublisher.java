package dev.acs.broker.app.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.MessageProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Puts frontend TEXT messages with unique ids on the input queue from a thread of its own, in
 * confirmed batches at a steady rate, and records each id in the {@link Ledger} as attempted and,
 * once RabbitMQ confirms the batch, as confirmed. Survives RabbitMQ going away: a failed batch
 * stays unconfirmed (its ids may still arrive; they are not counted as lost) and the publisher
 * reconnects.
 */
final class LoadPublisher implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final RabbitEndpoint endpoint;
  private final String queue;
  private final Ledger ledger;
  private final String prefix;
  private final int ratePerSecond;
  private final int limit;
  private final int batchSize;
  private final Thread thread;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile boolean stopping;
  private volatile int sent;
  private Connection connection;
  private Channel channel;

  /**
   * Ids of the current batch that RabbitMQ returned as unroutable. A node that is shutting down may
   * find no queue for a publish; without {@code mandatory} it drops the message and still confirms
   * it, and the ledger would count a message that never entered the queue as lost. The return comes
   * before the confirm, so after {@code waitForConfirms} this set is complete.
   */
  private final java.util.Set<String> returned = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * @param ratePerSecond messages per second, or 0 for as fast as confirms allow
   * @param limit how many messages at most
   */
  LoadPublisher(
      RabbitEndpoint endpoint,
      String queue,
      Ledger ledger,
      String prefix,
      int ratePerSecond,
      int limit) {
    this.endpoint = endpoint;
    this.queue = queue;
    this.ledger = ledger;
    this.prefix = prefix;
    this.ratePerSecond = ratePerSecond;
    this.limit = limit;
    this.batchSize = ratePerSecond == 0 ? 500 : Math.max(1, ratePerSecond / 20);
    this.thread = new Thread(this::run, "load-" + prefix);
    this.thread.setDaemon(true);
  }

  LoadPublisher start() {
    thread.start();
    return this;
  }

  /** Ids published so far (attempted). */
  int sent() {
    return sent;
  }

  /** Waits until the whole limit was attempted. */
  void awaitDone(Duration timeout) {
    await()
        .atMost(timeout)
        .untilAsserted(
            () ->
                assertThat(!isRunning())
                    .as("publisher " + prefix + " done, sent " + sent)
                    .isTrue());
    rethrow();
  }

  boolean isRunning() {
    return thread.isAlive();
  }

  /** Stops after the current batch and waits for the thread. */
  void stop() throws InterruptedException {
    stopping = true;
    thread.join(TimeUnit.SECONDS.toMillis(60));
    rethrow();
  }

  @Override
  public void close() {
    stopping = true;
  }

  private void rethrow() {
    Throwable thrown = failure.get();
    if (thrown != null) {
      throw new AssertionError("load publisher " + prefix + " failed", thrown);
    }
  }

  private void run() {
    long startNanos = System.nanoTime();
    try {
      while (!stopping && sent < limit) {
        List<String> batch = new ArrayList<>();
        for (int i = 0; i < batchSize && sent + i < limit; i++) {
          batch.add(String.format("%s-%06d", prefix, sent + i));
        }
        if (ratePerSecond > 0) {
          // Pacing, not synchronisation: keep the load at a steady rate.
          long due = startNanos + TimeUnit.SECONDS.toNanos(sent) / ratePerSecond;
          long wait = due - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait);
          }
        }
        ledger.attempted(batch);
        sent += batch.size();
        if (publish(batch)) {
          List<String> routed = new ArrayList<>(batch);
          routed.removeAll(returned);
          ledger.confirmed(routed);
        }
      }
    } catch (RuntimeException | Error unexpected) {
      failure.set(unexpected);
    } finally {
      closeQuietly();
    }
  }

  private boolean publish(List<String> ids) {
    try {
      if (channel == null || !channel.isOpen()) {
        closeQuietly();
        connection = endpoint.connect("load " + prefix);
        channel = connection.createChannel();
        channel.confirmSelect();
        channel.addReturnListener(
            unroutable -> returned.add(unroutable.getProperties().getMessageId()));
      }
      returned.clear();
      for (String id : ids) {
        AMQP.BasicProperties properties =
            MessageProperties.PERSISTENT_BASIC.builder().messageId(id).build();
        channel.basicPublish("", queue, true, properties, body(id));
      }
      channel.waitForConfirmsOrDie(20_000);
      return true;
    } catch (IOException | java.util.concurrent.TimeoutException | RuntimeException failed) {
      // RabbitMQ went away (or nacked): the batch stays unconfirmed; reconnect after a pause.
      closeQuietly();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
      return false;
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      stopping = true;
      return false;
    }
  }

  private void closeQuietly() {
    Connection current = connection;
    connection = null;
    channel = null;
    if (current != null) {
      current.abort(2_000);
    }
  }

  /** A frontend TEXT message as SPEC §3 shows it, with {@code id} as its message id. */
  static byte[] body(String id) {
    Map<String, Object> message = new LinkedHashMap<>();
    int client = Math.floorMod(id.hashCode(), 64);
    message.put("message_id", id);
    message.put("sender_id", String.format("web_%08x", client));
    message.put("receiver_id", "server");
    message.put("text_payload", "load " + id);
    message.put("send_timestamp", "10:42:07");
    message.put("message_type", "TEXT");
    message.put("_connection_type", "frontend");
    message.put("_client_id", String.format("web_%08x", client));
    message.put("routing_status", "pending");
    try {
      return JSON.writeValueAsBytes(message);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
