package dev.acs.broker.app.sandbox.demo;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.acs.broker.app.config.BrokerConfig;
import dev.acs.broker.app.config.RabbitMqLoginOptions;
import dev.acs.broker.app.config.RoutingPolicies;
import dev.acs.broker.app.lifecycle.ProcessSignals;
import dev.acs.broker.app.lifecycle.ShutdownSignal;
import dev.acs.broker.app.logging.LogSetup;
import dev.acs.broker.app.sandbox.simulate.FleetOptions;
import dev.acs.broker.app.sandbox.simulate.Simulation;
import dev.acs.broker.app.sandbox.simulate.StandInCentralServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
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

  private static final String AGENT_PREFIX = "demo_agent_";

  @Spec private @Nullable CommandSpec spec;

  @Mixin private FleetOptions fleet = new FleetOptions("4", "20", "200ms", "0.02");

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
    try (DemoAmqp amqp = DemoAmqp.start(rabbitHost, login, commandSpec(), out)) {
      return run(out, amqp, demo, startedAt, ticker);
    } finally {
      ticker.shutdownNow();
      demo.markStopped();
    }
  }

  private int run(
      PrintWriter out,
      DemoAmqp amqp,
      ShutdownSignal demo,
      long startedAt,
      ScheduledExecutorService ticker)
      throws Exception {
    Simulation.Settings settings = settings(amqp);
    try (StandInCentralServer central = StandInCentralServer.start(0);
        Connection connection = amqp.factory().newConnection("broker demo");
        Simulation simulation = Simulation.start(central, connection, settings);
        DemoBroker broker = DemoBroker.start(amqp, central.port(), routingPolicy, logLevel)) {
      try (Channel probe = connection.createChannel()) {
        String input = settings.inputQueue();
        awaitCondition(
            Duration.ofSeconds(60),
            () -> broker.isDone() || demo.isRequested() || consumers(probe, input) > 0);
      }
      if (broker.isDone()) {
        throw broker.stoppedEarly();
      }
      if (demo.isRequested()) {
        broker.stop();
        out.println("Stopped during start-up (" + demo.reason() + ")");
        return 0;
      }
      Duration duration = fleet.duration();
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
      long deadLettered = depth(connection, amqp.deadLetterQueue());
      broker.stop();
      out.println();
      out.print(DemoProgress.summary(stats, deadLettered, trafficNanos, demo.reason()));
      out.flush();
      return 0;
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
      // The queue names come with the AMQP side, started later; the load is checked now.
      fleet.settings(AGENT_PREFIX, "", "");
      if (rabbitHost != null && !rabbitHost.isBlank()) {
        login.password(commandSpec());
      }
    } catch (IllegalArgumentException invalid) {
      throw new ParameterException(commandSpec().commandLine(), invalid.getMessage(), invalid);
    }
  }

  private Simulation.Settings settings(DemoAmqp amqp) {
    return fleet.settings(AGENT_PREFIX, amqp.inputQueue(), amqp.outputQueue());
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
