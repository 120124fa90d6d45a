package dev.acs.broker.adapter.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Relay throughput, opt-in: drains a preloaded backlog of ~500-byte messages through the real
 * pipeline (this adapter and the core's routing), confirms and acks on; then the same backlog
 * through a zero-logic relay written directly on amqp-client with the same prefetch, for
 * comparison. Run with:
 *
 * <pre>
 * ./mvnw -B verify -pl broker-adapter-amqp -am -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
 *   -Dit.test=RelayThroughputIT -Dbroker.amqp.perf=true [-Dbroker.amqp.perf.messages=30000]</pre>
 */
@EnabledIfSystemProperty(named = "broker.amqp.perf", matches = "true")
class RelayThroughputIT {

  private static final int MESSAGES = Integer.getInteger("broker.amqp.perf.messages", 30_000);

  private RelayHarness harness;

  @BeforeEach
  void setUp() throws Exception {
    harness = new RelayHarness();
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  @Test
  void brokerRelay_thenZeroLogicRelay() throws Exception {
    List<byte[]> backlog = new ArrayList<>(MESSAGES);
    for (int i = 0; i < MESSAGES; i++) {
      backlog.add(TestMessages.frontend(i));
    }
    harness.feed(backlog);

    long start = System.nanoTime();
    harness.start();
    awaitRelayed(MESSAGES);
    double brokerRate = MESSAGES / ((System.nanoTime() - start) / 1e9);
    harness.cancel();
    harness.transport.close();

    // Same backlog again, through the baseline.
    purge(harness.settings.outputQueue());
    harness.feed(backlog);
    start = System.nanoTime();
    try (ZeroLogicRelay relay = new ZeroLogicRelay(harness.settings)) {
      awaitRelayed(MESSAGES);
      double baselineRate = MESSAGES / ((System.nanoTime() - start) / 1e9);
      System.out.printf(
          "THROUGHPUT messages=%d bodyBytes=%d prefetch=%d broker=%.0f msg/s zeroLogic=%.0f msg/s"
              + " ratio=%.2f%n",
          MESSAGES,
          backlog.get(MESSAGES / 2).length,
          harness.settings.prefetch(),
          brokerRate,
          baselineRate,
          brokerRate / baselineRate);
      assertThat(relay.failures).isZero();
    }
  }

  private void awaitRelayed(int count) throws InterruptedException {
    Await.until(
        () ->
            harness.messageCount(harness.settings.outputQueue()) >= count
                && harness.messageCount(harness.settings.inputQueue()) == 0,
        Duration.ofSeconds(300),
        () -> count + " messages relayed");
  }

  private void purge(String queue) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    try (Connection connection = factory.newConnection("relay-it-purge")) {
      connection.createChannel().queuePurge(queue);
    }
  }

  /**
   * The least a relay can do: consume with the same prefetch, publish each body unchanged with
   * confirms, ack the input (cumulatively) when its publish is confirmed.
   */
  private static final class ZeroLogicRelay implements AutoCloseable {
    final Connection consumerConnection;
    final Connection publisherConnection;
    final ConcurrentSkipListMap<Long, Long> seqToTag = new ConcurrentSkipListMap<>();
    volatile int failures;

    ZeroLogicRelay(AmqpSettings settings) throws Exception {
      ConnectionFactory factory = new ConnectionFactory();
      factory.setHost(settings.host());
      factory.setPort(settings.port());
      consumerConnection = factory.newConnection("zero-logic consumer");
      publisherConnection = factory.newConnection("zero-logic publisher");
      Channel in = consumerConnection.createChannel();
      Channel out = publisherConnection.createChannel();
      out.confirmSelect();
      out.addConfirmListener(
          (seq, multiple) -> {
            var done = seqToTag.headMap(seq, true);
            Long lastTag = done.isEmpty() ? null : done.lastEntry().getValue();
            done.clear();
            if (lastTag != null) {
              in.basicAck(lastTag, true);
            }
          },
          (seq, multiple) -> failures++);
      in.basicQos(settings.prefetch());
      AMQP.BasicProperties persistent = new AMQP.BasicProperties.Builder().deliveryMode(2).build();
      in.basicConsume(
          settings.inputQueue(),
          false,
          new DefaultConsumer(in) {
            @Override
            public void handleDelivery(
                String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body)
                throws IOException {
              synchronized (out) {
                seqToTag.put(out.getNextPublishSeqNo(), envelope.getDeliveryTag());
                out.basicPublish("", settings.outputQueue(), true, persistent, body);
              }
            }
          });
    }

    @Override
    public void close() throws IOException {
      consumerConnection.close();
      publisherConnection.close();
    }
  }
}
