package dev.acs.broker.app.run;

import dev.acs.broker.adapter.amqp.AmqpAddress;
import dev.acs.broker.adapter.amqp.QueueType;
import dev.acs.broker.app.config.BrokerConfig;
import dev.acs.broker.app.config.BrokerConfig.LogFormat;
import dev.acs.broker.app.config.DurationConverter;
import dev.acs.broker.app.config.EnvironmentDefaults;
import dev.acs.broker.app.config.RoutingPolicies;
import dev.acs.broker.app.config.TlsConfig;
import dev.acs.broker.app.config.VersionProvider;
import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.agent.Availability;
import dev.acs.broker.core.application.DecisionHeaders;
import dev.acs.broker.core.application.ErrorReceiver;
import dev.acs.broker.core.application.StatusHold;
import dev.acs.broker.core.routing.AgentSuspicion;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code broker run}: parses and validates the configuration (options first, then environment
 * variables, then defaults) and hands it to a {@link BrokerLauncher}.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description =
        "Runs the broker: registers with the central server, follows the agent status stream,"
            + " waits for the first snapshot, connects to RabbitMQ and routes messages until"
            + " SIGTERM or SIGINT. Every option falls back on the environment variable named in"
            + " its description.",
    footer = {
      "",
      "Exit codes: 0 orderly shutdown, 1 fatal runtime failure, 2 usage or configuration error."
    })
public final class RunCommand implements Callable<Integer> {

  /** The environment variable each option falls back on, by option name. */
  public static final Map<String, String> ENVIRONMENT_VARIABLES = environmentVariables();

  private static final String PASSWORD_VARIABLE = "RABBITMQ_PASSWORD";
  private static final String PASSWORD_FILE_VARIABLE = "RABBITMQ_PASSWORD_FILE";

  private final EnvironmentDefaults environment;
  private final BrokerLauncher launcher;

  @Spec private @Nullable CommandSpec spec;

  @Option(
      names = "--grpc-host",
      paramLabel = "HOST",
      description = "Central server host (required). Env: GRPC_HOST.")
  private @Nullable String grpcHost;

  @Option(
      names = "--grpc-port",
      paramLabel = "PORT",
      description = "Central server gRPC port, e.g. 50051 (required). Env: GRPC_PORT.")
  private @Nullable Integer grpcPort;

  @Option(
      names = "--grpc-tls",
      arity = "0..1",
      paramLabel = "BOOL",
      fallbackValue = "true",
      defaultValue = "false",
      description = "Use TLS to the central server. Env: GRPC_TLS. Default: ${DEFAULT-VALUE}.")
  private boolean grpcTls;

  @Option(
      names = "--grpc-trust-cert",
      paramLabel = "PEM",
      description =
          "PEM file of certificates to trust for gRPC TLS (default: the JDK's trust store)."
              + " Env: GRPC_TRUST_CERT.")
  private @Nullable Path grpcTrustCertificate;

  @Option(
      names = "--grpc-liveness-interval",
      paramLabel = "DURATION",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description =
          "How often the central server's liveness is probed with GetAgentStatus; a silently dead"
              + " connection is noticed within 2 intervals plus the probe deadline (the smaller of"
              + " 10s and half the interval). Env: GRPC_LIVENESS_INTERVAL."
              + " Default: ${DEFAULT-VALUE}.")
  private Duration grpcLivenessInterval = BrokerConfig.Grpc.DEFAULT_LIVENESS_INTERVAL;

  @Option(
      names = "--rabbitmq-host",
      paramLabel = "HOST",
      description = "RabbitMQ host (required). Env: RABBITMQ_HOST.")
  private @Nullable String rabbitHost;

  @Option(
      names = "--rabbitmq-port",
      paramLabel = "PORT",
      defaultValue = "5672",
      description = "RabbitMQ port. Env: RABBITMQ_PORT. Default: ${DEFAULT-VALUE}.")
  private int rabbitPort;

  @Option(
      names = "--rabbitmq-username",
      paramLabel = "USER",
      defaultValue = "guest",
      description = "RabbitMQ user. Env: RABBITMQ_USERNAME. Default: ${DEFAULT-VALUE}.")
  private String rabbitUsername = "guest";

  @Option(
      names = "--rabbitmq-password",
      paramLabel = "SECRET",
      showDefaultValue = Visibility.NEVER,
      description =
          "RabbitMQ password (default: guest). Prefer --rabbitmq-password-file or the"
              + " environment: a command line is visible to other users. Env: RABBITMQ_PASSWORD.")
  private @Nullable String rabbitPassword;

  @Option(
      names = "--rabbitmq-password-file",
      paramLabel = "FILE",
      description =
          "File whose content (trailing newline ignored) is the RabbitMQ password."
              + " Env: RABBITMQ_PASSWORD_FILE.")
  private @Nullable Path rabbitPasswordFile;

