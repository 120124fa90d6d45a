package dev.acs.broker.app.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.acs.broker.app.BrokerProcess;
import dev.acs.broker.app.RunFixtures;
import dev.acs.broker.app.sandbox.simulate.StandInCentralServer;
import dev.acs.broker.testsupport.PrivateRabbitNode;
import dev.acs.broker.testsupport.TcpProxy;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;
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
 * Issue #14: the fault suite on a real three-node RabbitMQ cluster of the suite's own ({@link
 * RabbitCluster}) with quorum queues, two broker replicas (the real {@code broker.jar}) competing
 * on the input queue, the stand-in central server, and load from a frontend-like publisher. Counted
 * like {@link FaultSuiteIT}: lost, duplicated, unexpected, dead-lettered; the numbers go to {@code
 * target/reliability/} and {@code docs/reliability.md}.
 *
 * <p>Pass: nothing lost and nothing unexpected in every scenario; duplicates at most one prefetch
 * window ({@link Scenario#PREFETCH}) per replica cut off while it held messages, none for a rolling
 * restart by SIGTERM.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFaultSuiteIT {

  private static final Duration DRAIN = Duration.ofMinutes(3);
  private static final Duration FAULT_WAIT = Duration.ofSeconds(90);
  private static final int RATE = 300;
  private static final Pattern CONNECTED =
      Pattern.compile("RabbitMQ consumer connected to 127\\.0\\.0\\.1:(\\d+)");

  private static RabbitCluster cluster;
  private StandInCentralServer central;

  @BeforeAll
  static void startCluster() throws Exception {
    Files.createDirectories(Scenario.REPORTS);
    long startedAt = System.nanoTime();
    cluster = RabbitCluster.start();
    System.out.printf(
        "RELIABILITY-CLUSTER started 3 nodes in %.1fs: %s%n",
        Scenario.secondsSince(startedAt), cluster.addresses());
  }

  @AfterAll
  static void stopCluster() throws IOException {
    if (cluster != null) {
      cluster.close();
    }
    ResultsTable.writeSuiteTable();
  }

  @BeforeEach
  void startCentral() throws IOException {
    central = RunFixtures.centralWithIdleAgents(3);
  }

  @AfterEach
  void stopCentral() throws Exception {
    central.close();
    // A scenario that failed half-way must not leave a node down for the next one.
    for (PrivateRabbitNode node : cluster.nodes()) {
      if (!node.acceptsConnections()) {
        try {
          cluster.heal(node);
        } catch (IOException down) {
          node.startAgain();
        }
      }
    }
    cluster.awaitRunning();
  }

  private Scenario scenario(String id, String fault) throws Exception {
    return new Scenario(
        id, fault, new RabbitEndpoint(cluster.ports(), "/", Map.of("x-queue-type", "quorum")));
  }

  /** A replica on every node of the cluster, declaring quorum queues. */
  private BrokerProcess replica(Scenario scenario, String name, String... extra)
      throws IOException {
    return replicaOn(cluster.addresses(), scenario, name, extra);
  }

  private BrokerProcess replicaOn(String addresses, Scenario scenario, String name, String... extra)
      throws IOException {
    List<String> rabbit = List.of("--rabbitmq-addresses", addresses, "--queue-type", "quorum");
    return scenario.startReplica(central.port(), name, rabbit, List.of(extra));
  }

  /** Stops replicas but the last by SIGTERM (exit 0), then finishes with the last one. */
  private static Ledger.Verdict finish(Scenario scenario, BrokerProcess... replicas)
      throws Exception {
    BrokerProcess last = replicas[replicas.length - 1];
    try {
      // While the last one runs, a timeout can still show where the missing messages are.
      await()
          .atMost(DRAIN)
          .untilAsserted(
              () ->
                  assertThat(scenario.ledger.allConfirmedSeen())
                      .as(() -> "every confirmed id out; " + scenario.ledger.verdict())
                      .isTrue());
    } catch (ConditionTimeoutException missing) {
      Ledger.Verdict verdict = scenario.ledger.verdict();
      long unclaimed = unclaimedUnacked(scenario.inputQueue);
      if (verdict.lost() == 0
          || verdict.lost() > unclaimed
          || verdict.unexpected() > 0
          || unclaimed > Scenario.PREFETCH) {
        throw new AssertionError(
            missing.getMessage()
                + "\nunacknowledged in the input queue that no channel claims: "
                + unclaimed
                + diagnosis(null, replicas),
            missing);
      }
      // Not the broker's: RabbitMQ's quorum queue holds them for a consumer that no longer exists
      // (rabbitmq-server#15473), and no client can settle another channel's deliveries.
      System.err.printf(
          "%s: RabbitMQ holds %d confirmed messages unacknowledged that no channel claims"
              + " (%d missing); accepted as orphaned by RabbitMQ, not lost%n",
          scenario.id, unclaimed, verdict.lost());
      scenario.acceptOrphanedByRabbitMq(verdict.lost(), unclaimed);
    }
    for (int i = 0; i < replicas.length - 1; i++) {
      assertThat(replicas[i].terminate(Duration.ofSeconds(60)))
          .as("exit code of %s:%n%s", i, replicas[i].tail())
          .isZero();
    }
    return scenario.finish(last, DRAIN);
  }

  @Test
  @Order(1)
  @DisplayName("C1. Two replicas, no fault: each message once, conversations agree across replicas")
  void replicasShareTheWork() throws Exception {
    try (Scenario scenario = scenario("c01-replicas", "none (two replicas, sticky)")) {
      BrokerProcess a = replica(scenario, "a");
      BrokerProcess b = replica(scenario, "b");
      a.awaitReady();
      b.awaitReady();
      scenario.load("m", 0, 6_000).start().awaitDone(Duration.ofMinutes(3));
      await("every message out").atMost(FAULT_WAIT).until(scenario.ledger::allConfirmedSeen);

      Map<String, Integer> byReplica = scenario.ledger.routedByOf(scenario.id);
      Map<String, java.util.Set<String>> agentsByClient = new HashMap<>();
      for (int i = 0; i < 6_000; i++) {
        String id = String.format("%s-m-%06d", scenario.id, i);
        String client = String.format("web_%08x", Math.floorMod(id.hashCode(), 64));
        agentsByClient
            .computeIfAbsent(client, key -> new java.util.TreeSet<>())
            .add(scenario.ledger.receiverOf(id));
      }
      long split = agentsByClient.values().stream().filter(agents -> agents.size() > 1).count();
      scenario.put("routedByReplica", byReplica);
      scenario.put("clients", agentsByClient.size());
      scenario.put("clientsOnMoreThanOneAgent", split);
      scenario.put("consumerNodes", List.of(nodeOf(a), nodeOf(b)));

      Ledger.Verdict verdict = finish(scenario, a, b);

      scenario.assertPasses(verdict, 0);
      assertThat(byReplica).as("both replicas routed").hasSize(2);
      assertThat(split).as("clients whose messages went to more than one agent").isZero();
    }
  }

  @Test
  @Order(2)
  @DisplayName("C2. kill -9 of the node that leads the input queue, then started again")
  void leaderKilled() throws Exception {
    try (Scenario scenario =
        scenario("c02-leader-kill9", "SIGKILL of the input queue's leader node, restarted")) {
      BrokerProcess a = replica(scenario, "a");
      BrokerProcess b = replica(scenario, "b");
      LoadPublisher load = scenario.startFlowingLoad(RATE, 1_000, FAULT_WAIT, a, b);

      PrivateRabbitNode leader = cluster.leaderOf(scenario.inputQueue);
      scenario.put("killedNode", leader.node());
      scenario.put("consumerNodesBefore", List.of(nodeOf(a), nodeOf(b)));
      long killedAt = System.nanoTime();
      leader.kill9();
      scenario.recordRecoveryAfter(killedAt, FAULT_WAIT);
      scenario.put("newLeader", cluster.leaderOf(scenario.inputQueue).node());

      long restartedAt = System.nanoTime();
      leader.startAgain();
      cluster.awaitRunning();
      scenario.put("nodeRestartSeconds", Scenario.round(Scenario.secondsSince(restartedAt)));
      scenario.awaitMoreDeliveries(500, FAULT_WAIT);
      load.stop();

      Ledger.Verdict verdict = finish(scenario, a, b);

      scenario.assertPasses(verdict, 2L * Scenario.PREFETCH);
      assertThat(a.count("ready: consuming") + b.count("ready: consuming"))
          .as("no replica restarted")
          .isEqualTo(2);
    }
  }

  @Test
  @Order(3)
  @DisplayName("C3. A node stopped (rabbitmqctl stop) under load and started again")
  void nodeStoppedAndStarted() throws Exception {
    try (Scenario scenario =
        scenario("c03-node-stop-start", "a node stopped and started under load")) {
      BrokerProcess a = replica(scenario, "a");
      BrokerProcess b = replica(scenario, "b");
      LoadPublisher load = scenario.startFlowingLoad(RATE, 1_000, FAULT_WAIT, a, b);

      // The node replica a consumes from, so the stop cuts a replica off for sure.
      PrivateRabbitNode stopped = nodeOnPort(nodeOf(a));
      scenario.put("stoppedNode", stopped.node());
      long stoppedAt = System.nanoTime();
      stopped.stop();
      scenario.recordRecoveryAfter(stoppedAt, FAULT_WAIT);
      scenario.put("consumerNodesWhileStopped", List.of(nodeOf(a), nodeOf(b)));

      stopped.startAgain();
      cluster.awaitRunning();
      scenario.awaitMoreDeliveries(500, FAULT_WAIT);
      load.stop();

      Ledger.Verdict verdict = finish(scenario, a, b);

      scenario.assertPasses(verdict, 2L * Scenario.PREFETCH);
    }
  }

  @Test
  @Order(4)
  @DisplayName("C4. kill -9 of one replica under load; the other carries on; restarted")
  void replicaKilled() throws Exception {
    try (Scenario scenario =
        scenario("c04-replica-kill9", "SIGKILL of one replica under load, restarted")) {
      BrokerProcess a = replica(scenario, "a");
      BrokerProcess b = replica(scenario, "b");
      LoadPublisher load = scenario.startFlowingLoad(RATE, 1_000, FAULT_WAIT, a, b);

      long killedAt = System.nanoTime();
      a.kill();
      scenario.recordRecoveryAfter(killedAt, FAULT_WAIT);
      BrokerProcess again = replica(scenario, "a");
      again.awaitReady();
      scenario.awaitMoreDeliveries(500, FAULT_WAIT);
      load.stop();

      Ledger.Verdict verdict = finish(scenario, again, b);

      scenario.assertPasses(verdict, Scenario.PREFETCH);
      assertThat(b.count("ready: consuming")).as("the other replica never restarted").isEqualTo(1);
    }
  }

  @Test
  @Order(5)
  @DisplayName("C5. Rolling restart of both replicas by SIGTERM under load: nothing duplicated")
  void rollingRestart() throws Exception {
    try (Scenario scenario =
        scenario("c05-rolling-restart", "SIGTERM and restart of each replica in turn")) {
      BrokerProcess a = replica(scenario, "a");
      BrokerProcess b = replica(scenario, "b");
      LoadPublisher load = scenario.startFlowingLoad(RATE, 1_000, FAULT_WAIT, a, b);

      List<BrokerProcess> running = new ArrayList<>(List.of(a, b));
      for (int i = 0; i < 2; i++) {
        BrokerProcess old = running.get(i);
        long termAt = System.nanoTime();
        assertThat(old.terminate(FAULT_WAIT)).as("exit code:%n%s", old.tail()).isZero();
        scenario.put("shutdownSeconds" + i, Scenario.round(Scenario.secondsSince(termAt)));
        BrokerProcess fresh = replica(scenario, i == 0 ? "a" : "b");
        fresh.awaitReady();
        running.set(i, fresh);
        scenario.recordRecovery(Scenario.secondsSince(termAt));
        scenario.awaitMoreDeliveries(500, FAULT_WAIT);
      }
      load.stop();

      Ledger.Verdict verdict = finish(scenario, running.get(0), running.get(1));

      scenario.assertPasses(verdict, 0);
    }
  }

  @Test
  @Order(6)
  @DisplayName("C6. Network split of one node: cut off from the cluster and from the brokers")
  void networkSplit() throws Exception {
    try (Scenario scenario =
            scenario(
                "c06-network-split",
                "one node partitioned from the other nodes and the brokers, then healed");
        TcpProxy p0 = TcpProxy.to(cluster.nodes().get(0).port());
        TcpProxy p1 = TcpProxy.to(cluster.nodes().get(1).port());
        TcpProxy p2 = TcpProxy.to(cluster.nodes().get(2).port())) {
      List<TcpProxy> proxies = List.of(p0, p1, p2);
      String viaProxies = RabbitCluster.addresses(List.of(p0.port(), p1.port(), p2.port()));
      // Heartbeat 2 s: a silent connection is given up after ~4.5 s.
      BrokerProcess a = replicaOn(viaProxies, scenario, "a", "--rabbitmq-heartbeat", "2s");
      BrokerProcess b = replicaOn(viaProxies, scenario, "b", "--rabbitmq-heartbeat", "2s");
      LoadPublisher load = scenario.startFlowingLoad(RATE, 1_000, FAULT_WAIT, a, b);

      // Split off the node replica a consumes from.
      int proxied = Integer.parseInt(nodeOf(a));
      int index = List.of(p0.port(), p1.port(), p2.port()).indexOf(proxied);
      PrivateRabbitNode island = cluster.nodes().get(index);
      scenario.put("splitNode", island.node());
      int lostBefore = a.count("connection lost");
      long splitAt = System.nanoTime();
      proxies.get(index).blackhole();
      cluster.partition(island);
      long healedAt;
      try {
        a.awaitCount("connection lost", lostBefore + 1, FAULT_WAIT);
        scenario.recordDetection(Scenario.secondsSince(splitAt));
        await("the island paused (pause_minority)")
            .atMost(FAULT_WAIT)
            .until(() -> !island.acceptsConnections());
        try {
          scenario.recordRecoveryAfter(System.nanoTime(), FAULT_WAIT);
        } catch (AssertionError | ConditionTimeoutException stalled) {
          throw new AssertionError(stalled.getMessage() + diagnosis(island, a, b), stalled);
        }
        scenario.put("consumerNodesDuringSplit", List.of(nodeOf(a), nodeOf(b)));
      } finally {
        cluster.heal(island);
        proxies.get(index).restore();
        healedAt = System.nanoTime();
      }
      await("the island serves again").atMost(FAULT_WAIT).until(island::acceptsConnections);
      cluster.awaitRunning();
      scenario.put("healSeconds", Scenario.round(Scenario.secondsSince(healedAt)));
      scenario.awaitMoreDeliveries(500, FAULT_WAIT);
      load.stop();

      Ledger.Verdict verdict = finish(scenario, a, b);

      scenario.assertPasses(verdict, 2L * Scenario.PREFETCH);
      assertThat(a.output()).as("the cause is named").contains("MissedHeartbeatException");
    }
  }

  /**
   * Messages of {@code queue} that RabbitMQ counts as unacknowledged minus those every channel in
   * the cluster says it holds: deliveries orphaned by the queue, which no consumer can settle.
   */
  private static long unclaimedUnacked(String queue) {
    try {
      PrivateRabbitNode node = cluster.anyRunning();
      long inQueue = 0;
      for (String line :
          node.ctl("list_queues", "-q", "--no-table-headers", "name", "messages_unacknowledged")
              .split("\n")) {
        String[] columns = line.strip().split("\\s+");
        if (columns.length == 2 && columns[0].equals(queue)) {
          inQueue = Long.parseLong(columns[1]);
        }
      }
      long onChannels = 0;
      for (String line :
          node.ctl("list_channels", "-q", "--no-table-headers", "messages_unacknowledged")
              .split("\n")) {
        if (!line.isBlank()) {
          onChannels += Long.parseLong(line.strip());
        }
      }
      return Math.max(0, inQueue - onChannels);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      return 0;
    } catch (IOException | RuntimeException unreadable) {
      System.err.println("could not count unclaimed deliveries: " + unreadable);
      return 0;
    }
  }

  /**
   * What a stall looks like from every side, for a failure message: the queues as a running node
   * other than {@code island} sees them (leader, online members, depth, consumers), and the
   * replicas' logs.
   */
  private static String diagnosis(@Nullable PrivateRabbitNode island, BrokerProcess... replicas) {
    StringBuilder text = new StringBuilder();
    for (PrivateRabbitNode node : cluster.nodes()) {
      if (node == island) {
        continue;
      }
      try {
        text.append("\nqueues seen by ")
            .append(node.node())
            .append(":\n")
            .append(
                node.ctl(
                    "list_queues",
                    "name",
                    "leader",
                    "online",
                    "messages_ready",
                    "messages_unacknowledged",
                    "consumers"));
        break;
      } catch (IOException | InterruptedException | RuntimeException unreachable) {
        text.append("\n").append(node.node()).append(" unreachable: ").append(unreachable);
      }
    }
    for (int i = 0; i < replicas.length; i++) {
      text.append("\nreplica ").append(i).append(" log tail:\n").append(replicas[i].tail());
    }
    return text.toString();
  }

  @Test
  @Order(7)
  @DisplayName("C7. A message that kills the broker: dead-lettered after --max-deliveries")
  void poisonThatKillsTheProcess() throws Exception {
    int maxDeliveries = 5;
    try (Scenario scenario =
        scenario(
            "c07-poison-kills",
            "a message whose routing halts the JVM, replicas restarted like systemd does")) {
      String poison = scenario.id + "-poison-pill";
      List<String> rabbit =
          List.of("--rabbitmq-addresses", cluster.addresses(), "--queue-type", "quorum");
      List<String> options =
          List.of("--log-level", "debug", "--max-deliveries", String.valueOf(maxDeliveries));
      List<BrokerProcess> replicas = new ArrayList<>();
      for (String name : List.of("a", "b")) {
        replicas.add(
            scenario.startPoisonableReplica(central.port(), name, rabbit, options, poison));
      }
      for (BrokerProcess replica : replicas) {
        replica.awaitReady();
      }
      scenario.load("before", 0, 500).start().awaitDone(FAULT_WAIT);
      await("the load before routed").atMost(FAULT_WAIT).until(scenario.ledger::allConfirmedSeen);

      // Alone in the queue, so no innocent message shares its redeliveries (see reliability.md).
      scenario.publishRaw(poison, LoadPublisher.body(poison));
      int[] crashes = {0};
      await()
          .atMost(Duration.ofMinutes(4))
          .untilAsserted(
              () -> {
                // The supervisor: a replica that died is started again, as systemd or Kubernetes
                // do.
                crashes[0] += restartDead(scenario, replicas, rabbit, options, poison);
                assertThat(scenario.ledger.deadLetterCount(poison))
                    .as(() -> "the poison dead-lettered; " + crashes[0] + " crashes so far")
                    .isPositive();
              });
      for (BrokerProcess replica : replicas) {
        replica.awaitReady();
      }
      scenario.load("after", 0, 500).start().awaitDone(FAULT_WAIT);

      Ledger.Verdict verdict = finish(scenario, replicas.toArray(new BrokerProcess[0]));

      scenario.put("maxDeliveries", maxDeliveries);
      scenario.put("crashes", crashes[0]);
      scenario.put("poisonReason", scenario.ledger.deadLetterReason(poison));
      scenario.assertPasses(verdict, 0);
      assertThat(scenario.ledger.deadLetterReason(poison)).isEqualTo("redelivered-too-often");
      assertThat(scenario.ledger.deadLetterCount(poison)).isEqualTo(1);
      assertThat(scenario.ledger.deliveryCount(poison)).as("never routed").isZero();
      assertThat(crashes[0]).as("crashes before the guard took it").isEqualTo(maxDeliveries);
      assertThat(verdict.deadLettered()).as("only the poison dead-lettered").isEqualTo(1);
    }
  }

  /** Starts again every replica that died; returns how many had (each must have been halted). */
  private int restartDead(
      Scenario scenario,
      List<BrokerProcess> replicas,
      List<String> rabbit,
      List<String> options,
      String poison) {
    int restarted = 0;
    try {
      for (int i = 0; i < replicas.size(); i++) {
        BrokerProcess replica = replicas.get(i);
        if (!replica.isAlive()) {
          assertThat(replica.awaitExit(Duration.ofSeconds(10)))
              .as("a crash by the poison pill:%n%s", replica.tail())
              .isEqualTo(PoisonPillBroker.HALT_STATUS);
          restarted++;
          replicas.set(
              i,
              scenario.startPoisonableReplica(
                  central.port(), i == 0 ? "a" : "b", rabbit, options, poison));
        }
      }
    } catch (IOException | InterruptedException failed) {
      throw new IllegalStateException("restarting a replica", failed);
    }
    return restarted;
  }

  /** The port of the node replica's consumer connected to last, from its log. */
  private static String nodeOf(BrokerProcess broker) {
    Matcher matcher = CONNECTED.matcher(broker.output());
    String port = null;
    while (matcher.find()) {
      port = matcher.group(1);
    }
    Matcher restored =
        Pattern.compile("RabbitMQ consumer channel restored at 127\\.0\\.0\\.1:(\\d+)")
            .matcher(broker.output());
    int last = -1;
    while (restored.find()) {
      if (restored.start() > last) {
        last = restored.start();
        port = restored.group(1);
      }
    }
    return String.valueOf(port);
  }

  private static PrivateRabbitNode nodeOnPort(String port) {
    for (PrivateRabbitNode node : cluster.nodes()) {
      if (String.valueOf(node.port()).equals(port)) {
        return node;
      }
    }
    throw new IllegalArgumentException("no node on port " + port);
  }
}
