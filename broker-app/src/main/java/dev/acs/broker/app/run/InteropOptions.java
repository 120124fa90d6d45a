package dev.acs.broker.app.run;

import dev.acs.broker.app.config.BrokerConfig;
import dev.acs.broker.app.config.DurationConverter;
import dev.acs.broker.app.config.EnvironmentDefaults;
import dev.acs.broker.core.application.ErrorReceiver;
import dev.acs.broker.core.application.StatusHold;
import dev.acs.broker.core.routing.AgentSuspicion;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code broker run}'s options for meeting the real central server's behaviours (SPEC §7,
 * docs/interop.md; issue 17), and the system's own variables {@code GRPC_DEADLINE_SECONDS} and
 * {@code LOG_FILE}.
 */
final class InteropOptions {

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

  BrokerConfig.Interop toConfig(CommandSpec command) {
    return new BrokerConfig.Interop(
        choice(command, statusHold, "--status-hold", StatusHold.Mode.class),
        statusHoldGrace,
        new AgentSuspicion.Settings(
            choice(command, suspectAgents, "--suspect-agents", AgentSuspicion.Mode.class),
            suspectSilence,
            suspectUnanswered),
        maxHops,
        switch (answersTo.strip().toLowerCase(Locale.ROOT)) {
          case "agents" -> false;
          case "client" -> true;
          default ->
              throw EnvironmentDefaults.unknownValue(
                  command, "--answers-to", answersTo, "agents or client");
        },
        choice(command, errorReceiver, "--error-receiver", ErrorReceiver.class),
        logFile);
  }

  /** An enum constant named by a word like {@code last-view}. */
  private static <E extends Enum<E>> E choice(
      CommandSpec command, String word, String option, Class<E> type) {
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
    throw EnvironmentDefaults.unknownValue(command, option, word, accepted.toString());
  }

  /** {@code --grpc-deadline-seconds}, which the gRPC settings take, or {@code null}. */
  @Nullable Duration grpcDeadline(CommandSpec command) {
    if (grpcDeadlineSeconds == null || grpcDeadlineSeconds.isBlank()) {
      return null;
    }
    try {
      BigDecimal seconds = new BigDecimal(grpcDeadlineSeconds.strip());
      if (seconds.signum() <= 0) {
        throw new NumberFormatException("not positive");
      }
      return Duration.ofNanos(seconds.movePointRight(9).longValueExact());
    } catch (NumberFormatException | ArithmeticException invalid) {
      throw new IllegalArgumentException(
          "Invalid "
              + EnvironmentDefaults.named(command, "--grpc-deadline-seconds")
              + " '"
              + grpcDeadlineSeconds
              + "'; write a positive number of seconds, e.g. 5 or 2.5",
          invalid);
    }
  }
}
