package dev.acs.broker.app.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Delivery;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Consumes the broker's output or dead-letter queue on a connection of its own and records every id
 * in the {@link Ledger}; reconnects when RabbitMQ goes away. A message the collector itself got
 * twice (RabbitMQ redelivers what the collector had not acknowledged when its connection died) is
 * counted once: only deliveries flagged {@code redelivered} for an id this collector already saw
 * are skipped, so the broker's own duplicates, which are new messages, are all counted.
 */
final class QueueCollector implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Which queue this is. */
  enum Kind {
    OUTPUT,
    DEAD_LETTERS
  }

  private final RabbitEndpoint endpoint;
  private final String queue;
  private final Kind kind;
  private final Ledger ledger;
  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  private final Thread thread;
  private volatile boolean stopping;
  private Connection connection;

  QueueCollector(RabbitEndpoint endpoint, String queue, Kind kind, Ledger ledger) {
    this.endpoint = endpoint;
    this.queue = queue;
    this.kind = kind;
    this.ledger = ledger;
    this.thread = new Thread(this::supervise, "collect-" + queue);
    this.thread.setDaemon(true);
  }

  QueueCollector start() {
    thread.start();
    return this;
  }

  private void supervise() {
    while (!stopping) {
      Connection current = connection;
      if (current == null || !current.isOpen()) {
        connect();
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
    Connection current = connection;
    if (current != null) {
      current.abort(2_000);
    }
  }

  private void connect() {
    try {
      Connection opened = endpoint.connect("collect " + queue);
      Channel channel = opened.createChannel();
      // The broker declares its dead-letter queue; declare it too so consuming can start first.
      channel.queueDeclare(queue, true, false, false, endpoint.declareArguments());
      channel.basicQos(500);
      channel.basicConsume(
          queue, false, (tag, delivery) -> record(channel, delivery), consumerTag -> {});
      connection = opened;
    } catch (IOException | java.util.concurrent.TimeoutException | RuntimeException notYet) {
      // RabbitMQ is down; the supervisor tries again.
    }
  }

  private void record(Channel channel, Delivery delivery) throws IOException {
    AMQP.BasicProperties properties = delivery.getProperties();
    JsonNode body = parse(delivery.getBody());
    String id = properties.getMessageId();
    if (kind == Kind.OUTPUT || id == null) {
      String fromBody = text(body, "message_id");
      id = fromBody != null ? fromBody : id;
    }
    if (id == null) {
      id = "<no id>";
    }
    boolean again = delivery.getEnvelope().isRedeliver() && seen.contains(id);
    if (!again) {
      seen.add(id);
      if (kind == Kind.OUTPUT) {
        Map<String, Object> headers = properties.getHeaders();
        Object broker = headers == null ? null : headers.get("x-routed-by");
        if (broker != null) {
          ledger.routedBy(id, broker.toString());
        }
        ledger.delivered(id, text(body, "receiver_id"), text(body, "routing_status"));
      } else {
        Map<String, Object> headers = properties.getHeaders();
        Object reason = headers == null ? null : headers.get("x-dead-letter-reason");
        ledger.deadLettered(id, reason == null ? null : reason.toString());
      }
    }
    channel.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
  }

  private static JsonNode parse(byte[] body) {
    try {
      return JSON.readTree(body);
    } catch (IOException | RuntimeException notJson) {
      return null;
    }
  }

  private static String text(JsonNode body, String field) {
    if (body == null || !body.isObject()) {
      return null;
    }
    JsonNode value = body.get(field);
    return value == null || !value.isTextual() ? null : value.asText();
  }

  @Override
  public void close() {
    stopping = true;
    try {
      thread.join(10_000);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
