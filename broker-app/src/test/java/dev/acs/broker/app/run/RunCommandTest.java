package dev.acs.broker.app.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acs.broker.adapter.amqp.AmqpAddress;
import dev.acs.broker.adapter.amqp.AmqpSettings;
import dev.acs.broker.adapter.amqp.QueueType;
import dev.acs.broker.app.cli.BrokerCli;
import dev.acs.broker.app.config.BrokerConfig;
import dev.acs.broker.app.config.EnvironmentDefaults;
import dev.acs.broker.core.agent.Availability;
import dev.acs.broker.core.application.DecisionHeaders;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The {@code broker} command line, in-process, with an injected environment. */
class RunCommandTest {

  private static final Map<String, String> REQUIRED = RunCommandLine.REQUIRED;

  private final RunCommandLine cli = new RunCommandLine();

  @Test
  @DisplayName("Interop options (issue 17) come from the system's variables and the command line")
  void run_interopSettings_fromEnvironmentAndOptions() {
    Map<String, String> environment = new HashMap<>(REQUIRED);
    environment.put("BROKER_ERROR_RECEIVER", "sender");
    environment.put("GRPC_DEADLINE_SECONDS", "2.5");
    environment.put("LOG_FILE", "/var/log/broker.log");
    environment.put("BROKER_SUSPECT_AGENTS", "exclude");

    int exitCode =
        cli.run(
            environment,
            "run",
            "--status-hold",
            "last-view",
            "--status-hold-grace",
            "3s",
            "--max-hops",
            "0",
            "--answers-to",
            "client",
            "--suspect-silence",
            "45s",
            "--suspect-unanswered",
            "20s");

    assertThat(exitCode).isZero();
    BrokerConfig config = cli.launchedConfig();
    BrokerConfig.Interop interop = config.interop();
    assertThat(interop.errorReceiver())
        .isEqualTo(dev.acs.broker.core.application.ErrorReceiver.SENDER);
    assertThat(config.grpc().registrationDeadline()).isEqualTo(Duration.ofMillis(2500));
    assertThat(interop.logFile()).isEqualTo(Path.of("/var/log/broker.log"));
    assertThat(interop.statusHold())
        .isEqualTo(dev.acs.broker.core.application.StatusHold.Mode.LAST_VIEW);
    assertThat(interop.statusHoldGrace()).isEqualTo(Duration.ofSeconds(3));
    assertThat(interop.maxHops()).isZero();
    assertThat(interop.answersToClient()).isTrue();
    assertThat(interop.suspicion())
        .isEqualTo(
            new dev.acs.broker.core.routing.AgentSuspicion.Settings(
                dev.acs.broker.core.routing.AgentSuspicion.Mode.EXCLUDE,
                Duration.ofSeconds(45),
                Duration.ofSeconds(20)));
  }

  @ParameterizedTest
  @CsvSource({
    "--error-receiver, nobody, 'use sender, server'",
    "--status-hold, pause, 'use hold, last-view'",
    "--suspect-agents, maybe, 'use demote, exclude, off'",
    "--answers-to, frontend, 'use agents or client'",
    "--grpc-deadline-seconds, -1, 'positive number of seconds'"
  })
  void run_invalidInteropValue_exits2WithWhatToWrite(String option, String value, String hint) {
    int exitCode = cli.run(REQUIRED, "run", option, value);

    assertThat(exitCode).isEqualTo(2);
    assertThat(cli.err()).contains(option).contains(hint);
  }

  @ParameterizedTest
  @CsvSource({"GRPC_HOST, --grpc-host", "GRPC_PORT, --grpc-port", "RABBITMQ_HOST, --rabbitmq-host"})
  void run_missingRequiredSetting_exits2NamingOptionAndVariable(String variable, String option) {
    Map<String, String> environment = new HashMap<>(REQUIRED);
    environment.remove(variable);

    int exitCode = cli.run(environment, "run");

    assertThat(exitCode).isEqualTo(2);
    assertThat(cli.err())
        .contains(
            "Missing required option " + option + " (or environment variable " + variable + ")");
    assertThat(cli.launched()).isEmpty();
  }

