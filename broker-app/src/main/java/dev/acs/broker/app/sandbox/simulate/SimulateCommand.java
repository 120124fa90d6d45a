package dev.acs.broker.app.sandbox.simulate;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.acs.broker.app.config.RabbitMqLoginOptions;
import dev.acs.broker.app.lifecycle.ProcessSignals;
import dev.acs.broker.app.lifecycle.ShutdownSignal;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code broker simulate} (issue #9): the rest of the system around a broker, on one machine. It
 * serves the {@link StandInCentralServer} on {@code --port} and runs a {@link Simulation}: agents
 * that turn busy while they "think" and answer every frontend message routed to them with a REPLY
 * on the broker's input queue, frontends that inject TEXT messages at {@code --rate}, optional
 * churn; it prints a summary every second and a report at the end.
 */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Runs a stand-in central server with simulated agents and frontends, for trying a"
            + " broker locally: start this, then 'broker run --grpc-host 127.0.0.1"
            + " --grpc-port PORT --rabbitmq-host 127.0.0.1'. The RabbitMQ and queue options fall"
            + " back on the same environment variables as 'broker run', so both terminals can"
            + " share one environment.")
public final class SimulateCommand implements Callable<Integer> {

  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

  @Spec private @Nullable CommandSpec spec;

  @Option(
      names = "--port",
      defaultValue = "50051",
      description = "gRPC port of the stand-in (0: any free port). Env: GRPC_PORT.")
  private int port;

  @Mixin private FleetOptions fleet = new FleetOptions("3", "1", "500ms", "0");

  @Option(
      names = "--rabbitmq-host",
      defaultValue = "127.0.0.1",
      description = "RabbitMQ host. Env: RABBITMQ_HOST.")
  private String rabbitHost = "127.0.0.1";

  @Mixin private RabbitMqLoginOptions login = new RabbitMqLoginOptions();

  @Option(
      names = "--input-queue",
      defaultValue = "broker_input_queue",
      description =
          "The broker's input queue (frontend messages and replies go here)."
              + " Env: BROKER_INPUT_QUEUE.")
  private String inputQueue = "broker_input_queue";

  @Option(
      names = "--output-queue",
      defaultValue = "server_input_queue",
      description =
          "The broker's output queue (consumed here, as the server would)."
              + " Env: BROKER_OUTPUT_QUEUE.")
  private String outputQueue = "server_input_queue";

  /** The simulation's settings from the options. */
  Simulation.Settings settings() {
    try {
      return fleet.settings("sim_agent_", inputQueue, outputQueue);
    } catch (IllegalArgumentException invalid) {
      throw new ParameterException(commandSpec().commandLine(), invalid.getMessage(), invalid);
    }
  }

  /** The RabbitMQ connection factory from the options. */
  ConnectionFactory connectionFactory() {
    try {
      return login.connectionFactory(rabbitHost, commandSpec());
    } catch (IllegalArgumentException invalid) {
      throw new ParameterException(commandSpec().commandLine(), invalid.getMessage(), invalid);
    }
  }

  @Override
  public Integer call() throws Exception {
    Simulation.Settings settings = settings();
    ConnectionFactory factory = connectionFactory();
    PrintWriter out = commandSpec().commandLine().getOut();
    ShutdownSignal signal = new ShutdownSignal();
    ProcessSignals.install(signal, Duration.ofSeconds(10));
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    try (StandInCentralServer central = StandInCentralServer.start(port);
        Connection connection = factory.newConnection("broker simulate");
        Simulation simulation = Simulation.start(central, connection, settings)) {
      out.printf(
          "Stand-in central server on 127.0.0.1:%d with %d agents; consuming %s, injecting %s"
              + " msg/s into %s%n",
          central.port(), settings.agents(), outputQueue, settings.rate(), inputQueue);
      out.flush();
      simulation.startInjecting();
      ticker.scheduleAtFixedRate(
          () -> {
            out.println(summary(simulation.stats(), central.subscriberCount()));
            out.flush();
          },
          1,
          1,
          TimeUnit.SECONDS);
      Duration duration = fleet.duration();
      if (!duration.isZero()) {
        ticker.schedule(
            () -> signal.request("--duration elapsed"), duration.toMillis(), TimeUnit.MILLISECONDS);
      }
      signal.awaitRequest();
      ticker.shutdownNow();
      simulation.stopInjecting();
      out.println();
      out.print(report(simulation.stats(), signal.reason()));
      out.flush();
      return 0;
    } finally {
      ticker.shutdownNow();
      signal.markStopped();
    }
  }

  /** The final report; its line shapes are what scripts and the integration test read. */
  static String report(Simulation.Stats stats, @Nullable String reason) {
    StringBuilder report = new StringBuilder();
    report.append("Final report (").append(reason).append(")\n");
    report.append(
        String.format(
            Locale.ROOT,
            "  frontend messages sent %d, routed to agents %d, broker errors %d%n",
            stats.sent(),
            stats.routedFrontend(),
            stats.errors()));
    report.append(
        String.format(
            Locale.ROOT,
            "  agent replies sent %d, replies delivered %d%n",
            stats.replies(),
            stats.routed() - stats.routedFrontend()));
    for (Map.Entry<String, Long> agent : stats.byAgent().entrySet()) {
      report.append(
          String.format(Locale.ROOT, "  %s handled %d%n", agent.getKey(), agent.getValue()));
    }
    report.append("  churn: agents paused or went offline ").append(stats.churnEvents());
    report.append(" times\n");
    report.append("  latency, publish to routed result: ").append(stats.latencySummary());
    report.append('\n');
    return report.toString();
  }

  private static String summary(Simulation.Stats stats, int subscribers) {
    return String.format(
        Locale.ROOT,
        "%s sent %d, routed %d, errors %d, replies %d, agents %s, brokers subscribed %d",
        LocalTime.now().format(CLOCK),
        stats.sent(),
        stats.routed(),
        stats.errors(),
        stats.replies(),
        stats.states(),
        subscribers);
  }

  private CommandSpec commandSpec() {
    return Objects.requireNonNull(spec, "spec is injected by picocli");
  }
}