  @Option(
      names = "--rabbitmq-vhost",
      paramLabel = "VHOST",
      defaultValue = "/",
      description = "RabbitMQ virtual host. Env: RABBITMQ_VHOST. Default: ${DEFAULT-VALUE}.")
  private String rabbitVirtualHost = "/";

  @Option(
      names = "--rabbitmq-tls",
      arity = "0..1",
      paramLabel = "BOOL",
      fallbackValue = "true",
      defaultValue = "false",
      description = "Use TLS to RabbitMQ. Env: RABBITMQ_TLS. Default: ${DEFAULT-VALUE}.")
  private boolean rabbitTls;

  @Option(
      names = "--rabbitmq-heartbeat",
      paramLabel = "DURATION",
      defaultValue = "15s",
      converter = DurationConverter.class,
      description =
          "AMQP heartbeat requested from RabbitMQ, whole seconds (0s turns it off); a silently"
              + " dead connection is noticed about two heartbeats after its last frame."
              + " Env: RABBITMQ_HEARTBEAT. Default: ${DEFAULT-VALUE}.")
  private Duration rabbitHeartbeat = BrokerConfig.RabbitMq.DEFAULT_HEARTBEAT;

  // TLS material of both links (issue 16); docs/configuration.md "TLS" and SECURITY.md.

  @Option(
      names = "--rabbitmq-trust-cert",
      paramLabel = "FILE",
      description =
          "With --rabbitmq-tls: PEM file of the CA certificates RabbitMQ's certificate must chain"
              + " to (or a PKCS12/JKS trust store without password); default: the JDK's trust"
              + " store. Env: RABBITMQ_TRUST_CERT.")
  private @Nullable Path rabbitTrustCertificate;

  @Option(
      names = "--rabbitmq-tls-verify-hostname",
      arity = "0..1",
      paramLabel = "BOOL",
      fallbackValue = "true",
      defaultValue = "true",
      description =
          "With --rabbitmq-tls: require RabbitMQ's certificate to name --rabbitmq-host. Turning it"
              + " off lets anyone with a certificate from a trusted CA impersonate RabbitMQ."
              + " Env: RABBITMQ_TLS_VERIFY_HOSTNAME. Default: ${DEFAULT-VALUE}.")
  private boolean rabbitVerifyHostname = true;

  @Option(
      names = "--rabbitmq-client-cert",
      paramLabel = "PEM",
      description =
          "With --rabbitmq-tls: client certificate (PEM, chain allowed) to present to RabbitMQ."
              + " Env: RABBITMQ_CLIENT_CERT.")
  private @Nullable Path rabbitClientCertificate;

  @Option(
      names = "--rabbitmq-client-key",
      paramLabel = "PEM",
      description =
          "The client certificate's key: unencrypted PKCS#8 PEM (BEGIN PRIVATE KEY)."
              + " Env: RABBITMQ_CLIENT_KEY.")
  private @Nullable Path rabbitClientKey;

  @Option(
      names = "--rabbitmq-auth-mechanism",
      paramLabel = "MECHANISM",
      defaultValue = "PLAIN",
      description =
          "PLAIN (user name and password) or EXTERNAL (the client certificate names the user;"
              + " RabbitMQ's rabbitmq_auth_mechanism_ssl plugin). Env: RABBITMQ_AUTH_MECHANISM."
              + " Default: ${DEFAULT-VALUE}.")
  private String rabbitAuthMechanism = "PLAIN";

  @Option(
      names = "--grpc-client-cert",
      paramLabel = "PEM",
      description =
          "With --grpc-tls: client certificate (PEM) to present to the central server."
              + " Env: GRPC_CLIENT_CERT.")
  private @Nullable Path grpcClientCertificate;

  @Option(
      names = "--grpc-client-key",
      paramLabel = "PEM",
      description = "The gRPC client certificate's key (PEM, PKCS#8). Env: GRPC_CLIENT_KEY.")
  private @Nullable Path grpcClientKey;

  @Option(
      names = "--broker-id",
      paramLabel = "ID",
      description = "This broker's id (default: broker_<random uuid>). Env: BROKER_ID.")
  private @Nullable String brokerId;

  @Option(
      names = "--broker-name",
      paramLabel = "NAME",
      description = "This broker's name (default: Broker-<hostname>). Env: BROKER_NAME.")
  private @Nullable String brokerName;

  @Option(
      names = "--input-queue",
      paramLabel = "QUEUE",
      defaultValue = "broker_input_queue",
      description = "Queue consumed. Env: BROKER_INPUT_QUEUE. Default: ${DEFAULT-VALUE}.")
  private String inputQueue = "broker_input_queue";

  @Option(
      names = "--output-queue",
      paramLabel = "QUEUE",
      defaultValue = "server_input_queue",
      description = "Queue published to. Env: BROKER_OUTPUT_QUEUE. Default: ${DEFAULT-VALUE}.")
  private String outputQueue = "server_input_queue";