  @Test
  void run_requiredSettingsFromEnvironment_launchWithDefaults() {
    int exitCode =
        cli.run(
            Map.of(
                "GRPC_HOST",
                "central",
                "GRPC_PORT",
                "50051",
                "RABBITMQ_HOST",
                "rabbit",
                "HOSTNAME",
                "box7"),
            "run");

    assertThat(exitCode).isZero();
    BrokerConfig config = cli.launchedConfig();
    assertThat(config.grpc().host()).isEqualTo("central");
    assertThat(config.grpc().port()).isEqualTo(50051);
    assertThat(config.grpc().tls()).isFalse();
    assertThat(config.rabbitMq().host()).isEqualTo("rabbit");
    assertThat(config.rabbitMq().port()).isEqualTo(5672);
    assertThat(config.rabbitMq().username()).isEqualTo("guest");
    assertThat(config.rabbitMq().password()).isEqualTo("guest");
    assertThat(config.rabbitMq().virtualHost()).isEqualTo("/");
    assertThat(config.rabbitMq().inputQueue()).isEqualTo("broker_input_queue");
    assertThat(config.rabbitMq().outputQueue()).isEqualTo("server_input_queue");
    assertThat(config.rabbitMq().deadLetterQueue()).isEqualTo("broker_dead_letter_queue");
    assertThat(config.identity().id()).startsWith("broker_");
    assertThat(config.identity().name()).isEqualTo("Broker-box7");
    assertThat(config.snapshotTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.drainTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.routingPolicy()).isEqualTo("sticky");
    assertThat(config.parkTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.waitForStickyAgent()).isFalse();
    assertThat(config.outstandingExpiry()).isEqualTo(Duration.ofMinutes(5));
    assertThat(config.routableStates()).isEqualTo(Availability.preferIdle());
    assertThat(config.rabbitMq().prefetch()).isEqualTo(250);
    assertThat(config.rabbitMq().heartbeat()).isEqualTo(Duration.ofSeconds(15));
    assertThat(config.grpc().livenessInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.interop()).isEqualTo(BrokerConfig.Interop.DEFAULTS);
    assertThat(config.logFormat()).isEqualTo(BrokerConfig.LogFormat.TEXT);
    assertThat(config.logLevel()).isNull();
  }

