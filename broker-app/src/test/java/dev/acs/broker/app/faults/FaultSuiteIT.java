package dev.acs.broker.app.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.acs.broker.app.BrokerProcess;
import dev.acs.broker.app.RunFixtures;
import dev.acs.broker.app.sandbox.simulate.StandInCentralServer;
import dev.acs.broker.testsupport.PrivateRabbitNode;
import dev.acs.broker.testsupport.TcpProxy;
import io.grpc.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue #7, "proof under fire": the real {@code broker.jar} as a child process, a RabbitMQ node of
 * the suite's own (so that stopping it or raising its memory alarm never touches the machine's
 * shared node), the stand-in central server on a loopback port, and a checker that counts every
 * message: lost, duplicated, unexpected, dead-lettered. Every scenario writes its numbers to {@code
 * target/reliability/<scenario>.json} and one {@code RELIABILITY} line to the test output; {@code
 * docs/reliability.md} has the table and the reasoning.
 *
 * <p>Pass: nothing lost and nothing unexpected in every scenario; duplicates at most one prefetch
 * window ({@link Scenario#PREFETCH}) per fault that cuts the broker off while it holds messages.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultSuiteIT {

  private static final Duration DRAIN = Duration.ofMinutes(3);
  private static final Duration FAULT_WAIT = Duration.ofSeconds(60);
  private static final int RATE = 400;

  private static PrivateRabbitNode node;
  private StandInCentralServer central;

  @BeforeAll
  static void startNode() throws Exception {
    Files.createDirectories(Scenario.REPORTS);
    Files.deleteIfExists(Scenario.REPORTS.resolve("results.jsonl"));
    node = PrivateRabbitNode.start();
  }

  @AfterAll
  static void stopNode() throws IOException {
    if (node != null) {
      node.close();
    }
    ResultsTable.writeSuiteTable();
  }

  @BeforeEach
  void startCentral() throws IOException {
    central = RunFixtures.centralWithIdleAgents(3);
  }

  @AfterEach
  void stopCentral() {
    central.close();
  }

  private RabbitEndpoint endpoint() {
    return new RabbitEndpoint(node.port(), "/");
  }

  private BrokerProcess startBroker(Scenario scenario, String... extra) throws IOException {
    return scenario.startBroker(central.port(), node.port(), List.of(extra));
  }

  @Test
  @Order(1)
  @DisplayName("1. Baseline: 20,000 messages, three agents, no fault")
  void baseline() throws Exception {
    try (Scenario scenario = new Scenario("s01-baseline", "none", endpoint())) {
      BrokerProcess broker = startBroker(scenario);
      broker.awaitReady();
      LoadPublisher load = scenario.load("m", 0, 20_000).start();
      load.awaitDone(Duration.ofMinutes(5));

      Ledger.Verdict verdict = scenario.finish(broker, DRAIN);

      scenario.put("receivers", scenario.ledger.receiversOf(scenario.id));
      scenario.assertPasses(verdict, 0);
      assertThat(verdict.confirmed()).isEqualTo(20_000);
      assertThat(verdict.deadLettered()).isZero();
      assertThat(verdict.errorOutputs()).isZero();
    }
  }

  @Test
  @Order(2)
  @DisplayName("2. kill -9 of the broker three times under load, restarted each time")
  void sigkillThreeTimes() throws Exception {
    try (Scenario scenario = new Scenario("s02-kill9", "SIGKILL x3 under load", endpoint())) {
      BrokerProcess broker = startBroker(scenario);
      broker.awaitReady();
      LoadPublisher load = scenario.load("m", RATE, Integer.MAX_VALUE).start();
      for (int kill = 0; kill < 3; kill++) {
        scenario.awaitMoreDeliveries(500, FAULT_WAIT);
        broker.kill();
        long killedAt = System.nanoTime();
        broker = startBroker(scenario);
        broker.awaitReady();
        scenario.recordRecoverySince(killedAt, FAULT_WAIT);
      }
      scenario.awaitMoreDeliveries(500, FAULT_WAIT);
      load.stop();

      Ledger.Verdict verdict = scenario.finish(broker, DRAIN);

      scenario.assertPasses(verdict, 3L * Scenario.PREFETCH);
    }
  }

  @Test
  @Order(3)
  @DisplayName("3. SIGTERM under load: graceful, exit 0, no duplicate")
  void sigtermUnderLoad() throws Exception {
    try (Scenario scenario = new Scenario("s03-sigterm", "SIGTERM under load", endpoint())) {
      BrokerProcess broker = startBroker(scenario);
      LoadPublisher load = scenario.startFlowingLoad(RATE, 1_000, FAULT_WAIT, broker);

      long termAt = System.nanoTime();
      int exit = broker.terminate(FAULT_WAIT);
      assertThat(exit).as(broker.tail()).isZero();
      assertThat(broker.output()).contains("Shutdown requested (SIGTERM)");
      scenario.put("shutdownSeconds", Scenario.round(Scenario.secondsSince(termAt)));
      BrokerProcess second = startBroker(scenario);
      second.awaitReady();
      scenario.recordRecoverySince(termAt, FAULT_WAIT);
      scenario.awaitMoreDeliveries(500, FAULT_WAIT);
      load.stop();

      Ledger.Verdict verdict = scenario.finish(second, DRAIN);

      scenario.assertPasses(verdict, 0);
    }
  }

  @Test
  @Order(4)
  @DisplayName("4. RabbitMQ stopped and restarted under load (stop_app / start_app)")
  void rabbitRestart() throws Exception {
    try (Scenario scenario =
        new Scenario(
            "s04-rabbit-restart",
            "stop_app / start_app, then the whole node stopped and started",
            endpoint())) {
      BrokerProcess broker = startBroker(scenario);
      LoadPublisher load = scenario.startFlowingLoad(RATE, 1_000, FAULT_WAIT, broker);

      int refusedBefore = broker.count("not reachable");
      long stoppedAt = System.nanoTime();
      node.ctl("stop_app");
      long restartedAt;
      try {
        // A real outage: the broker tried to reconnect and was refused at least once.
        broker.awaitCount("not reachable", refusedBefore + 1, FAULT_WAIT);
      } finally {
        node.ctl("start_app");
        restartedAt = System.nanoTime();
      }
      scenario.put("outageSeconds", Scenario.round(Scenario.secondsSince(stoppedAt)));
      scenario.recordRecoveryAfter(restartedAt, FAULT_WAIT);

      // Then the whole node: the Erlang VM exits and starts again from its data directory.
      long nodeStoppedAt = System.nanoTime();
      node.restart();
      long nodeRestartedAt = System.nanoTime();
      scenario.put("nodeOutageSeconds", Scenario.round(Scenario.secondsSince(nodeStoppedAt)));
      scenario.recordRecoveryAfter(nodeRestartedAt, FAULT_WAIT);
      load.stop();

      Ledger.Verdict verdict = scenario.finish(broker, DRAIN);

      scenario.assertPasses(verdict, 2L * Scenario.PREFETCH);
      assertThat(broker.count("ready: consuming")).as("never restarted").isEqualTo(1);
    }
  }

  @Test
  @Order(5)
  @DisplayName(
      "5. Only the publishing connection closed by the server, then only the consuming one")
  void serverClosesEachConnection() throws Exception {
    try (Scenario scenario =
        new Scenario(
            "s05-close-connection", "close_connection publisher, then consumer", endpoint())) {
      BrokerProcess broker = startBroker(scenario);
      LoadPublisher load = scenario.startFlowingLoad(RATE, 1_000, FAULT_WAIT, broker);

      for (String role : List.of("publisher", "consumer")) {
        // A lost connection is reopened with a new channel: "RabbitMQ <role> channel restored".
        String restored = "RabbitMQ " + role + " channel restored";
        int restoredBefore = broker.count(restored);
        closeConnection("broker faults-" + scenario.id + " (broker_" + scenario.id + ") " + role);
        // From when rabbitmqctl returned: its own start-up takes a second or more.
        long closedAt = System.nanoTime();
        broker.awaitCount(restored, restoredBefore + 1, FAULT_WAIT);
        scenario.recordRecoverySince(closedAt, FAULT_WAIT);
        scenario.awaitMoreDeliveries(500, FAULT_WAIT);
      }
      load.stop();

      Ledger.Verdict verdict = scenario.finish(broker, DRAIN);

      scenario.assertPasses(verdict, 2L * Scenario.PREFETCH);
      assertThat(broker.count("ready: consuming")).as("never restarted").isEqualTo(1);
    }
  }

  /** Closes the connection RabbitMQ knows by this client-provided name. */
  private static void closeConnection(String name) throws Exception {
    // RabbitMQ 3.10 lists the client-provided name inside client_properties.
    String pid = null;
    for (String line :
        node.ctl("list_connections", "-q", "--no-table-headers", "pid", "client_properties")
            .split("\n")) {
      if (line.contains("\"" + name + "\"")) {
        pid = line.substring(0, line.indexOf('\t')).strip();
      }
    }
    assertThat(pid).as("connection named '%s'", name).isNotNull();
    node.ctl("close_connection", pid, "fault test closes " + name);
  }

  @Test
  @Order(6)
  @DisplayName(
      "6. Memory alarm: publishing blocks, nothing is acked without its confirm, all flows")
  void memoryAlarm() throws Exception {
    try (Scenario scenario =
        new Scenario(
            "s06-memory-alarm",
            "vm_memory_high_watermark 0 (SIGTERM while blocked), then 0.4",
            endpoint())) {
      // A backlog, so the broker is mid-flow when the alarm goes off (publishers block then).
      scenario.load("m", 0, 30_000).start().awaitDone(Duration.ofMinutes(3));
      BrokerProcess broker = startBroker(scenario, "--drain-timeout", "5s");
      broker.awaitReady();

      long alarmAt = System.nanoTime();
      node.ctl("set_vm_memory_high_watermark", "0");
      long clearedAt;
      try {
        // Publishing is blocked once no output arrived for 2 s.
        await("the broker's publishing blocked")
            .atMost(FAULT_WAIT)
            .until(() -> System.nanoTime() - scenario.ledger.lastOutputNanos() > 2_000_000_000L);
        long blockedAt = scenario.ledger.deliveries();
        scenario.put("deliveredBeforeBlock", blockedAt);
        // Watch it blocked for a few samples: no output, and never an input acked whose output
        // is not in the output queue (acked = confirmed into the input - still in the input).
        for (int sample = 0; sample < 5; sample++) {
          long[] input = readyAndUnacked(scenario.inputQueue);
          long acked = scenario.ledger.confirmedCount() - (input[0] + input[1]);
          long outputs = scenario.ledger.deliveries() + scenario.depth(scenario.outputQueue);
          assertThat(acked)
              .as("inputs acked while blocked vs outputs")
              .isLessThanOrEqualTo(outputs);
          assertThat(input[1])
              .as("the broker holds unacknowledged messages (ready: %s)", input[0])
              .isPositive();
        }
        assertThat(scenario.ledger.deliveries()).as("no output while blocked").isEqualTo(blockedAt);
        assertThat(broker.isAlive()).isTrue();
        assertThat(broker.output())
            .as("the stall is explained in the log")
            .contains("RabbitMQ blocked the publisher connection");

        // An operator restarts the broker while RabbitMQ still blocks it: it must stop within
        // the drain timeout (5 s) plus the closing of its connections, not hang on the block.
        long termAt = System.nanoTime();
        int exit = broker.terminate(Duration.ofSeconds(60));
        double stopSeconds = Scenario.secondsSince(termAt);
        scenario.put("sigtermWhileBlockedSeconds", Scenario.round(stopSeconds));
        assertThat(exit).as("exit code of SIGTERM while blocked:%n%s", broker.tail()).isZero();
        assertThat(stopSeconds).as("seconds to stop while blocked").isLessThan(10);
      } finally {
        node.ctl("set_vm_memory_high_watermark", "0.4");
        clearedAt = System.nanoTime();
      }
      scenario.put("alarmSeconds", Scenario.round((clearedAt - alarmAt) / 1e9));
      BrokerProcess second = startBroker(scenario);
      second.awaitReady();
      scenario.recordRecovery(scenario.awaitFlowAfter(clearedAt, FAULT_WAIT));

      Ledger.Verdict verdict = scenario.finish(second, DRAIN);

      // Publishes the first broker had written into its socket when it was stopped may still
      // be taken by RabbitMQ once unblocked; their inputs were requeued: one window at most.
      scenario.assertPasses(verdict, Scenario.PREFETCH);
    }
  }

  /** messages_ready and messages_unacknowledged of a queue in the default virtual host. */
  private static long[] readyAndUnacked(String queue) throws Exception {
    for (String line :
        node.ctl(
                "list_queues",
                "-q",
                "--no-table-headers",
                "name",
                "messages_ready",
                "messages_unacknowledged")
            .split("\n")) {
      String[] columns = line.strip().split("\\s+");
      if (columns.length == 3 && columns[0].equals(queue)) {
        return new long[] {Long.parseLong(columns[1]), Long.parseLong(columns[2])};
      }
    }
    throw new AssertionError("queue " + queue + " not listed");
  }

  @Test
  @Order(7)
  @DisplayName("7. Half-open TCP to RabbitMQ and to the central server: detected, recovered")
  void halfOpenConnections() throws Exception {
    try (Scenario scenario =
            new Scenario("s07-half-open", "proxy stops forwarding (AMQP, then gRPC)", endpoint());
        TcpProxy rabbitProxy = TcpProxy.to(node.port());
        TcpProxy grpcProxy = TcpProxy.to(central.port())) {
      BrokerProcess broker =
          scenario.startBroker(
              grpcProxy.port(),
              rabbitProxy.port(),
              List.of("--rabbitmq-heartbeat", "2s", "--grpc-liveness-interval", "2s"));
      LoadPublisher load = scenario.startFlowingLoad(RATE, 1_000, FAULT_WAIT, broker);

      // RabbitMQ: heartbeat 2 s; amqp-client gives up after 8 silent quarter-heartbeats (~4.5 s).
      HalfOpen amqp = halfOpen(rabbitProxy, broker, "connection lost", 2);
      double amqpDetection = amqp.detectionSeconds();
      scenario.recordDetection(amqpDetection);
      assertThat(broker.output()).as("the cause is named").contains("MissedHeartbeatException");
      scenario.recordRecoveryAfter(amqp.restoredNanos(), FAULT_WAIT);

      // Central server: liveness interval 2 s, bound 2 x 2 s + 1 s probe deadline = 5 s.
      int subscriptions = central.subscriptionCount();
      HalfOpen grpc = halfOpen(grpcProxy, broker, "Agent status stream interrupted", 1);
      double grpcDetection = grpc.detectionSeconds();
      scenario.recordDetection(grpcDetection);
      await("resubscribed")
          .atMost(FAULT_WAIT)
          .until(() -> central.subscriptionCount() > subscriptions);
      scenario.recordRecovery(Scenario.secondsSince(grpc.restoredNanos()));
      scenario.awaitMoreDeliveries(500, FAULT_WAIT);
      load.stop();

      Ledger.Verdict verdict = scenario.finish(broker, DRAIN);

      scenario.put("amqpDetectionBoundSeconds", 10);
      scenario.put("grpcDetectionBoundSeconds", 10);
      scenario.assertPasses(verdict, Scenario.PREFETCH);
      // Stated bounds: 2.25 heartbeats (4.5 s) and the liveness bound (5 s), plus scheduling slack
      // on a loaded 2-core machine.
      assertThat(amqpDetection).as("AMQP half-open detected within").isLessThan(10);
      assertThat(grpcDetection).as("gRPC half-open detected within").isLessThan(10);
      assertThat(broker.count("ready: consuming")).as("never restarted").isEqualTo(1);
    }
  }

  /** How long a half-open connection went unnoticed, and when forwarding resumed. */
  private record HalfOpen(double detectionSeconds, long restoredNanos) {}

  /**
   * Makes the connection through {@code proxy} half-open (nothing forwarded, nothing closed) until
   * the broker has logged {@code line} {@code times} more times, then lets it forward again.
   */
  private static HalfOpen halfOpen(TcpProxy proxy, BrokerProcess broker, String line, int times)
      throws Exception {
    int before = broker.count(line);
    long cutAt = System.nanoTime();
    proxy.blackhole();
    double detection;
    try {
      broker.awaitCount(line, before + times, FAULT_WAIT);
      detection = Scenario.secondsSince(cutAt);
    } finally {
      proxy.restore();
    }
    return new HalfOpen(detection, System.nanoTime());
  }

  @Test
  @Order(8)
  @DisplayName("8. The status stream broken with every gRPC status and completed; server restarted")
  void centralServerFaults() throws Exception {
    try (Scenario scenario =
        new Scenario(
            "s08-central", "stream ended with each status; server restarted", endpoint())) {
      BrokerProcess broker = startBroker(scenario);
      LoadPublisher load = scenario.startFlowingLoad(RATE, 500, FAULT_WAIT, broker);

      List<String> ends = new ArrayList<>();
      for (Status.Code code : Status.Code.values()) {
        if (code != Status.Code.OK) {
          ends.add(code.name());
        }
      }
      ends.add("completed");
      for (String end : ends) {
        int subscriptions = central.subscriptionCount();
        long endedAt = System.nanoTime();
        if (end.equals("completed")) {
          central.completeSubscriptions();
        } else {
          central.endSubscriptions(
              Status.fromCode(Status.Code.valueOf(end)).withDescription("fault test"));
        }
        await()
            .atMost(FAULT_WAIT)
            .untilAsserted(
                () ->
                    assertThat(central.subscriptionCount() > subscriptions)
                        .as("resubscribed after " + end)
                        .isTrue());
        scenario.recordRecovery(Scenario.secondsSince(endedAt));
      }
      scenario.put("streamEnds", ends);
      assertThat(scenario.ledger.receiversOf(scenario.id)).containsKey("agent_3");

      // The server goes away; agent_3 is removed while the broker is cut off.
      int port = central.port();
      int interrupted = broker.count("Agent status stream interrupted");
      central.close();
      long downAt = System.nanoTime();
      broker.awaitCount("Agent status stream interrupted", interrupted + 1, FAULT_WAIT);
      central = restartCentralOn(port);
      central.putAgent("agent_1", "idle");
      central.putAgent("agent_2", "idle");
      StandInCentralServer restarted = central;
      await("subscribed again").atMost(FAULT_WAIT).until(() -> restarted.subscriptionCount() > 0);
      scenario.recordRecovery(Scenario.secondsSince(downAt));
      load.stop();

      // Every message from now on: agent_3 is gone.
      LoadPublisher after = scenario.load("after", 0, 2_000).start();
      after.awaitDone(FAULT_WAIT);
      Ledger.Verdict verdict = scenario.finish(broker, DRAIN);

      Map<String, Integer> receiversAfter = scenario.ledger.receiversOf(scenario.id + "-after");
      scenario.put("receiversAfterRestart", receiversAfter);
      scenario.assertPasses(verdict, 0);
      assertThat(receiversAfter).doesNotContainKey("agent_3").containsKey("agent_1");
      assertThat(broker.count("ready: consuming")).as("never restarted").isEqualTo(1);
    }
  }

  private static StandInCentralServer restartCentralOn(int port) {
    return await("the stand-in server bound to port " + port + " again")
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptionsInstanceOf(IOException.class)
        .until(() -> StandInCentralServer.start(port), Objects::nonNull);
  }

  @Test
  @Order(9)
  @DisplayName("9. Bad input interleaved with good: each dead-lettered once with its reason")
  void badInputMatrix() throws Exception {
    try (Scenario scenario =
        new Scenario("s09-bad-input", "bad-input matrix interleaved with good", endpoint())) {
      BrokerProcess broker = startBroker(scenario);
      broker.awaitReady();
      long pid = broker.pid();

      Map<String, byte[]> bodies = new LinkedHashMap<>();
      Map<String, String> expected = new LinkedHashMap<>();
      List<String> good = new ArrayList<>();
      for (int copy = 0; copy < 2; copy++) {
        for (BadInput bad : BadInput.matrix()) {
          String goodId = scenario.id + "-good-" + bad.name() + "-" + copy;
          good.add(goodId);
          scenario.publishRaw(goodId, LoadPublisher.body(goodId));
          String badId = scenario.id + "-bad-" + bad.name() + "-" + copy;
          byte[] body = bad.body(badId);
          bodies.put(badId, body);
          expected.put(badId, bad.reason());
          scenario.publishRaw(badId, body);
        }
      }
      Ledger.Verdict verdict = scenario.finish(broker, DRAIN);

      Map<String, String> reasons = new TreeMap<>();
      for (Map.Entry<String, String> entry : expected.entrySet()) {
        String id = entry.getKey();
        String kind = id.substring(0, id.lastIndexOf('-')).replace(scenario.id + "-bad-", "");
        if (entry.getValue() == null) {
          reasons.put(kind, "routed");
          assertThat(scenario.ledger.deliveryCount(id)).as("%s routed once", id).isEqualTo(1);
        } else {
          reasons.put(kind, scenario.ledger.deadLetterReason(id));
          assertThat(scenario.ledger.deadLetterCount(id)).as("%s dead-lettered", id).isEqualTo(1);
          assertThat(scenario.ledger.deadLetterReason(id)).as(id).isEqualTo(entry.getValue());
          assertThat(scenario.ledger.deliveryCount(id)).as("%s not routed", id).isZero();
        }
      }
      for (String id : good) {
        assertThat(scenario.ledger.deliveryCount(id)).as("%s routed once", id).isEqualTo(1);
        assertThat(scenario.ledger.deadLetterCount(id)).as(id).isZero();
      }
      scenario.put("reasons", reasons);
      scenario.assertPasses(verdict, 0);
      assertThat(broker.pid()).isEqualTo(pid);
      assertThat(broker.count("ready: consuming")).as("never restarted").isEqualTo(1);
    }
  }

  /** One row of the bad-input matrix: a name, a body maker, the expected dead-letter reason. */
  private record BadInput(
      String name, java.util.function.Function<String, byte[]> maker, String reason) {

    byte[] body(String id) {
      return maker.apply(id);
    }

    static List<BadInput> matrix() {
      return List.of(
          new BadInput("non-json", id -> utf8("hello, broker " + id), "not-json"),
          new BadInput(
              "truncated",
              id -> utf8("{\"message_id\":\"" + id + "\",\"message_type\":\"TEXT\",\"text_pa"),
              "not-json"),
          new BadInput("empty", id -> new byte[0], "not-json"),
          new BadInput("null", id -> utf8("null"), "not-a-json-object"),
          new BadInput("array", id -> utf8("[{\"message_type\":\"TEXT\"}]"), "not-a-json-object"),
          new BadInput(
              "wrong-types",
              id ->
                  utf8(
                      "{\"message_id\":\""
                          + id
                          + "\",\"message_type\":\"TEXT\","
                          + "\"sender_id\":42,\"receiver_id\":[\"agent_1\"]}"),
              "wrong-field-type"),
          new BadInput(
              "type-not-a-string",
              id -> utf8("{\"message_id\":\"" + id + "\",\"message_type\":7}"),
              "wrong-field-type"),
          new BadInput(
              "no-type",
              id -> utf8("{\"message_id\":\"" + id + "\",\"text_payload\":\"hi\"}"),
              "missing-message-type"),
          new BadInput(
              "unknown-type",
              id ->
                  utf8(
                      "{\"message_id\":\""
                          + id
                          + "\",\"message_type\":\"TELEPATHY\","
                          + "\"sender_id\":\"web_1a2b3c4d\"}"),
              "unhandled-message-type"),
          new BadInput(
              "deep-10000",
              id -> utf8("{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000)),
              "too-deep"),
          new BadInput(
              "over-size-limit",
              id ->
                  utf8(
                      "{\"message_id\":\""
                          + id
                          + "\",\"message_type\":\"TEXT\","
                          + "\"text_payload\":\""
                          + "x".repeat(1024 * 1024)
                          + "\"}"),
              "too-large"),
          new BadInput(
              "invalid-utf8",
              id ->
                  concat(
                      utf8(
                          "{\"message_id\":\""
                              + id
                              + "\",\"message_type\":\"TEXT\","
                              + "\"text_payload\":\""),
                      new byte[] {(byte) 0xC3, (byte) 0x28},
                      utf8("\"}")),
              "not-utf8"),
          new BadInput(
              "nul-byte",
              id ->
                  concat(
                      utf8(
                          "{\"message_id\":\""
                              + id
                              + "\",\"message_type\":\"TEXT\","
                              + "\"text_payload\":\"a"),
                      new byte[] {0},
                      utf8("b\"}")),
              "not-json"),
          // RFC 8259 lets a parser ignore a leading BOM; the broker routes the message.
          new BadInput(
              "bom",
              id ->
                  concat(
                      new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, LoadPublisher.body(id)),
              null));
    }

    private static byte[] utf8(String text) {
      return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (byte[] part : parts) {
        out.writeBytes(part);
      }
      return out.toByteArray();
    }
  }

  @Test
  @Order(10)
  @DisplayName("10. A least-privilege RabbitMQ user, password from a file, never logged")
  void leastPrivilegeUser() throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String vhost = "faults_vh_" + suffix;
    String user = "faults_user_" + suffix;
    String password = "pw" + UUID.randomUUID().toString().replace("-", "");
    Path passwordFile = Files.createTempFile("broker-faults-password", ".txt");
    node.ctl("add_vhost", vhost);
    node.ctl("add_user", user, password);
    // The test's own clients are guest; the broker's user may touch its three queues only.
    node.ctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*");
    try (Scenario scenario =
        new Scenario(
            "s10-least-privilege",
            "restricted user, vhost, password file",
            new RabbitEndpoint(node.port(), vhost))) {
      String queues =
          "^("
              + scenario.inputQueue
              + "|"
              + scenario.outputQueue
              + "|"
              + scenario.deadLetterQueue
              + ")$";
      String configure = queues;
      String write = "^amq\\.default$";
      String read = "^" + scenario.inputQueue + "$";
      node.ctl("set_permissions", "-p", vhost, user, configure, write, read);
      scenario.put("permissions", Map.of("configure", configure, "write", write, "read", read));
      Files.writeString(passwordFile, password + "\n");

      BrokerProcess broker =
          startBroker(
              scenario,
              "--rabbitmq-username",
              user,
              "--rabbitmq-password-file",
              passwordFile.toString(),
              "--rabbitmq-vhost",
              vhost,
              "--log-level",
              "debug");
      broker.awaitReady();
      scenario.load("m", RATE, 2_000).start().awaitDone(FAULT_WAIT);
      // A message no agent takes is dead-lettered: the restricted user may publish there too.
      scenario.publishRaw(scenario.id + "-bad-0", "not json".getBytes(StandardCharsets.UTF_8));

      Ledger.Verdict verdict = scenario.finish(broker, DRAIN);

      scenario.assertPasses(verdict, 0);
      assertThat(verdict.deadLettered()).isEqualTo(1);
      String logs = broker.output();
      assertThat(logs).doesNotContain(password);
      assertThat(Pattern.compile("[A-Za-z0-9_.%-]+:[^\\s@/]+@").matcher(logs).find())
          .as("no user:password@ in the logs")
          .isFalse();
      scenario.put("logLinesScanned", logs.split("\n").length);
    } finally {
      node.ctl("delete_user", user);
      node.ctl("delete_vhost", vhost);
      Files.deleteIfExists(passwordFile);
    }
  }
}