  @Option(
      names = "--dead-letter-queue",
      paramLabel = "QUEUE",
      defaultValue = "broker_dead_letter_queue",
      description =
          "The broker's own queue for messages it cannot route. Env: BROKER_DEAD_LETTER_QUEUE."
              + " Default: ${DEFAULT-VALUE}.")
  private String deadLetterQueue = "broker_dead_letter_queue";

  @Option(
      names = "--rabbitmq-addresses",
      paramLabel = "HOST[:PORT],...",
      description =
          "Every node of a RabbitMQ cluster, comma-separated (port default: --rabbitmq-port);"
              + " each connection tries them in a new random order on every (re)connect. When set,"
              + " --rabbitmq-host is not needed and --rabbitmq-host/--rabbitmq-port are ignored."
              + " Env: RABBITMQ_ADDRESSES.")
  private @Nullable String rabbitAddresses;

  @Option(
      names = "--queue-type",
      paramLabel = "TYPE",
      defaultValue = "classic",
      description =
          "Type of the queues the broker declares: classic (as the rest of the system declares"
              + " them) or quorum (replicated on a cluster; every service must declare them so)."
              + " Env: BROKER_QUEUE_TYPE. Default: ${DEFAULT-VALUE}.")
  private String queueType = "classic";

  @Option(
      names = "--declare-queues",
      arity = "0..1",
      paramLabel = "BOOL",
      fallbackValue = "true",
      defaultValue = "true",
      description =
          "Declare the input, output and dead-letter queues; false only checks that they exist"
              + " (and refuses to start, naming the missing one), so queues provisioned by"
              + " operators are used as they are. Env: BROKER_DECLARE_QUEUES."
              + " Default: ${DEFAULT-VALUE}.")
  private boolean declareQueues = true;

  @Option(
      names = "--prefetch",
      paramLabel = "N",
      defaultValue = "250",
      description =
          "Most unacknowledged messages held at once. Env: BROKER_PREFETCH."
              + " Default: ${DEFAULT-VALUE}.")
  private int prefetch;

  @Option(
      names = "--snapshot-timeout",
      paramLabel = "DURATION",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description =
          "How long start-up waits for the first agent snapshot (e.g. 30s, 500ms, 2m, PT30S)."
              + " Env: BROKER_SNAPSHOT_TIMEOUT. Default: ${DEFAULT-VALUE}.")
  private Duration snapshotTimeout = Duration.ofSeconds(30);

  @Option(
      names = "--drain-timeout",
      paramLabel = "DURATION",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description =
          "How long shutdown waits for in-flight messages to settle. Env: BROKER_DRAIN_TIMEOUT."
              + " Default: ${DEFAULT-VALUE}.")
  private Duration drainTimeout = Duration.ofSeconds(10);

  @Option(
      names = "--routing-policy",
      paramLabel = "POLICY",
      defaultValue = RoutingPolicies.DEFAULT,
      description =
          "How the receiver is chosen: ${COMPLETION-CANDIDATES}. Env: BROKER_ROUTING_POLICY."
              + " Default: ${DEFAULT-VALUE}.",
      completionCandidates = RoutingPolicies.Names.class)
  private String routingPolicy = RoutingPolicies.DEFAULT;

  @Option(
      names = "--park-timeout",
      paramLabel = "DURATION",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description =
          "How long a message that no agent can take yet waits for one before the broker answers"
              + " with the no-agent error; 0s answers at once, as the reference broker did."
              + " Env: BROKER_PARK_TIMEOUT. Default: ${DEFAULT-VALUE}.")
  private Duration parkTimeout = Duration.ofSeconds(30);

  @Option(
      names = "--outstanding-expiry",
      paramLabel = "DURATION",
      defaultValue = "5m",
      converter = DurationConverter.class,
      description =
          "How long a message routed to an agent counts as its unanswered work (least-loaded and"
              + " sticky fallback) when no answer comes. Env: BROKER_OUTSTANDING_EXPIRY."
              + " Default: ${DEFAULT-VALUE}.")
  private Duration outstandingExpiry = Duration.ofMinutes(5);

  @Option(
      names = "--wait-for-sticky-agent",
      arity = "0..1",
      paramLabel = "BOOL",
      fallbackValue = "true",
      defaultValue = "false",
      description =
          "With the sticky policy and a park timeout, wait for the conversation's busy agent"
              + " instead of choosing another. Env: BROKER_WAIT_FOR_STICKY_AGENT."
              + " Default: ${DEFAULT-VALUE}.")
  private boolean waitForStickyAgent;

