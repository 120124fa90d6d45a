package dev.acs.broker.app.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.MessageProperties;
import dev.acs.broker.app.BrokerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One scenario's world: unique queues on a RabbitMQ endpoint, a ledger with collectors on the
 * output and dead-letter queues, the brokers it started, and the numbers it reports.
 */
final class Scenario implements AutoCloseable {

  /** Where the measured numbers go, one JSON file per scenario. */
  static final Path REPORTS = Path.of("target", "reliability");

  /** The prefetch every scenario gives the broker: the most messages in flight at a fault. */
  static final int PREFETCH = 100;

  /**
   * Options every broker of the suite runs with. The suite's agents are queues that nobody answers
   * from, so dead-agent suspicion (issue 17) would suspect all of them once they have held work
   * unanswered for {@code --suspect-unanswered}: one after another, at moments that depend on the
   * machine's speed, moving conversations between agents and making the counts depend on timing.
   * The suite measures what faults of RabbitMQ and of replicas do; suspicion has its own tests
   * ({@code InteropRoutingTest}, {@code RealServerIT}).
   */
  private static final List<String> SUITE_OPTIONS = List.of("--suspect-agents", "off");

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  final String id;
  final String fault;
  final RabbitEndpoint endpoint;
  final String inputQueue;
  final String outputQueue;
  final String deadLetterQueue;
  final Ledger ledger = new Ledger();
  private final QueueCollector outputs;
  private final QueueCollector deadLetters;
  private final List<BrokerProcess> brokers = new ArrayList<>();
  private final List<Double> recoverySeconds = new ArrayList<>();
  private final List<Double> detectionSeconds = new ArrayList<>();
  private final Map<String, Object> extra = new LinkedHashMap<>();
  private final long startNanos = System.nanoTime();
  private int orphanedByRabbitMq;

  Scenario(String id, String fault, RabbitEndpoint endpoint) throws IOException, TimeoutException {
    this.id = id;
    this.fault = fault;
    this.endpoint = endpoint;
    String suffix = id + "_" + UUID.randomUUID().toString().substring(0, 6);
    inputQueue = "faults_in_" + suffix;
    outputQueue = "faults_out_" + suffix;
    deadLetterQueue = "faults_dead_" + suffix;
    try (Connection connection = endpoint.connect("setup " + id)) {
      Channel channel = connection.createChannel();
      // As the central server declares them (SPEC §3): durable, no arguments; on a cluster with
      // quorum queues, as every service must declare them there (docs/scaling.md).
      channel.queueDeclare(inputQueue, true, false, false, endpoint.declareArguments());
      channel.queueDeclare(outputQueue, true, false, false, endpoint.declareArguments());
    }
    outputs = new QueueCollector(endpoint, outputQueue, QueueCollector.Kind.OUTPUT, ledger).start();
    deadLetters =
        new QueueCollector(endpoint, deadLetterQueue, QueueCollector.Kind.DEAD_LETTERS, ledger)
            .start();
  }

  /** The broker's queue options. */
  List<String> queueOptions() {
    return List.of(
        "--input-queue", inputQueue,
        "--output-queue", outputQueue,
        "--dead-letter-queue", deadLetterQueue,
        "--prefetch", String.valueOf(PREFETCH));
  }

  /**
   * Starts a broker against {@code grpcPort} and {@code rabbitPort} with these extra options. The
   * log goes to {@code target/reliability/logs/<scenario>-<n>.log}.
   */
  BrokerProcess startBroker(int grpcPort, int rabbitPort, List<String> extra) throws IOException {
    return startBroker(grpcPort, rabbitPort, extra, Map.of());
  }

