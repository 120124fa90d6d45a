package dev.acs.broker.app.sandbox.demo;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.acs.broker.adapter.amqp.AmqpSettings;
import dev.acs.broker.adapter.grpc.GrpcSettings;
import dev.acs.broker.app.config.BrokerConfig;
import dev.acs.broker.app.config.DurationConverter;
import dev.acs.broker.app.config.RabbitMqLoginOptions;
import dev.acs.broker.app.config.RoutingPolicies;
import dev.acs.broker.app.lifecycle.BrokerRunner;
import dev.acs.broker.app.lifecycle.ProcessSignals;
import dev.acs.broker.app.lifecycle.ShutdownSignal;
import dev.acs.broker.app.logging.LogSetup;
import dev.acs.broker.app.sandbox.simulate.Simulation;
import dev.acs.broker.app.sandbox.simulate.StandInCentralServer;
import dev.acs.broker.app.wiring.DaggerBrokerComponent;
import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.agent.Availability;
import dev.acs.broker.core.application.DecisionHeaders;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code broker demo} (issue #9): the whole system in one JVM, needing nothing but Java. An
 * embedded AMQP broker ({@link EmbeddedAmqpBroker}, or a real RabbitMQ with {@code
 * --rabbitmq-host}), the stand-in central server with simulated agents and frontends ({@link
 * Simulation}), and between them the real broker: the same Dagger graph as {@code broker run}, with
 * the real gRPC and AMQP adapters, pointed at 127.0.0.1. Prints a progress line every second and a
 * summary at the end.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Runs the whole system in this JVM: an embedded AMQP broker, a stand-in central server"
            + " with simulated agents and frontends, and the real broker routing between them."
            + " Needs nothing but Java. Shows progress every second and a summary at the end.")
public final class DemoCommand implements Callable<Integer> {

  private static final String INPUT_QUEUE = "broker_input_queue";
  private static final String OUTPUT_QUEUE = "server_input_queue";
  private static final String DEAD_LETTER_QUEUE = "broker_dead_letter_queue";

  @Spec private @Nullable CommandSpec spec;

  @Option(
      names = "--duration",
      paramLabel = "DURATION",
      defaultValue = "0s",
      converter = DurationConverter.class,
      description = "How long the traffic runs (e.g. 20s, 2m; 0s: until Ctrl-C or SIGTERM).")
  private Duration duration = Duration.ZERO;

  @Option(
      names = "--agents",
      paramLabel = "N",
      defaultValue = "4",
      description = "Number of simulated agents. Default: ${DEFAULT-VALUE}.")
  private int agents;

  @Option(
      names = "--rate",
      paramLabel = "PER_SECOND",
      defaultValue = "20",
      description = "Frontend messages per second. Default: ${DEFAULT-VALUE}.")
  private double rate;

  @Option(
      names = "--think-time",
      paramLabel = "DURATION",
      defaultValue = "200ms",
      converter = DurationConverter.class,
      description = "How long an agent works before it replies. Default: ${DEFAULT-VALUE}.")
  private Duration thinkTime = Duration.ofMillis(200);

  @Option(
      names = "--churn",
      paramLabel = "P",
      defaultValue = "0.02",
      description =
          "Chance per second and agent of pausing or going offline for 1 to 3 s."
              + " Default: ${DEFAULT-VALUE}.")
  private double churn;

  @Option(
      names = "--routing-policy",
      paramLabel = "POLICY",
      defaultValue = RoutingPolicies.DEFAULT,
      description = "The broker's routing policy, as for 'broker run'. Default: ${DEFAULT-VALUE}.")
  private String routingPolicy = RoutingPolicies.DEFAULT;

  @Option(
      names = "--rabbitmq-host",
      paramLabel = "HOST",
      description =
          "Use this RabbitMQ instead of the embedded broker. The demo then uses queues of its"
              + " own (demo_<random>_...), deleted at the end; it never touches the system's.")
  private @Nullable String rabbitHost;

  @Mixin private RabbitMqLoginOptions login = new RabbitMqLoginOptions();

  @Option(
      names = "--log-level",
      paramLabel = "LEVEL",
      defaultValue = "warn",
      description =
          "Level of the broker's own log lines (info shows its start and stop)."
              + " Default: ${DEFAULT-VALUE}.")
  private String logLevel = "warn";

