package dev.acs.broker.adapter.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.acs.broker.testsupport.PrivateRabbitNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * RabbitMQ stopped and started (rabbitmqctl stop_app / start_app) while the broker drains a
 * backlog. The outage happens on a RabbitMQ node of the test's own ({@link PrivateRabbitNode}),
 * never on the shared node other test runs use at the same time. Durable queues and persistent
 * messages survive; in-flight messages may be duplicated, at most two prefetch windows (the
 * unconfirmed publishes and the unacknowledged deliveries).
 */
class BrokerRestartIT {

  private static final int BACKLOG = 30_000;
  private static final int PREFETCH = 20;

  private PrivateRabbitNode node;
  private RelayHarness harness;

  @BeforeEach
  void setUp() throws Exception {
    node = PrivateRabbitNode.start();
    // A small prefetch slows the relay so the outage surely hits it mid-backlog.
    harness =
        new RelayHarness(
            settings -> settings.host("127.0.0.1").port(node.port()).prefetch(PREFETCH));
  }

  @AfterEach
  void tearDown() throws Exception {
    try {
      if (harness != null) {
        harness.close();
      }
    } finally {
      node.close();
    }
  }

  @Test
  void rabbitmqRestart_underLoad_losesNothing() throws Exception {
    List<byte[]> backlog = new ArrayList<>(BACKLOG);
    for (int i = 0; i < BACKLOG; i++) {
      backlog.add(TestMessages.frontend(i));
    }
    harness.feed(backlog);
    harness.start();
    await("relay under way")
        .atMost(Duration.ofSeconds(60))
        .until(() -> harness.messageCount(harness.settings.outputQueue()) > 2_000);

    long relayedBeforeOutage = harness.messageCount(harness.settings.outputQueue());
    try {
      node.ctl("stop_app");
      await("the transport notices the outage")
          .atMost(Duration.ofSeconds(30))
          .until(() -> !harness.transport.health().ready());
    } finally {
      node.ctl("start_app");
      node.ctl("await_startup");
    }
    harness.openClient();
    assertThat(relayedBeforeOutage).as("the outage hit mid-backlog").isLessThan(BACKLOG / 2);
    ConcurrentHashMap<Integer, AtomicInteger> outputs =
        harness.collect(harness.settings.outputQueue());

    await()
        .atMost(Duration.ofSeconds(180))
        .untilAsserted(
            () ->
                assertThat(outputs.size() == BACKLOG)
                    .as("all " + BACKLOG + " messages relayed, have " + outputs.size())
                    .isTrue());
    harness.assertSettledAndEmpty();
    long duplicates = outputs.values().stream().mapToInt(c -> c.get() - 1).sum();
    System.out.printf(
        "restart: %d messages, %d relayed before the outage, %d duplicates, health %s%n",
        BACKLOG, relayedBeforeOutage, duplicates, harness.transport.health());
    assertThat(duplicates).isLessThanOrEqualTo(2L * harness.settings.prefetch());
    assertThat(harness.transport.health().ready()).isTrue();
    assertThat(harness.transport.health().recoveries()).isGreaterThanOrEqualTo(2);
  }
}