  BrokerProcess startBroker(
      int grpcPort, int rabbitPort, List<String> extraOptions, Map<String, String> environment)
      throws IOException {
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "--grpc-host",
            "127.0.0.1",
            "--grpc-port",
            String.valueOf(grpcPort),
            "--rabbitmq-host",
            "127.0.0.1",
            "--rabbitmq-port",
            String.valueOf(rabbitPort),
            "--broker-id",
            "broker_" + id,
            "--broker-name",
            "faults-" + id,
            "--snapshot-timeout",
            "60s"));
    args.addAll(queueOptions());
    args.addAll(SUITE_OPTIONS);
    args.addAll(extraOptions);
    List<String> command = new ArrayList<>();
    command.add("run");
    command.addAll(args);
    BrokerProcess broker =
        BrokerProcess.start(
            command,
            environment,
            REPORTS.resolve("logs").resolve(id + "-" + (brokers.size() + 1) + ".log"));
    brokers.add(broker);
    return broker;
  }

  /**
   * Starts one of several broker replicas: its own id and name ({@code
   * broker_<scenario>-<replica>}), {@code rabbitOptions} saying where RabbitMQ is (e.g. {@code
   * --rabbitmq-addresses}), the scenario's queues, and {@code extraOptions}. The log goes to {@code
   * target/reliability/logs/<scenario>-<replica>-<n>.log}.
   */
  BrokerProcess startReplica(
      int grpcPort, String replica, List<String> rabbitOptions, List<String> extraOptions)
      throws IOException {
    BrokerProcess broker =
        BrokerProcess.start(
            replicaCommand(grpcPort, replica, rabbitOptions, extraOptions),
            Map.of(),
            replicaLog(replica));
    brokers.add(broker);
    return broker;
  }

  /**
   * Like {@link #startReplica}, through the test-scope {@link PoisonPillBroker}, which halts the
   * JVM on the decision to deliver a message whose log line contains {@code marker}.
   */
  BrokerProcess startPoisonableReplica(
      int grpcPort,
      String replica,
      List<String> rabbitOptions,
      List<String> extraOptions,
      String marker)
      throws IOException {
    BrokerProcess broker =
        BrokerProcess.startMain(
            PoisonPillBroker.class.getName(),
            List.of("-Dpoison.marker=" + marker),
            replicaCommand(grpcPort, replica, rabbitOptions, extraOptions),
            Map.of(),
            replicaLog(replica));
    brokers.add(broker);
    return broker;
  }

  private List<String> replicaCommand(
      int grpcPort, String replica, List<String> rabbitOptions, List<String> extraOptions) {
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            "run",
            "--grpc-host",
            "127.0.0.1",
            "--grpc-port",
            String.valueOf(grpcPort),
            "--broker-id",
            "broker_" + id + "-" + replica,
            "--broker-name",
            "faults-" + id + "-" + replica,
            "--snapshot-timeout",
            "60s"));
    command.addAll(rabbitOptions);
    command.addAll(queueOptions());
    command.addAll(SUITE_OPTIONS);
    command.addAll(extraOptions);
    return command;
  }

  private Path replicaLog(String replica) {
    return REPORTS
        .resolve("logs")
        .resolve(id + "-" + replica + "-" + (brokers.size() + 1) + ".log");
  }

  /** A load publisher on the input queue (not yet started). */
  LoadPublisher load(String prefix, int ratePerSecond, int limit) {
    return new LoadPublisher(endpoint, inputQueue, ledger, id + "-" + prefix, ratePerSecond, limit);
  }

  /** Publishes a raw body with {@code id} as its message id and waits for the confirm. */
  void publishRaw(String id, byte[] body) throws IOException, TimeoutException {
    try (Connection connection = endpoint.connect("raw " + this.id)) {
      Channel channel = connection.createChannel();
      channel.confirmSelect();
      AMQP.BasicProperties properties =
          MessageProperties.PERSISTENT_BASIC.builder().messageId(id).build();
      ledger.attempted(List.of(id));
      channel.basicPublish("", inputQueue, properties, body);
      channel.waitForConfirmsOrDie(20_000);
      ledger.confirmed(List.of(id));
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IOException(interrupted);
    }
  }

  /**
   * Waits until the brokers are ready, starts endless load at {@code ratePerSecond} and returns
   * once {@code deliveries} outputs arrived: the flow a fault then interrupts.
   */
  LoadPublisher startFlowingLoad(
      int ratePerSecond, long deliveries, Duration timeout, BrokerProcess... brokers) {
    for (BrokerProcess broker : brokers) {
      broker.awaitReady();
    }
    LoadPublisher load = load("m", ratePerSecond, Integer.MAX_VALUE).start();
    awaitDeliveries(deliveries, timeout);
    return load;
  }

  /** Waits until at least {@code atLeast} outputs arrived in all. */
  void awaitDeliveries(long atLeast, Duration timeout) {
    await()
        .atMost(timeout)
        .untilAsserted(
            () ->
                assertThat(ledger.deliveries() >= atLeast)
                    .as(atLeast + " deliveries, got " + ledger.deliveries())
                    .isTrue());
  }

  /**
   * Waits for an output seen after {@code sinceNanos} and returns the time from then, in seconds:
   * how long the flow took to resume after a fault ended.
   */
  double awaitFlowAfter(long sinceNanos, Duration timeout) {
    await()
        .atMost(timeout)
        .untilAsserted(
            () ->
                assertThat(ledger.lastOutputNanos() - sinceNanos > 0)
                    .as("an output after the fault (" + ledger.deliveries() + " so far)")
                    .isTrue());
    return (ledger.lastOutputNanos() - sinceNanos) / 1e9;
  }

  /** Waits until {@code more} outputs arrived beyond those counted so far. */
  void awaitMoreDeliveries(long more, Duration timeout) {
    awaitDeliveries(ledger.deliveries() + more, timeout);
  }

  /**
   * Records as a recovery how long after {@code sinceNanos} (the end of a fault) outputs flowed
   * again, then waits for 500 more: the flow has resumed for real before the next step.
   */
  void recordRecoveryAfter(long sinceNanos, Duration timeout) {
    recordRecovery(awaitFlowAfter(sinceNanos, timeout));
    awaitMoreDeliveries(500, timeout);
  }

  /**
   * Waits for an output after this call (a restarted or reconnected broker routes again) and
   * records as a recovery the time since {@code faultNanos}, when the fault struck.
   */
  void recordRecoverySince(long faultNanos, Duration timeout) {
    awaitFlowAfter(System.nanoTime(), timeout);
    recordRecovery(secondsSince(faultNanos));
  }

  void recordRecovery(double seconds) {
    recoverySeconds.add(round(seconds));
  }

  void recordDetection(double seconds) {
    detectionSeconds.add(round(seconds));
  }

  void put(String key, Object value) {
    extra.put(key, value);
  }

  /**
   * Accepts that RabbitMQ itself holds {@code count} confirmed messages unacknowledged with no
   * channel that claims them, which quorum queues do after some partitions (rabbitmq-server#15473:
   * one consumer's prefetch window, orphaned until RabbitMQ restarts that queue's state). They are
   * still in the input queue, so not lost by the broker; the caller has checked that the queue's
   * unclaimed count covers every missing id. Recorded in the report.
   */
  void acceptOrphanedByRabbitMq(int count, long unclaimedInInput) {
    orphanedByRabbitMq = count;
    extra.put("orphanedByRabbitMq", count);
    extra.put("unclaimedUnackedInInput", unclaimedInInput);
  }

  /** Every confirmed id came out, but for those RabbitMQ was accepted to hold orphaned. */
  boolean allAccountedFor() {
    return orphanedByRabbitMq == 0
        ? ledger.allConfirmedSeen()
        : ledger.verdict().lost() <= orphanedByRabbitMq;
  }

  /**
   * Waits until every confirmed id came out, stops the last broker with SIGTERM (exit 0), waits
   * until the input queue is empty and the collectors drained the outputs, and returns the check.
   */
  Ledger.Verdict finish(BrokerProcess broker, Duration timeout)
      throws IOException, InterruptedException, TimeoutException {
    await()
        .atMost(timeout)
        .untilAsserted(
            () ->
                assertThat(allAccountedFor())
                    .as("every confirmed id out; " + ledger.verdict())
                    .isTrue());
    int exit = broker.terminate(Duration.ofSeconds(60));
    assertThat(exit).as("exit code after SIGTERM:\n%s", broker.tail()).isZero();
    await("input queue empty and outputs drained")
        .atMost(Duration.ofSeconds(60))
        .until(
            // Orphaned deliveries that RabbitMQ returns once the brokers are gone stay ready.
            () ->
                depth(inputQueue) <= orphanedByRabbitMq
                    && depth(outputQueue) == 0
                    && depth(deadLetterQueue) == 0);
    return ledger.verdict();
  }

  /** Messages ready in a queue (no consumer holds any after the broker stopped). */
  long depth(String queue) {
    try (Connection connection = endpoint.connect("depth " + id)) {
      return connection.createChannel().queueDeclarePassive(queue).getMessageCount();
    } catch (IOException | TimeoutException e) {
      return -1;
    }
  }

  /** Writes {@code target/reliability/<id>.json} and prints one {@code RELIABILITY} line. */
  void report(Ledger.Verdict verdict, long duplicateBound) throws IOException {
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("scenario", id);
    report.put("fault", fault);
    report.put("messages", verdict.confirmed());
    report.put("attempted", verdict.attempted());
    report.put("delivered", verdict.delivered());
    report.put("lost", verdict.lost());
    report.put("duplicated", verdict.duplicated());
    report.put("duplicateBound", duplicateBound);
    report.put("unexpected", verdict.unexpected());
    report.put("deadLettered", verdict.deadLettered());
    report.put("errorOutputs", verdict.errorOutputs());
    report.put("recoverySeconds", recoverySeconds);
    report.put("detectionSeconds", detectionSeconds);
    report.put("seconds", round((System.nanoTime() - startNanos) / 1e9));
    report.putAll(extra);
    Files.createDirectories(REPORTS);
    Files.writeString(REPORTS.resolve(id + ".json"), JSON.writeValueAsString(report));
    String line = new ObjectMapper().writeValueAsString(report);
    Files.writeString(
        REPORTS.resolve("results.jsonl"),
        line + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    System.out.println("RELIABILITY " + line);
  }

  /** The check every scenario passes: nothing lost, nothing unexpected, duplicates bounded. */
  void assertPasses(Ledger.Verdict verdict, long duplicateBound) throws IOException {
    report(verdict, duplicateBound);
    assertThat(verdict.lost())
        .as(
            "lost, e.g. %s (RabbitMQ holds %s orphaned)",
            verdict.lostExamples(), orphanedByRabbitMq)
        .isLessThanOrEqualTo(orphanedByRabbitMq);
    assertThat(verdict.unexpected())
        .as("unexpected, e.g. %s", verdict.unexpectedExamples())
        .isZero();
    assertThat(verdict.duplicated()).as("duplicates").isLessThanOrEqualTo(duplicateBound);
    assertThat(verdict.confirmed()).as("messages confirmed into the input").isPositive();
  }

  /** Seconds to two decimals, as the reports show them. */
  static double round(double seconds) {
    return Math.round(seconds * 100) / 100.0;
  }

  @Override
  public void close() {
    for (BrokerProcess broker : brokers) {
      broker.close();
    }
    outputs.close();
    deadLetters.close();
    try (Connection connection = endpoint.connect("cleanup " + id)) {
      for (String queue : List.of(inputQueue, outputQueue, deadLetterQueue)) {
        Channel channel = connection.createChannel();
        channel.queueDelete(queue);
        channel.close(200, "done");
      }
    } catch (IOException | TimeoutException unreachable) {
      // The node is stopped with the suite anyway.
    }
  }

  /** Converts nanoseconds elapsed since {@code since} to seconds. */
  static double secondsSince(long since) {
    return (System.nanoTime() - since) / (double) TimeUnit.SECONDS.toNanos(1);
  }
}