  @Override
  public Integer call() throws Exception {
    validate();
    PrintWriter out = commandSpec().commandLine().getOut();
    LogSetup.apply(BrokerConfig.LogFormat.TEXT, logLevel.strip().toUpperCase(Locale.ROOT));
    ShutdownSignal demo = new ShutdownSignal();
    ProcessSignals.install(demo, Duration.ofSeconds(30));
    long startedAt = System.nanoTime();
    ScheduledExecutorService ticker =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "demo-progress");
              thread.setDaemon(true);
              return thread;
            });
    try (Amqp amqp = amqp(out)) {
      return run(out, settings(amqp.queueSuffix()), amqp, demo, startedAt, ticker);
    } finally {
      ticker.shutdownNow();
      demo.markStopped();
    }
  }

  private int run(
      PrintWriter out,
      Simulation.Settings settings,
      Amqp amqp,
      ShutdownSignal demo,
      long startedAt,
      ScheduledExecutorService ticker)
      throws Exception {
    ShutdownSignal brokerStop = new ShutdownSignal();
    CompletableFuture<Integer> broker = new CompletableFuture<>();
    try (StandInCentralServer central = StandInCentralServer.start(0);
        Connection connection = amqp.factory().newConnection("broker demo");
        Simulation simulation = Simulation.start(central, connection, settings)) {
      BrokerConfig config = brokerConfig(amqp, central.port());
      BrokerRunner runner = DaggerBrokerComponent.factory().create(config).runner();
      Thread routing =
          new Thread(
              () -> {
                try {
                  broker.complete(runner.run(brokerStop));
                } catch (Throwable failure) {
                  broker.completeExceptionally(failure);
                }
              },
              "broker-demo");
      routing.start();
      try (Channel probe = connection.createChannel()) {
        String input = settings.inputQueue();
        awaitCondition(
            Duration.ofSeconds(60),
            () -> broker.isDone() || demo.isRequested() || consumers(probe, input) > 0);
      }
      if (broker.isDone()) {
        broker.get();
        throw new IllegalStateException("the broker stopped during start-up");
      }
      if (demo.isRequested()) {
        stopBroker(brokerStop, broker, routing);
        out.println("Stopped during start-up (" + demo.reason() + ")");
        return 0;
      }
      out.printf(
          Locale.ROOT,
          "Broker routing after %.1f s: %d agents, %s msg/s from frontends, %s think time;"
              + " %s%n",
          seconds(System.nanoTime() - startedAt),
          settings.agents(),
          format(settings.rate()),
          settings.thinkTime().toMillis() + " ms",
          duration.isZero() ? "Ctrl-C to stop" : "running for " + duration.toSeconds() + " s");
      out.println("  held = taken by the broker, not routed yet (parked or in flight)");
      out.flush();
      long trafficFrom = System.nanoTime();
      simulation.startInjecting();
      DemoProgress progress = new DemoProgress(out, simulation, trafficFrom);
      ticker.scheduleAtFixedRate(progress::print, 1, 1, TimeUnit.SECONDS);
      if (!duration.isZero()) {
        ticker.schedule(
            () -> demo.request("--duration elapsed"), duration.toMillis(), TimeUnit.MILLISECONDS);
      }
      demo.awaitRequest();
      long trafficNanos = System.nanoTime() - trafficFrom;
      simulation.stopInjecting();
      // Let the last messages and replies through, so the summary counts what was sent.
      awaitCondition(
          settings.thinkTime().plusSeconds(5),
          () -> {
            Simulation.Stats now = simulation.stats();
            return broker.isDone()
                || (now.outstanding() == 0 && now.states().getOrDefault("busy", 0) == 0);
          });
      ticker.shutdownNow();
      progress.end();
      Simulation.Stats stats = simulation.stats();
      long deadLettered = depth(connection, DEAD_LETTER_QUEUE + amqp.queueSuffix());
      stopBroker(brokerStop, broker, routing);
      out.println();
      out.print(DemoProgress.summary(stats, deadLettered, trafficNanos, demo.reason()));
      out.flush();
      return 0;
    } finally {
      if (!broker.isDone()) {
        brokerStop.request("demo ending");
      }
    }
  }

  private void stopBroker(
      ShutdownSignal brokerStop, CompletableFuture<Integer> broker, Thread routing)
      throws InterruptedException, ExecutionException {
    brokerStop.request("demo ending");
    try {
      broker.get(20, TimeUnit.SECONDS);
    } catch (TimeoutException stuck) {
      routing.interrupt();
      throw new IllegalStateException("the broker did not stop within 20 s", stuck);
    }
  }

  /** Checks every option before anything starts. */
  private void validate() {
    try {
      if (!RoutingPolicies.names().contains(RoutingPolicies.normalize(routingPolicy))) {
        throw new IllegalArgumentException(
            "Unknown routing policy '"
                + routingPolicy
                + "'; use one of "
                + String.join(", ", RoutingPolicies.names()));
      }
      Level.check(logLevel);
      settings("");
      if (rabbitHost != null && !rabbitHost.isBlank()) {
        login.password(commandSpec());
      }
    } catch (IllegalArgumentException invalid) {
      throw new ParameterException(commandSpec().commandLine(), invalid.getMessage(), invalid);
    }
  }

  private Simulation.Settings settings(String queueSuffix) {
    return new Simulation.Settings(
        agents,
        "demo_agent_",
        thinkTime,
        rate,
        churn,
        INPUT_QUEUE + queueSuffix,
        OUTPUT_QUEUE + queueSuffix);
  }

  /** The broker's configuration: what {@code broker run} would parse, pointed at this JVM. */
  private BrokerConfig brokerConfig(Amqp amqp, int grpcPort) {
    String suffix = amqp.queueSuffix();
    return new BrokerConfig(
        new BrokerIdentity("broker_demo", "Broker-demo"),
        // broker run's defaults: a probe every 10 s with a 5 s deadline.
        GrpcSettings.defaults("127.0.0.1", grpcPort)
            .withLiveness(Duration.ofSeconds(10), Duration.ofSeconds(5)),
        AmqpSettings.builder()
            .host(amqp.host())
            .port(amqp.port())
            .username(amqp.username())
            .password(amqp.password())
            .virtualHost(amqp.virtualHost())
            .inputQueue(INPUT_QUEUE + suffix)
            .outputQueue(OUTPUT_QUEUE + suffix)
            .deadLetterQueue(DEAD_LETTER_QUEUE + suffix)
            .build(),
        Duration.ofSeconds(30),
        Duration.ofSeconds(10),
        RoutingPolicies.normalize(routingPolicy),
        Duration.ofSeconds(30),
        false,
        Duration.ofMinutes(5),
        Availability.parse(BrokerConfig.DEFAULT_ROUTABLE_STATES),
        BrokerConfig.LogFormat.TEXT,
        logLevel.strip().toUpperCase(Locale.ROOT),
        BrokerConfig.Admin.DISABLED,
        DecisionHeaders.FULL,
        BrokerConfig.Redelivery.DEFAULT,
        BrokerConfig.Interop.DEFAULTS);
  }

  /** The AMQP side: the embedded broker, or the RabbitMQ named on the command line. */
  private Amqp amqp(PrintWriter out) throws Exception {
    if (rabbitHost == null || rabbitHost.isBlank()) {
      out.println("Starting embedded AMQP broker (Apache Qpid Broker-J, in memory)...");
      out.flush();
      long from = System.nanoTime();
      EmbeddedAmqpBroker embedded = EmbeddedAmqpBroker.start();
      out.printf(
          Locale.ROOT,
          "Embedded AMQP broker ready on 127.0.0.1:%d after %.1f s%n",
          embedded.port(),
          seconds(System.nanoTime() - from));
      out.flush();
      return new Amqp(
          "127.0.0.1",
          embedded.port(),
          EmbeddedAmqpBroker.USERNAME,
          EmbeddedAmqpBroker.PASSWORD,
          "/",
          "",
          embedded);
    }
    String suffix = "_demo_" + UUID.randomUUID().toString().substring(0, 8);
    out.printf(
        Locale.ROOT,
        "Using RabbitMQ at %s:%d with queues *%s (deleted at the end)%n",
        rabbitHost,
        login.port(),
        suffix);
    out.flush();
    ConnectionFactory factory = login.connectionFactory(rabbitHost, commandSpec());
    return new Amqp(
        factory.getHost(),
        factory.getPort(),
        factory.getUsername(),
        factory.getPassword(),
        factory.getVirtualHost(),
        suffix,
        null);
  }

  /** Where the AMQP broker is; closing it stops the embedded one or deletes the demo's queues. */
  private record Amqp(
      String host,
      int port,
      String username,
      String password,
      String virtualHost,
      String queueSuffix,
      @Nullable AutoCloseable embedded)
      implements AutoCloseable {

    ConnectionFactory factory() {
      ConnectionFactory factory = new ConnectionFactory();
      factory.setHost(host);
      factory.setPort(port);
      factory.setUsername(username);
      factory.setPassword(password);
      factory.setVirtualHost(virtualHost);
      return factory;
    }

    @Override
    public void close() throws Exception {
      if (embedded != null) {
        embedded.close();
        return;
      }
      try (Connection connection = factory().newConnection("broker demo cleanup");
          Channel channel = connection.createChannel()) {
        for (String queue : List.of(INPUT_QUEUE, OUTPUT_QUEUE, DEAD_LETTER_QUEUE)) {
          channel.queueDelete(queue + queueSuffix);
        }
      }
    }
  }

  /** The log levels {@code --log-level} accepts. */
  private static final class Level {
    private static final List<String> NAMES = List.of("error", "warn", "info", "debug", "trace");

    static void check(String level) {
      if (!NAMES.contains(level.strip().toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException(
            "Invalid --log-level '" + level + "'; use " + String.join(", ", NAMES));
      }
    }
  }

  private static long consumers(Channel probe, String queue) {
    try {
      return probe.consumerCount(queue);
    } catch (IOException notYet) {
      return 0;
    }
  }

  private static long depth(Connection connection, String queue) {
    // A passive declare of a missing queue closes its channel: use a throwaway one.
    try (Channel channel = connection.createChannel()) {
      return channel.messageCount(queue);
    } catch (IOException | TimeoutException | RuntimeException missing) {
      return 0;
    }
  }

  private static void awaitCondition(Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean() && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static String format(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }

  private CommandSpec commandSpec() {
    return Objects.requireNonNull(spec, "spec is injected by picocli");
  }
}