  @Option(
      names = "--routable-states",
      paramLabel = "TIERS",
      defaultValue = BrokerConfig.DEFAULT_ROUTABLE_STATES,
      description =
          "Agent states that may receive messages, in tiers of preference separated by '>'"
              + " (e.g. idle>busy,initializing). Env: BROKER_ROUTABLE_STATES."
              + " Default: ${DEFAULT-VALUE}.")
  private String routableStates = BrokerConfig.DEFAULT_ROUTABLE_STATES;

  @Option(
      names = "--routing-headers",
      paramLabel = "WHICH",
      defaultValue = "full",
      description =
          "Explanatory headers on routed messages: full (x-routed-by, x-routing-policy,"
              + " x-routing-reason), routed-by (x-routed-by only) or none. Each header costs"
              + " RabbitMQ work per message; dead letters always keep theirs."
              + " Env: BROKER_ROUTING_HEADERS. Default: ${DEFAULT-VALUE}.")
  private String routingHeaders = "full";

  @Option(
      names = "--rabbitmq-message-id",
      arity = "0..1",
      paramLabel = "BOOL",
      fallbackValue = "true",
      defaultValue = "true",
      description =
          "Set the AMQP message-id property of published messages to their message_id."
              + " Env: RABBITMQ_MESSAGE_ID. Default: ${DEFAULT-VALUE}.")
  private boolean rabbitMessageId = true;

  @Option(
      names = "--max-deliveries",
      paramLabel = "N",
      defaultValue = "5",
      description =
          "Deliveries of one message the broker handles at most; a message that comes back more"
              + " often (whatever the cause) goes to the dead-letter queue with reason"
              + " redelivered-too-often. Quorum queues count with x-delivery-count, classic queues"
              + " by the broker's memory of redelivered messages. Env: BROKER_MAX_DELIVERIES."
              + " Default: ${DEFAULT-VALUE}.")
  private int maxDeliveries = 5;

  @Option(
      names = "--log-format",
      paramLabel = "FORMAT",
      defaultValue = "text",
      description =
          "Log line format: text or json. Env: BROKER_LOG_FORMAT. Default: ${DEFAULT-VALUE}.")
  private String logFormat = "text";

  @Option(
      names = "--log-level",
      paramLabel = "LEVEL",
      description =
          "Level of the broker's own loggers: error, warn, info, debug or trace (default: info;"
              + " debug logs one line per message). Env: BROKER_LOG_LEVEL.")
  private @Nullable String logLevel;

  @Option(
      names = "--admin-port",
      paramLabel = "PORT",
      defaultValue = "0",
      description =
          "Port of the admin HTTP endpoint (/metrics, /health/live, /health/ready, /agents);"
              + " 0 turns it off. Env: BROKER_ADMIN_PORT. Default: ${DEFAULT-VALUE}.")
  private int adminPort;

  @Option(
      names = "--admin-bind",
      paramLabel = "ADDRESS",
      defaultValue = BrokerConfig.Admin.DEFAULT_BIND,
      description =
          "Address the admin endpoint listens on. Env: BROKER_ADMIN_BIND."
              + " Default: ${DEFAULT-VALUE}.")
  private String adminBind = BrokerConfig.Admin.DEFAULT_BIND;

  @Option(
      names = "--readiness-staleness",
      paramLabel = "DURATION",
      defaultValue = "5m",
      converter = DurationConverter.class,
      description =
          "How old the agent view (last status update or probe answer) may get before"
              + " /health/ready reports unready. Env: BROKER_READINESS_STALENESS."
              + " Default: ${DEFAULT-VALUE}.")
  private Duration readinessStaleness = BrokerConfig.Admin.DEFAULT_STALENESS;

  // ---- Interop with the real central server (SPEC §7, docs/interop.md; issue 17).

  @Option(
      names = "--status-hold",
      paramLabel = "MODE",
      defaultValue = "hold",
      description =
          "While the agent status stream is down: hold (route nothing until a full snapshot"
              + " arrives, so no message goes to an agent a restarted server does not know) or"
              + " last-view (route on the last view once the grace is over)."
              + " Env: BROKER_STATUS_HOLD. Default: ${DEFAULT-VALUE}.")
  private String statusHold = "hold";

  @Option(
      names = "--status-hold-grace",
      paramLabel = "DURATION",
      defaultValue = "1s",
      converter = DurationConverter.class,
      description =
          "How long the status stream may be down before the hold is declared in logs, metrics"
              + " and /health/ready (and, with last-view, routing resumes on the last view)."
              + " Env: BROKER_STATUS_HOLD_GRACE. Default: ${DEFAULT-VALUE}.")
  private Duration statusHoldGrace = BrokerConfig.Interop.DEFAULT_HOLD_GRACE;

  @Option(
      names = "--suspect-agents",
      paramLabel = "MODE",
      defaultValue = "demote",
      description =
          "What to do with an agent the server lists as routable but that looks dead (its"
              + " last_seen stalls while others advance, or it sits idle on unanswered work):"
              + " demote (below every healthy agent), exclude (never route to it) or off."
              + " Env: BROKER_SUSPECT_AGENTS. Default: ${DEFAULT-VALUE}.")
  private String suspectAgents = "demote";

