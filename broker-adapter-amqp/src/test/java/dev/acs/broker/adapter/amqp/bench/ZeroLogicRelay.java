package dev.acs.broker.adapter.amqp.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The least a safe relay can do, written directly on amqp-client: two connections like the broker
 * (consumer and publisher), the same prefetch, each body published unchanged (persistent,
 * mandatory) with confirms, and the input acked with {@code multiple=true} up to the delivery
 * before the oldest unconfirmed publish. No parsing, no routing, no headers.
 */
final class ZeroLogicRelay extends Relay {

  private static final AMQP.BasicProperties PERSISTENT =
      new AMQP.BasicProperties.Builder().deliveryMode(2).build();

  /** What the broker sets with its full decision headers: a message id and three headers. */
  private static final AMQP.BasicProperties BROKER_LIKE =
      new AMQP.BasicProperties.Builder()
          .deliveryMode(2)
          .messageId("msg_0f8fad5b-d9cb-469f-a165-70867728950e")
          .headers(
              Map.of(
                  "x-routed-by", "bench",
                  "x-routing-policy", "sticky",
                  "x-routing-reason", "sticky choice among available agents"))
          .build();

  /** A publish awaiting its confirm: the input's delivery tag and when it was consumed. */
  private record Pending(long deliveryTag, long consumedAt) {}

  private final ConnectionFactory factory;
  private final String input;
  private final String output;
  private final int prefetch;
  private final boolean withHeaders;
  private final Object lock = new Object();
  private final ConcurrentSkipListMap<Long, Pending> unconfirmed = new ConcurrentSkipListMap<>();
  private Connection consumerConnection;
  private Connection publisherConnection;
  private Channel in;
  private Channel out;
  private String consumerTag;
  // Guarded by lock:
  private long lastPublishedTag;
  private long lastAckedTag;

  /**
   * A relay from {@code input} to {@code output}.
   *
   * @param withHeaders publish with the properties and headers the broker sets with full decision
   *     headers (a message id and three headers), to see what they cost the server; the baseline
   *     proper has none
   */
  ZeroLogicRelay(
      ConnectionFactory factory, String input, String output, int prefetch, boolean withHeaders) {
    this.withHeaders = withHeaders;
    this.factory = factory;
    this.input = input;
    this.output = output;
    this.prefetch = prefetch;
  }

  @Override
  String name() {
    return withHeaders ? "baseline-headers" : "baseline";
  }

  @Override
  void start() throws Exception {
    consumerConnection = factory.newConnection("zero-logic consumer");
    publisherConnection = factory.newConnection("zero-logic publisher");
    in = consumerConnection.createChannel();
    out = publisherConnection.createChannel();
    out.confirmSelect();
    out.addConfirmListener(this::confirmed, (seq, multiple) -> nacked(seq, multiple));
    in.basicQos(prefetch);
    consumerTag =
        in.basicConsume(
            input,
            false,
            new DefaultConsumer(in) {
              @Override
              public void handleDelivery(
                  String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body)
                  throws IOException {
                long consumedAt = System.nanoTime();
                synchronized (lock) {
                  unconfirmed.put(
                      out.getNextPublishSeqNo(),
                      new Pending(envelope.getDeliveryTag(), consumedAt));
                  lastPublishedTag = envelope.getDeliveryTag();
                  out.basicPublish("", output, true, properties(), body);
                }
              }
            });
  }

  private AMQP.BasicProperties properties() {
    return withHeaders ? BROKER_LIKE : PERSISTENT;
  }

  private void confirmed(long seq, boolean multiple) throws IOException {
    long now = System.nanoTime();
    settle(seq, multiple, now);
  }

  private void nacked(long seq, boolean multiple) throws IOException {
    failed();
    // A zero-logic relay has no retry: leave the inputs unacked (redelivered after close).
    settle(seq, multiple, -1);
  }

  private void settle(long seq, boolean multiple, long now) throws IOException {
    synchronized (lock) {
      if (multiple) {
        Map<Long, Pending> done = unconfirmed.headMap(seq, true);
        for (Pending pending : done.values()) {
          if (now >= 0) {
            settled(now - pending.consumedAt());
          }
        }
        done.clear();
      } else {
        Pending pending = unconfirmed.remove(seq);
        if (pending != null && now >= 0) {
          settled(now - pending.consumedAt());
        }
      }
      Map.Entry<Long, Pending> oldest = unconfirmed.firstEntry();
      long ackUpTo = oldest == null ? lastPublishedTag : oldest.getValue().deliveryTag() - 1;
      if (ackUpTo > lastAckedTag && now >= 0) {
        lastAckedTag = ackUpTo;
        in.basicAck(ackUpTo, true);
        ackSent();
      }
    }
  }

  @Override
  void abort() {
    for (Connection connection : new Connection[] {consumerConnection, publisherConnection}) {
      if (connection != null) {
        connection.abort();
      }
    }
  }

  @Override
  void stop() throws Exception {
    if (in != null && in.isOpen()) {
      in.basicCancel(consumerTag);
    }
    if (publisherConnection != null) {
      publisherConnection.close();
    }
    if (consumerConnection != null) {
      consumerConnection.close();
    }
  }
}
