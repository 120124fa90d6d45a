package dev.acs.broker.app.sandbox.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.ConnectionFactory;
import dev.acs.broker.app.cli.BrokerCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

class SimulateCommandTest {

  private static SimulateCommand parse(Map<String, String> environment, String... args) {
    CommandLine cli = BrokerCli.commandLine(environment, config -> 0);
    String[] all = new String[args.length + 1];
    all[0] = "simulate";
    System.arraycopy(args, 0, all, 1, args.length);
    cli.parseArgs(all);
    return cli.getSubcommands().get("simulate").getCommand();
  }

  @Test
  void rabbitMqAndQueueOptions_fallBackOnTheBrokersEnvironmentVariables() {
    SimulateCommand command =
        parse(
            Map.of(
                "RABBITMQ_HOST", "rabbit.example",
                "RABBITMQ_PORT", "5673",
                "RABBITMQ_USERNAME", "acs",
                "RABBITMQ_PASSWORD", "secret",
                "RABBITMQ_VHOST", "acs-vhost",
                "BROKER_INPUT_QUEUE", "in_q",
                "BROKER_OUTPUT_QUEUE", "out_q",
                "GRPC_PORT", "6001"));

    ConnectionFactory factory = command.connectionFactory();
    assertThat(factory.getHost()).isEqualTo("rabbit.example");
    assertThat(factory.getPort()).isEqualTo(5673);
    assertThat(factory.getUsername()).isEqualTo("acs");
    assertThat(factory.getPassword()).isEqualTo("secret");
    assertThat(factory.getVirtualHost()).isEqualTo("acs-vhost");
    assertThat(command.settings().inputQueue()).isEqualTo("in_q");
    assertThat(command.settings().outputQueue()).isEqualTo("out_q");
  }

  @Test
  void options_winOverTheEnvironment() {
    SimulateCommand command =
        parse(
            Map.of("RABBITMQ_HOST", "rabbit.example", "BROKER_INPUT_QUEUE", "in_q"),
            "--rabbitmq-host",
            "127.0.0.2",
            "--input-queue",
            "mine");

    assertThat(command.connectionFactory().getHost()).isEqualTo("127.0.0.2");
    assertThat(command.settings().inputQueue()).isEqualTo("mine");
  }

  @Test
  void withoutEnvironment_theDefaultsMatchALocalRabbitMqAndTheSystemsQueues() {
    SimulateCommand command = parse(Map.of());

    Simulation.Settings settings = command.settings();
    assertThat(command.connectionFactory().getHost()).isEqualTo("127.0.0.1");
    assertThat(settings.inputQueue()).isEqualTo("broker_input_queue");
    assertThat(settings.outputQueue()).isEqualTo("server_input_queue");
    assertThat(settings.agents()).isEqualTo(3);
    assertThat(settings.churn()).isZero();
    assertThat(settings.thinkTime()).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void churnOutsideZeroToOne_isAUsageError() {
    SimulateCommand command = parse(Map.of(), "--churn", "1.5");

    assertThatThrownBy(command::settings)
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("churn must be in 0..1");
  }

  @Test
  void negativeAgents_exitWithTheUsageCode() {
    StringWriter err = new StringWriter();
    CommandLine cli = BrokerCli.commandLine(Map.of(), config -> 0);
    cli.setErr(new PrintWriter(err));

    int exitCode = cli.execute("simulate", "--agents", "-1");

    assertThat(exitCode).isEqualTo(BrokerCli.EXIT_USAGE);
    assertThat(err.toString()).contains("agents must not be negative");
  }

  @Test
  void report_listsCountsAgentsAndLatencyPercentiles() {
    Histogram latency = new Histogram(3);
    latency.recordValue(2_000);
    latency.recordValue(4_000);
    Simulation.Stats stats =
        new Simulation.Stats(
            10, 8, 17, 9, 1, 0, Map.of("sim_agent_1", 17L), Map.of("idle", 1), 2, latency);

    String report = SimulateCommand.report(stats, "--duration elapsed");

    assertThat(report)
        .contains("Final report (--duration elapsed)")
        .contains("frontend messages sent 10, routed to agents 9, broker errors 1")
        .contains("agent replies sent 8, replies delivered 8")
        .contains("sim_agent_1 handled 17")
        .contains("agents paused or went offline 2 times")
        .contains("p50 2.0 ms")
        .contains("(2 messages)");
  }
}