  @Option(
      names = "--suspect-silence",
      paramLabel = "DURATION",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description =
          "How far an agent's last_seen may fall behind the newest one reported before it is"
              + " suspected (agents report every ~20s). Env: BROKER_SUSPECT_SILENCE."
              + " Default: ${DEFAULT-VALUE}.")
  private Duration suspectSilence = AgentSuspicion.Settings.DEFAULTS.silence();

  @Option(
      names = "--suspect-unanswered",
      paramLabel = "DURATION",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description =
          "How long an agent may hold work it received without answering or turning busy before"
              + " it is suspected. Env: BROKER_SUSPECT_UNANSWERED. Default: ${DEFAULT-VALUE}.")
  private Duration suspectUnanswered = AgentSuspicion.Settings.DEFAULTS.unanswered();

  @Option(
      names = "--max-hops",
      paramLabel = "N",
      defaultValue = "2",
      description =
          "Longest chain of agents answering agents (found by original_message_id) that is"
              + " routed; the next answer goes to the dead-letter queue as hop-limit. 0: no limit"
              + " (the reference broker). Env: BROKER_MAX_HOPS. Default: ${DEFAULT-VALUE}.")
  private int maxHops = BrokerConfig.Interop.DEFAULT_MAX_HOPS;

  @Option(
      names = "--answers-to",
      paramLabel = "WHO",
      defaultValue = "agents",
      description =
          "Where an agent's answer goes: agents (SPEC §4: another agent) or client (back to the"
              + " frontend client that asked, so the server shows it to that person)."
              + " Env: BROKER_ANSWERS_TO. Default: ${DEFAULT-VALUE}.")
  private String answersTo = "agents";

  @Option(
      names = "--error-receiver",
      paramLabel = "WHO",
      defaultValue = "server",
      description =
          "Address of 'no agent' errors: server (receiver_id \"Server\", the reason in"
              + " routing_status_message: the form the real server shows to people) or sender"
              + " (SPEC §4 exactly). Env: BROKER_ERROR_RECEIVER. Default: ${DEFAULT-VALUE}.")
  private String errorReceiver = "server";

  @Option(
      names = "--grpc-deadline-seconds",
      paramLabel = "SECONDS",
      description =
          "Deadline of the broker's unary gRPC calls (RegisterBroker, the GetAgentStatus probe,"
              + " which is also kept below the liveness interval), in seconds, e.g. 5 or 2.5."
              + " Env: GRPC_DEADLINE_SECONDS. Default: 5 for registration, the smaller of 10 and"
              + " half the liveness interval for the probe.")
  private @Nullable String grpcDeadlineSeconds;

  @Option(
      names = "--log-file",
      paramLabel = "FILE",
      description =
          "Also write the log to this file (appended; same format as the console)."
              + " Env: LOG_FILE.")
  private @Nullable Path logFile;

  /**
   * A command over an injected environment.
   *
   * @param environment the environment variables to fall back on
   * @param launcher what runs the broker once the configuration is valid
   */
  public RunCommand(Map<String, String> environment, BrokerLauncher launcher) {
    this.environment = new EnvironmentDefaults(environment, ENVIRONMENT_VARIABLES);
    this.launcher = Objects.requireNonNull(launcher, "launcher");
  }

  /** The provider that the command line must use for this command's defaults. */
  public EnvironmentDefaults environmentDefaults() {
    return environment;
  }

  @Override
  public Integer call() throws Exception {
    return launcher.launch(toConfig());
  }

  /**
   * The validated configuration.
   *
   * @throws ParameterException naming the option and its environment variable
   */
  BrokerConfig toConfig() {
    String host = required(grpcHost, "--grpc-host");
    int port = required(grpcPort, "--grpc-port");
    List<AmqpAddress> rabbitNodes = rabbitNodes();
    try {
      String givenId = blankToNull(brokerId);
      String givenName = blankToNull(brokerName);
      BrokerIdentity identity =
          new BrokerIdentity(
              givenId == null ? generatedId() : givenId.strip(),
              givenName == null ? "Broker-" + hostname() : givenName.strip());
      BrokerConfig.Grpc grpc =
          new BrokerConfig.Grpc(host, port, grpcTls, grpcTrustCertificate, grpcLivenessInterval);
      BrokerConfig.RabbitMq rabbitMq =
          new BrokerConfig.RabbitMq(
              rabbitNodes.get(0).host(),
              rabbitNodes.get(0).port(),
              rabbitUsername,
              password(),
              rabbitVirtualHost,
              rabbitTls,
              inputQueue,
              outputQueue,
              deadLetterQueue,
              prefetch,
              rabbitHeartbeat,
              rabbitNodes,
              queueType(),
              declareQueues);
      return new BrokerConfig(
          identity,
          grpc,
          rabbitMq,
          snapshotTimeout,
          drainTimeout,
          policy(),
          parkTimeout,
          waitForStickyAgent,
          outstandingExpiry,
          availability(),
          format(),
          level(),
          new BrokerConfig.Admin(adminBind.strip(), adminPort, readinessStaleness),
          new BrokerConfig.Publishing(decisionHeaders(), rabbitMessageId),
          new BrokerConfig.Redelivery(maxDeliveries),
          interop(),
          tls());
    } catch (IllegalArgumentException invalid) {
      throw new ParameterException(commandSpec().commandLine(), invalid.getMessage(), invalid);
    }
  }

