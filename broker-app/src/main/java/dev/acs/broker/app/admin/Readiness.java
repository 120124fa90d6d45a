package dev.acs.broker.app.admin;

import dev.acs.broker.adapter.amqp.AmqpHealth;
import dev.acs.broker.adapter.grpc.GrpcHealth;
import dev.acs.broker.core.agent.RegistryHealth;
import dev.acs.broker.core.application.StatusHold;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Whether the broker is ready to route: the pure evaluation behind {@code /health/ready}, over
 * snapshots of the links' health, so it is tested with plain values.
 *
 * <p>Ready means: running (not starting, not stopping), registered with the central server, a full
 * agent snapshot received over a connected status stream and no older than the staleness bound (the
 * gRPC adapter's periodic {@code GetAgentStatus} probe refreshes it even when nothing changes), and
 * both RabbitMQ connections open.
 */
public final class Readiness {

  /** Name of the check on the broker's own phase. */
  public static final String LIFECYCLE = "lifecycle";

  /** Name of the check on the registration with the central server. */
  public static final String REGISTRATION = "central-server-registration";

  /** Name of the check on the agent view. */
  public static final String AGENT_STATUS = "agent-status";

  /** Name of the check on RabbitMQ. */
  public static final String RABBITMQ = "rabbitmq";

  /** The name of the check that fails while routing is held (issue 17). */
  public static final String ROUTING = "routing";

  private Readiness() {}

  /** Where the broker is in its run. */
  public enum Phase {
    /** Registering, waiting for the first snapshot, connecting to RabbitMQ. */
    STARTING,
    /** Consuming. */
    RUNNING,
    /** Draining and closing after a stop request. */
    STOPPING
  }

  /**
   * One check's verdict.
   *
   * @param name the check's stable name
   * @param ok whether it passes
   * @param detail what was found, for people
   */
  public record Check(String name, boolean ok, String detail) {
    /** Requires a name and a detail. */
    public Check {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /**
   * Every check's verdict.
   *
   * @param ready whether every check passes
   * @param checks the checks, in a fixed order
   */
  public record Report(boolean ready, List<Check> checks) {
    /** Copies the checks. */
    public Report {
      checks = List.copyOf(checks);
    }

    /** The names of the failing checks. */
    public List<String> failing() {
      List<String> names = new ArrayList<>();
      for (Check check : checks) {
        if (!check.ok()) {
          names.add(check.name());
        }
      }
      return names;
    }
  }

  /**
   * Evaluates readiness.
   *
   * @param staleness how old the agent view may be
   */
  public static Report evaluate(
      Phase phase, GrpcHealth grpc, RegistryHealth registry, AmqpHealth amqp, Duration staleness) {
    List<Check> checks = new ArrayList<>();
    checks.add(lifecycle(phase));
    checks.add(registration(grpc));
    checks.add(agentStatus(registry, staleness));
    checks.add(rabbitMq(phase, registry, amqp));
    return new Report(checks.stream().allMatch(Check::ok), checks);
  }

  /**
   * {@code report} with a {@value #ROUTING} check added: down while routing is held because the
   * status stream has been down for longer than the grace (SPEC §7 restart safety).
   */
  public static Report withRouting(Report report, StatusHold hold, Instant now) {
    List<Check> checks = new ArrayList<>(report.checks());
    Check routing;
    if (hold.declared() && hold.holds()) {
      Duration down = Duration.between(hold.downSince().orElse(now), now);
      routing =
          new Check(
              ROUTING,
              false,
              "holding: agent status stream down for "
                  + Durations.human(down)
                  + "; messages wait for a full snapshot");
    } else if (hold.declared()) {
      routing =
          new Check(ROUTING, true, "routing on the last agent view (--status-hold last-view)");
    } else {
      routing = new Check(ROUTING, true, "routing");
    }
    checks.add(routing);
    return new Report(report.ready() && routing.ok(), checks);
  }

  private static Check lifecycle(Phase phase) {
    return switch (phase) {
      case STARTING -> new Check(LIFECYCLE, false, "starting up");
      case STOPPING -> new Check(LIFECYCLE, false, "shutting down");
      default -> new Check(LIFECYCLE, true, "consuming");
    };
  }

  private static Check registration(GrpcHealth grpc) {
    if (grpc.registered()) {
      return new Check(REGISTRATION, true, "registered");
    }
    return new Check(
        REGISTRATION,
        false,
        "not registered" + grpc.lastProblem().map(problem -> ": " + problem).orElse(""));
  }

  private static Check agentStatus(RegistryHealth registry, Duration staleness) {
    if (!registry.snapshotReceived()) {
      return new Check(AGENT_STATUS, false, "waiting for the first snapshot");
    }
    if (!registry.streamConnected()) {
      String why = registry.interruption();
      return new Check(AGENT_STATUS, false, "status stream down" + (why == null ? "" : ": " + why));
    }
    Duration age = registry.age().orElse(Duration.ZERO);
    if (age.compareTo(staleness) > 0) {
      return new Check(
          AGENT_STATUS,
          false,
          "agent view is stale: last update "
              + Durations.human(age)
              + " ago, bound "
              + Durations.human(staleness));
    }
    return new Check(
        AGENT_STATUS,
        true,
        "last update " + Durations.human(age) + " ago (bound " + Durations.human(staleness) + ")");
  }

  private static Check rabbitMq(Phase phase, RegistryHealth registry, AmqpHealth amqp) {
    if (amqp.ready()) {
      return new Check(
          RABBITMQ,
          true,
          "consumer and publisher connections open"
              + (amqp.consumerNode() == null && amqp.publisherNode() == null
                  ? ""
                  : " (consumer on "
                      + amqp.consumerNode()
                      + ", publisher on "
                      + amqp.publisherNode()
                      + ")"));
    }
    if (phase == Phase.STARTING && amqp.lastError() == null) {
      return new Check(
          RABBITMQ,
          false,
          registry.snapshotReceived()
              ? "connecting"
              : "not connected yet (connects after the first agent snapshot)");
    }
    List<String> down = new ArrayList<>();
    if (!amqp.consumerOpen()) {
      down.add("consumer");
    }
    if (!amqp.publisherOpen()) {
      down.add("publisher");
    }
    return new Check(
        RABBITMQ,
        false,
        String.join(" and ", down)
            + " connection down"
            + (amqp.lastError() == null ? "" : ": " + amqp.lastError()));
  }
}