  @Test
  void run_optionAndVariableBothSet_optionWins() {
    Map<String, String> environment = new HashMap<>(REQUIRED);
    environment.put("BROKER_ID", "broker_env");
    environment.put("BROKER_NAME", "EnvName");
    environment.put("RABBITMQ_PORT", "5673");
    environment.put("BROKER_SNAPSHOT_TIMEOUT", "2m");

    int exitCode =
        cli.run(
            environment,
            "run",
            "--grpc-host",
            "cli-central",
            "--broker-id",
            "broker_cli",
            "--snapshot-timeout",
            "500ms");

    assertThat(exitCode).isZero();
    BrokerConfig config = cli.launchedConfig();
    assertThat(config.grpc().host()).isEqualTo("cli-central");
    assertThat(config.identity().id()).isEqualTo("broker_cli");
    assertThat(config.identity().name()).isEqualTo("EnvName");
    assertThat(config.rabbitMq().port()).isEqualTo(5673);
    assertThat(config.snapshotTimeout()).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void run_everyVariable_isRead() {
    Map<String, String> environment = new HashMap<>(REQUIRED);
    environment.put("GRPC_TLS", "true");
    environment.put("RABBITMQ_USERNAME", "broker");
    environment.put("RABBITMQ_PASSWORD", "s3cret");
    environment.put("RABBITMQ_VHOST", "acs");
    environment.put("RABBITMQ_TLS", "true");
    environment.put("BROKER_INPUT_QUEUE", "i");
    environment.put("BROKER_OUTPUT_QUEUE", "o");
    environment.put("BROKER_DEAD_LETTER_QUEUE", "d");
    environment.put("BROKER_PREFETCH", "7");
    environment.put("BROKER_DRAIN_TIMEOUT", "PT3S");
    environment.put("BROKER_ROUTING_POLICY", "Least-Loaded");
    environment.put("BROKER_PARK_TIMEOUT", "20s");
    environment.put("BROKER_WAIT_FOR_STICKY_AGENT", "true");
    environment.put("BROKER_ROUTABLE_STATES", "idle>busy,initializing");
    environment.put("BROKER_LOG_FORMAT", "json");
    environment.put("BROKER_LOG_LEVEL", "debug");
    environment.put("RABBITMQ_HEARTBEAT", "4s");
    environment.put("GRPC_LIVENESS_INTERVAL", "3s");

    assertThat(cli.run(environment, "run")).isZero();

    BrokerConfig config = cli.launchedConfig();
    assertThat(config.grpc().tls()).isTrue();
    assertThat(config.rabbitMq().username()).isEqualTo("broker");
    assertThat(config.rabbitMq().password()).isEqualTo("s3cret");
    assertThat(config.rabbitMq().virtualHost()).isEqualTo("acs");
    assertThat(config.rabbitMq().tls()).isTrue();
    assertThat(config.rabbitMq().inputQueue()).isEqualTo("i");
    assertThat(config.rabbitMq().outputQueue()).isEqualTo("o");
    assertThat(config.rabbitMq().deadLetterQueue()).isEqualTo("d");
    assertThat(config.rabbitMq().prefetch()).isEqualTo(7);
    assertThat(config.drainTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(config.routingPolicy()).isEqualTo("least-loaded");
    assertThat(config.parkTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(config.waitForStickyAgent()).isTrue();
    assertThat(config.routableStates()).isEqualTo(Availability.preferIdle());
    assertThat(config.logFormat()).isEqualTo(BrokerConfig.LogFormat.JSON);
    assertThat(config.logLevel()).isEqualTo("DEBUG");
    assertThat(config.rabbitMq().heartbeat()).isEqualTo(Duration.ofSeconds(4));
    assertThat(config.grpc().livenessInterval()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void run_heartbeatAndLivenessOptions_shortenFailureDetection() {
    assertThat(
            cli.run(
                REQUIRED, "run", "--rabbitmq-heartbeat", "2s", "--grpc-liveness-interval", "1s"))
        .isZero();

    BrokerConfig config = cli.launchedConfig();
    assertThat(config.rabbitMq().heartbeat()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.grpc().livenessInterval()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void run_publishesEveryExplanation_unlessToldToSaveRabbitMqTheWork() {
    assertThat(cli.run(REQUIRED, "run")).isZero();
    assertThat(cli.launched().get(0).decisionHeaders()).isEqualTo(DecisionHeaders.FULL);
    assertThat(cli.launched().get(0).rabbitMq().publishMessageId()).isTrue();

    Map<String, String> environment = new HashMap<>(REQUIRED);
    environment.put("BROKER_ROUTING_HEADERS", "routed-by");
    assertThat(cli.run(environment, "run", "--rabbitmq-message-id", "false")).isZero();
    assertThat(cli.launched().get(1).decisionHeaders()).isEqualTo(DecisionHeaders.ROUTED_BY);
    assertThat(cli.launched().get(1).rabbitMq().publishMessageId()).isFalse();

    assertThat(cli.run(REQUIRED, "run", "--routing-headers", "none")).isZero();
    assertThat(cli.launched().get(2).decisionHeaders()).isEqualTo(DecisionHeaders.NONE);
  }

  @Test
  void run_maxDeliveries_defaultsToFive_andIsReadFromOptionOrEnvironment() {
    assertThat(cli.run(REQUIRED, "run")).isZero();
    assertThat(cli.launched().get(0).redelivery()).isEqualTo(new BrokerConfig.Redelivery(5));

    Map<String, String> environment = new HashMap<>(REQUIRED);
    environment.put("BROKER_MAX_DELIVERIES", "3");
    assertThat(cli.run(environment, "run")).isZero();
    assertThat(cli.launched().get(1).redelivery().maxDeliveries()).isEqualTo(3);

    assertThat(cli.run(environment, "run", "--max-deliveries", "9")).isZero();
    assertThat(cli.launched().get(2).redelivery().maxDeliveries()).isEqualTo(9);
  }

  @Test
  void run_unknownRoutingHeaders_exits2NamingTheChoices() {
    assertThat(cli.run(REQUIRED, "run", "--routing-headers", "some")).isEqualTo(2);
    assertThat(cli.err())
        .contains("--routing-headers (or BROKER_ROUTING_HEADERS)")
        .contains("full, routed-by or none");
  }

  @Test
  void run_passwordFile_isReadWithoutTrailingNewline(@TempDir Path directory) throws IOException {
    Path file = Files.writeString(directory.resolve("password"), "from-file\n");
    Map<String, String> environment = new HashMap<>(REQUIRED);
    environment.put("RABBITMQ_PASSWORD", "from-env");

    assertThat(cli.run(environment, "run", "--rabbitmq-password-file", file.toString())).isZero();

    assertThat(cli.launchedConfig().rabbitMq().password()).isEqualTo("from-file");
  }

  @Test
  void run_passwordFileFromEnvironment_isRead(@TempDir Path directory) throws IOException {
    Path file = Files.writeString(directory.resolve("password"), "mounted\r\n");
    Map<String, String> environment = new HashMap<>(REQUIRED);
    environment.put("RABBITMQ_PASSWORD_FILE", file.toString());

    assertThat(cli.run(environment, "run")).isZero();

    assertThat(cli.launchedConfig().rabbitMq().password()).isEqualTo("mounted");
  }

  @Test
  void run_missingPasswordFile_exits2() {
    assertThat(cli.run(REQUIRED, "run", "--rabbitmq-password-file", "/nonexistent/pw"))
        .isEqualTo(2);
    assertThat(cli.err()).contains("Cannot read the RabbitMQ password file");
  }

  @Test
  @DisplayName("The password never appears in the help, nor in the configuration's text")
  void password_isNeverShown() {
    Map<String, String> environment = new HashMap<>(REQUIRED);
    environment.put("RABBITMQ_PASSWORD", "topsecret");

    cli.run(environment, "run", "--help");
    cli.run(environment, "run", "--rabbitmq-password", "topsecret");

    assertThat(cli.out()).contains("--rabbitmq-password").doesNotContain("topsecret");
    assertThat(cli.launchedConfig().toString()).doesNotContain("topsecret");
  }

  @ParameterizedTest
  @CsvSource({
    "--routing-policy, telepathy, Unknown routing policy 'telepathy'",
    "--routable-states, idle>sleepy, unknown agent state 'sleepy'",
    "--log-format, xml, Invalid --log-format",
    "--log-level, loud, Invalid --log-level",
    "--snapshot-timeout, soon, 'soon' is not a duration",
    "--grpc-port, 70000, gRPC port must be in 1..65535",
    "--prefetch, 0, prefetch must be at least 1",
    "--max-deliveries, 0, max deliveries must be at least 1",
    "--rabbitmq-heartbeat, 1500ms, RabbitMQ heartbeat must be whole seconds",
    "--grpc-liveness-interval, 0s, gRPC liveness interval must be positive"
  })
  void run_invalidValue_exits2WithAClearMessage(String option, String value, String message) {
    assertThat(cli.run(REQUIRED, "run", option, value)).isEqualTo(2);
    assertThat(cli.err()).contains(message);
    assertThat(cli.launched()).isEmpty();
  }

  @Test
  void run_launcherFails_exits1() {
    CommandLine commandLine =
        BrokerCli.commandLine(
            REQUIRED,
            config -> {
              throw new dev.acs.broker.core.application.BrokerStartupException("no snapshot");
            });
    commandLine.setErr(new PrintWriter(new StringWriter(), true));

    assertThat(commandLine.execute("run")).isEqualTo(1);
  }

  @Test
  void version_printsTheProjectVersion() {
    assertThat(cli.run(Map.of(), "--version")).isZero();
    assertThat(cli.out()).startsWith("broker ").doesNotContain("${");
  }

  @Test
  void noCommand_exits2() {
    assertThat(cli.run(Map.of())).isEqualTo(2);
    assertThat(cli.err()).contains("Missing command");
  }

  @Test
  void defaultRoutableStates_preferIdleAgents_andTheReferenceRuleCanBeReproduced() {
    assertThat(Availability.parse(BrokerConfig.DEFAULT_ROUTABLE_STATES))
        .isEqualTo(Availability.preferIdle());
    assertThat(Availability.parse("initializing,idle,busy,paused"))
        .isEqualTo(Availability.reference());
  }

  @Test
  @DisplayName("every option of run declares its variable once, and docs/configuration.md agrees")
  void everyOption_declaresItsEnvironmentVariable_asTheReferenceDocumentsIt() throws IOException {
    String reference = Files.readString(Path.of("..", "docs", "configuration.md"));
    CommandLine commandLine = BrokerCli.commandLine(Map.of(), config -> 0);
    List<OptionSpec> options =
        commandLine.getSubcommands().get("run").getCommandSpec().options().stream()
            .filter(option -> !option.usageHelp() && !option.versionHelp())
            .toList();

    assertThat(options).hasSize(54);
    for (OptionSpec option : options) {
      String variable = EnvironmentDefaults.variableOf(option);
      assertThat(variable).as(option.longestName()).isNotNull();
      assertThat(reference)
          .as(option.longestName() + " and " + variable + " in docs/configuration.md")
          .containsPattern(
              "\\| `"
                  + Pattern.quote(option.longestName())
                  + "[=\\[`][^|]*\\| `"
                  + variable
                  + "` \\|");
    }
  }

  @Test
  void run_clusterAddresses_replaceTheHost_andTheQueueTopologyIsConfigurable() {
    int exitCode =
        cli.run(
            Map.of(
                "GRPC_HOST",
                "central",
                "GRPC_PORT",
                "50051",
                "RABBITMQ_ADDRESSES",
                "rabbit-1, rabbit-2:5673,rabbit-3",
                "BROKER_QUEUE_TYPE",
                "quorum",
                "BROKER_DECLARE_QUEUES",
                "false"),
            "run",
            "--rabbitmq-port",
            "5700");

    assertThat(exitCode).as(cli.err()).isZero();
    AmqpSettings rabbit = cli.launchedConfig().rabbitMq();
    assertThat(rabbit.addresses())
        .containsExactly(
            new AmqpAddress("rabbit-1", 5700),
            new AmqpAddress("rabbit-2", 5673),
            new AmqpAddress("rabbit-3", 5700));
    assertThat(rabbit.host()).isEqualTo("rabbit-1");
    assertThat(rabbit.queueType()).isEqualTo(QueueType.QUORUM);
    assertThat(rabbit.declareQueues()).isFalse();
  }

  @Test
  void run_oneHost_isAOneAddressListOfClassicDeclaredQueues() {
    int exitCode = cli.run(REQUIRED, "run", "--rabbitmq-port", "5671");

    assertThat(exitCode).as(cli.err()).isZero();
    AmqpSettings rabbit = cli.launchedConfig().rabbitMq();
    assertThat(rabbit.addresses()).containsExactly(new AmqpAddress("rabbit", 5671));
    assertThat(rabbit.queueType()).isEqualTo(QueueType.CLASSIC);
    assertThat(rabbit.declareQueues()).isTrue();
  }

  @Test
  void run_badAddressListOrQueueType_exits2NamingTheOption() {
    assertThat(cli.run(REQUIRED, "run", "--rabbitmq-addresses", "a:1,,b")).isEqualTo(2);
    assertThat(cli.err()).contains("Invalid --rabbitmq-addresses").contains("empty entry");

    assertThat(cli.run(REQUIRED, "run", "--queue-type", "stream")).isEqualTo(2);
    assertThat(cli.err())
        .contains("Invalid --queue-type (or BROKER_QUEUE_TYPE)")
        .contains("use classic or quorum");
    assertThat(cli.launched()).isEmpty();
  }
}