  private BrokerConfig.Interop interop() {
    return new BrokerConfig.Interop(
        choice(statusHold, "--status-hold", "BROKER_STATUS_HOLD", StatusHold.Mode.class),
        statusHoldGrace,
        new AgentSuspicion.Settings(
            choice(
                suspectAgents,
                "--suspect-agents",
                "BROKER_SUSPECT_AGENTS",
                AgentSuspicion.Mode.class),
            suspectSilence,
            suspectUnanswered),
        maxHops,
        switch (answersTo.strip().toLowerCase(Locale.ROOT)) {
          case "agents" -> false;
          case "client" -> true;
          default ->
              throw new IllegalArgumentException(
                  "unknown value '"
                      + answersTo
                      + "' for --answers-to (or BROKER_ANSWERS_TO); use agents or client");
        },
        choice(errorReceiver, "--error-receiver", "BROKER_ERROR_RECEIVER", ErrorReceiver.class),
        grpcDeadline(),
        logFile);
  }

  /** An enum constant named by a word like {@code last-view}. */
  private static <E extends Enum<E>> E choice(
      String word, String option, String variable, Class<E> type) {
    String name = word.strip().toUpperCase(Locale.ROOT).replace('-', '_');
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equals(name)) {
        return constant;
      }
    }
    StringBuilder accepted = new StringBuilder();
    for (E constant : type.getEnumConstants()) {
      if (accepted.length() > 0) {
        accepted.append(", ");
      }
      accepted.append(constant.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }
    throw new IllegalArgumentException(
        "unknown value '" + word + "' for " + option + " (or " + variable + "); use " + accepted);
  }

  private @Nullable Duration grpcDeadline() {
    String text = blankToNull(grpcDeadlineSeconds);
    if (text == null) {
      return null;
    }
    try {
      java.math.BigDecimal seconds = new java.math.BigDecimal(text.strip());
      if (seconds.signum() <= 0) {
        throw new NumberFormatException("not positive");
      }
      return Duration.ofNanos(seconds.movePointRight(9).longValueExact());
    } catch (NumberFormatException | ArithmeticException invalid) {
      throw new IllegalArgumentException(
          "Invalid --grpc-deadline-seconds (or GRPC_DEADLINE_SECONDS) '"
              + grpcDeadlineSeconds
              + "'; write a positive number of seconds, e.g. 5 or 2.5",
          invalid);
    }
  }

  private TlsConfig tls() {
    String mechanism = rabbitAuthMechanism.strip().toUpperCase(Locale.ROOT);
    if (!mechanism.equals("PLAIN") && !mechanism.equals("EXTERNAL")) {
      throw new IllegalArgumentException(
          "unknown value '"
              + rabbitAuthMechanism
              + "' for --rabbitmq-auth-mechanism (or RABBITMQ_AUTH_MECHANISM); use PLAIN or"
              + " EXTERNAL");
    }
    return new TlsConfig(
        rabbitTrustCertificate,
        rabbitVerifyHostname,
        rabbitClientCertificate,
        rabbitClientKey,
        mechanism.equals("EXTERNAL"),
        grpcClientCertificate,
        grpcClientKey);
  }

  /** The RabbitMQ nodes: {@code --rabbitmq-addresses}, or else the one {@code --rabbitmq-host}. */
  private List<AmqpAddress> rabbitNodes() {
    String list = blankToNull(rabbitAddresses);
    if (list == null) {
      String host = blankToNull(rabbitHost);
      if (host == null) {
        throw new ParameterException(
            commandSpec().commandLine(),
            "Missing required option --rabbitmq-host (or environment variable RABBITMQ_HOST);"
                + " for a cluster, give --rabbitmq-addresses (RABBITMQ_ADDRESSES) instead");
      }
      try {
        return List.of(new AmqpAddress(host.strip(), rabbitPort));
      } catch (IllegalArgumentException invalid) {
        throw new ParameterException(
            commandSpec().commandLine(), "Invalid RabbitMQ address: " + invalid.getMessage());
      }
    }
    try {
      return AmqpAddress.parseList(list, rabbitPort);
    } catch (IllegalArgumentException invalid) {
      throw new ParameterException(
          commandSpec().commandLine(),
          "Invalid --rabbitmq-addresses (or RABBITMQ_ADDRESSES) '"
              + list
              + "': "
              + invalid.getMessage(),
          invalid);
    }
  }

  private QueueType queueType() {
    try {
      return QueueType.parse(queueType);
    } catch (IllegalArgumentException invalid) {
      throw new IllegalArgumentException(
          "Invalid --queue-type (or BROKER_QUEUE_TYPE): " + invalid.getMessage(), invalid);
    }
  }

  private DecisionHeaders decisionHeaders() {
    switch (routingHeaders.strip().toLowerCase(java.util.Locale.ROOT)) {
      case "full":
        return DecisionHeaders.FULL;
      case "routed-by":
        return DecisionHeaders.ROUTED_BY;
      case "none":
        return DecisionHeaders.NONE;
      default:
        throw new IllegalArgumentException(
            "unknown value '"
                + routingHeaders
                + "' for --routing-headers (or BROKER_ROUTING_HEADERS); use full, routed-by or"
                + " none");
    }
  }

  private <T> T required(@Nullable T value, String option) {
    if (value == null || (value instanceof String text && text.isBlank())) {
      throw new ParameterException(
          commandSpec().commandLine(),
          "Missing required option "
              + option
              + " (or environment variable "
              + ENVIRONMENT_VARIABLES.get(option)
              + ")");
    }
    return value;
  }

  private String password() {
    boolean passwordOption = matched("--rabbitmq-password");
    boolean fileOption = matched("--rabbitmq-password-file");
    if (passwordOption && fileOption) {
      throw new IllegalArgumentException(
          "Use either --rabbitmq-password or --rabbitmq-password-file, not both");
    }
    if (passwordOption) {
      return Objects.requireNonNull(rabbitPassword);
    }
    if (fileOption) {
      return readPassword(Objects.requireNonNull(rabbitPasswordFile), "--rabbitmq-password-file");
    }
    String fromEnvironment = environment.variable(PASSWORD_VARIABLE);
    if (fromEnvironment != null) {
      return fromEnvironment;
    }
    String file = environment.variable(PASSWORD_FILE_VARIABLE);
    if (file != null) {
      return readPassword(Path.of(file), PASSWORD_FILE_VARIABLE);
    }
    return "guest";
  }

  private static String readPassword(Path file, String source) {
    try {
      String content = Files.readString(file, StandardCharsets.UTF_8);
      // Files written by `echo` or by secret mounts end with a newline that is not the password.
      return content.replaceAll("[\\r\\n]+$", "");
    } catch (IOException | RuntimeException unreadable) {
      throw new IllegalArgumentException(
          "Cannot read the RabbitMQ password file "
              + file
              + " (from "
              + source
              + "): "
              + unreadable.getMessage(),
          unreadable);
    }
  }

  private String policy() {
    String name = RoutingPolicies.normalize(routingPolicy);
    if (!RoutingPolicies.names().contains(name)) {
      throw new IllegalArgumentException(
          "Unknown routing policy '"
              + routingPolicy
              + "' (--routing-policy or BROKER_ROUTING_POLICY); use one of "
              + String.join(", ", RoutingPolicies.names()));
    }
    return name;
  }

  private Availability availability() {
    try {
      return Availability.parse(routableStates);
    } catch (IllegalArgumentException invalid) {
      throw new IllegalArgumentException(
          "Invalid --routable-states (or BROKER_ROUTABLE_STATES) '"
              + routableStates
              + "': "
              + invalid.getMessage(),
          invalid);
    }
  }

  private LogFormat format() {
    switch (logFormat.strip().toLowerCase(Locale.ROOT)) {
      case "text":
        return LogFormat.TEXT;
      case "json":
        return LogFormat.JSON;
      default:
        throw new IllegalArgumentException(
            "Invalid --log-format (or BROKER_LOG_FORMAT) '" + logFormat + "'; use text or json");
    }
  }

  private @Nullable String level() {
    String level = blankToNull(logLevel);
    if (level == null) {
      return null;
    }
    String normalized = level.strip().toUpperCase(Locale.ROOT);
    switch (normalized) {
      case "ERROR":
      case "WARN":
      case "INFO":
      case "DEBUG":
      case "TRACE":
        return normalized;
      default:
        throw new IllegalArgumentException(
            "Invalid --log-level (or BROKER_LOG_LEVEL) '"
                + logLevel
                + "'; use error, warn, info, debug or trace");
    }
  }

  private boolean matched(String option) {
    return commandSpec().commandLine().getParseResult().hasMatchedOption(option);
  }

  private String hostname() {
    String fromEnvironment = environment.variable("HOSTNAME");
    if (fromEnvironment != null) {
      return fromEnvironment.strip();
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException unknown) {
      return "localhost";
    }
  }

  private static String generatedId() {
    return BrokerIdentity.generated("unused").id();
  }

  private static @Nullable String blankToNull(@Nullable String value) {
    return value == null || value.isBlank() ? null : value;
  }

  private CommandSpec commandSpec() {
    return Objects.requireNonNull(spec, "spec is injected by picocli");
  }

  private static Map<String, String> environmentVariables() {
    Map<String, String> variables = new LinkedHashMap<>();
    variables.put("--grpc-host", "GRPC_HOST");
    variables.put("--grpc-port", "GRPC_PORT");
    variables.put("--grpc-tls", "GRPC_TLS");
    variables.put("--grpc-trust-cert", "GRPC_TRUST_CERT");
    variables.put("--grpc-liveness-interval", "GRPC_LIVENESS_INTERVAL");
    variables.put("--rabbitmq-host", "RABBITMQ_HOST");
    variables.put("--rabbitmq-port", "RABBITMQ_PORT");
    variables.put("--rabbitmq-username", "RABBITMQ_USERNAME");
    variables.put("--rabbitmq-vhost", "RABBITMQ_VHOST");
    variables.put("--rabbitmq-tls", "RABBITMQ_TLS");
    variables.put("--rabbitmq-heartbeat", "RABBITMQ_HEARTBEAT");
    variables.put("--rabbitmq-trust-cert", "RABBITMQ_TRUST_CERT");
    variables.put("--rabbitmq-tls-verify-hostname", "RABBITMQ_TLS_VERIFY_HOSTNAME");
    variables.put("--rabbitmq-client-cert", "RABBITMQ_CLIENT_CERT");
    variables.put("--rabbitmq-client-key", "RABBITMQ_CLIENT_KEY");
    variables.put("--rabbitmq-auth-mechanism", "RABBITMQ_AUTH_MECHANISM");
    variables.put("--grpc-client-cert", "GRPC_CLIENT_CERT");
    variables.put("--grpc-client-key", "GRPC_CLIENT_KEY");
    variables.put("--broker-id", "BROKER_ID");
    variables.put("--broker-name", "BROKER_NAME");
    variables.put("--input-queue", "BROKER_INPUT_QUEUE");
    variables.put("--output-queue", "BROKER_OUTPUT_QUEUE");
    variables.put("--dead-letter-queue", "BROKER_DEAD_LETTER_QUEUE");
    variables.put("--rabbitmq-addresses", "RABBITMQ_ADDRESSES");
    variables.put("--queue-type", "BROKER_QUEUE_TYPE");
    variables.put("--declare-queues", "BROKER_DECLARE_QUEUES");
    variables.put("--prefetch", "BROKER_PREFETCH");
    variables.put("--snapshot-timeout", "BROKER_SNAPSHOT_TIMEOUT");
    variables.put("--drain-timeout", "BROKER_DRAIN_TIMEOUT");
    variables.put("--routing-policy", "BROKER_ROUTING_POLICY");
    variables.put("--park-timeout", "BROKER_PARK_TIMEOUT");
    variables.put("--wait-for-sticky-agent", "BROKER_WAIT_FOR_STICKY_AGENT");
    variables.put("--outstanding-expiry", "BROKER_OUTSTANDING_EXPIRY");
    variables.put("--routable-states", "BROKER_ROUTABLE_STATES");
    variables.put("--log-format", "BROKER_LOG_FORMAT");
    variables.put("--log-level", "BROKER_LOG_LEVEL");
    variables.put("--routing-headers", "BROKER_ROUTING_HEADERS");
    variables.put("--rabbitmq-message-id", "RABBITMQ_MESSAGE_ID");
    variables.put("--admin-port", "BROKER_ADMIN_PORT");
    variables.put("--admin-bind", "BROKER_ADMIN_BIND");
    variables.put("--readiness-staleness", "BROKER_READINESS_STALENESS");
    variables.put("--max-deliveries", "BROKER_MAX_DELIVERIES");
    variables.put("--status-hold", "BROKER_STATUS_HOLD");
    variables.put("--status-hold-grace", "BROKER_STATUS_HOLD_GRACE");
    variables.put("--suspect-agents", "BROKER_SUSPECT_AGENTS");
    variables.put("--suspect-silence", "BROKER_SUSPECT_SILENCE");
    variables.put("--suspect-unanswered", "BROKER_SUSPECT_UNANSWERED");
    variables.put("--max-hops", "BROKER_MAX_HOPS");
    variables.put("--answers-to", "BROKER_ANSWERS_TO");
    variables.put("--error-receiver", "BROKER_ERROR_RECEIVER");
    variables.put("--grpc-deadline-seconds", "GRPC_DEADLINE_SECONDS");
    variables.put("--log-file", "LOG_FILE");
    // The password and its file are read by password(), which knows command line from environment.
    return java.util.Collections.unmodifiableMap(variables);
  }
}
