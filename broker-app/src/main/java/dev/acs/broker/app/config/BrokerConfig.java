package dev.acs.broker.app.config;

import dev.acs.broker.adapter.amqp.AmqpSettings;
import dev.acs.broker.adapter.grpc.GrpcSettings;
import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.agent.Availability;
import dev.acs.broker.core.application.DecisionHeaders;
import dev.acs.broker.core.application.ErrorReceiver;
import dev.acs.broker.core.application.RedeliveryGuard;
import dev.acs.broker.core.application.StatusHold;
import dev.acs.broker.core.routing.AgentSuspicion;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What {@code broker run} was told that is the launcher's own, validated, beside the adapters'
 * settings it parsed: the object the Dagger graph is built from. The RabbitMQ and gRPC parts are
 * the adapters' own {@link AmqpSettings} and {@link GrpcSettings}, built by the option groups of
 * {@code run}, so no setting is declared twice.
 *
 * <p>{@link #toString()} never shows the RabbitMQ password ({@link AmqpSettings#toString()}).
 *
 * @param identity who this broker is
 * @param grpc where and how to reach the central server
 * @param rabbitMq where and how to reach RabbitMQ, and which queues to use
 * @param snapshotTimeout how long start-up waits for the first agent snapshot
 * @param drainTimeout how long shutdown waits for in-flight messages to settle
 * @param routingPolicy the name of the routing policy (see {@code RoutingPolicies})
 * @param parkTimeout how long a message nobody can take yet may wait for an agent; zero rejects it
 *     at once, as the reference broker did
 * @param waitForStickyAgent whether the sticky policy parks a message for its conversation's busy
 *     agent rather than choosing another
 * @param outstandingExpiry how long a routed message counts as its agent's unanswered work
 * @param routableStates which agent states may receive messages, in tiers of preference
 * @param logFormat how log lines are written
 * @param logLevel the level of the broker's own loggers, or {@code null} for the default
 * @param admin the admin HTTP endpoint (metrics, health, agents); off by default
 * @param decisionHeaders which explanatory {@code x-routing-*} headers routed messages carry; every
 *     header costs RabbitMQ work per message (see {@code docs/performance.md})
 * @param redelivery when a message that keeps coming back is set aside
 * @param interop how the broker meets the real central server's behaviours (SPEC §7)
 */
public record BrokerConfig(
    BrokerIdentity identity,
    GrpcSettings grpc,
    AmqpSettings rabbitMq,
    Duration snapshotTimeout,
    Duration drainTimeout,
    String routingPolicy,
    Duration parkTimeout,
    boolean waitForStickyAgent,
    Duration outstandingExpiry,
    Availability routableStates,
    LogFormat logFormat,
    @Nullable String logLevel,
    Admin admin,
    DecisionHeaders decisionHeaders,
    Redelivery redelivery,
    Interop interop) {

  /**
   * The routable states by default, as {@code --routable-states} writes them: the reference
   * broker's ({@link Availability#reference()}).
   */
  public static final String DEFAULT_ROUTABLE_STATES = "idle>busy,initializing";

  /** Requires every part but the log level. */
  public BrokerConfig {
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(grpc, "grpc");
    Objects.requireNonNull(rabbitMq, "rabbitMq");
    Objects.requireNonNull(snapshotTimeout, "snapshotTimeout");
    Objects.requireNonNull(drainTimeout, "drainTimeout");
    Objects.requireNonNull(routingPolicy, "routingPolicy");
    Objects.requireNonNull(parkTimeout, "parkTimeout");
    if (parkTimeout.isNegative()) {
      throw new IllegalArgumentException("park timeout must not be negative, was " + parkTimeout);
    }
    Objects.requireNonNull(outstandingExpiry, "outstandingExpiry");
    if (outstandingExpiry.isNegative() || outstandingExpiry.isZero()) {
      throw new IllegalArgumentException(
          "outstanding expiry must be positive, was " + outstandingExpiry);
    }
    Objects.requireNonNull(routableStates, "routableStates");
    Objects.requireNonNull(logFormat, "logFormat");
    Objects.requireNonNull(admin, "admin");
    Objects.requireNonNull(decisionHeaders, "decisionHeaders");
    Objects.requireNonNull(redelivery, "redelivery");
    Objects.requireNonNull(interop, "interop");
  }

  /**
   * The last line of defence against a redelivery loop: a message delivered more than {@code
   * maxDeliveries} times goes to the dead-letter queue with reason {@code redelivered-too-often}
   * instead of being handled again. Quorum queues count deliveries themselves ({@code
   * x-delivery-count}); on classic queues the broker remembers redelivered messages for a while.
   *
   * @param maxDeliveries how many deliveries of one message are handled at most (at least 1)
   */
  public record Redelivery(int maxDeliveries) {

    /** {@link RedeliveryGuard#DEFAULT_MAX_DELIVERIES} deliveries. */
    public static final Redelivery DEFAULT = new Redelivery(RedeliveryGuard.DEFAULT_MAX_DELIVERIES);

    /** Requires a limit of at least 1. */
    public Redelivery {
      if (maxDeliveries < 1) {
        throw new IllegalArgumentException(
            "max deliveries must be at least 1, was " + maxDeliveries);
      }
    }
  }

  /**
   * How the broker meets the real central server's behaviours (SPEC §7, {@code docs/interop.md}):
   * each value trades compatibility with the reference broker for safety, and the defaults choose
   * safety.
   *
   * @param statusHold what routing does while the status stream is down
   * @param statusHoldGrace how long the stream may be down before the hold is declared (and, with
   *     {@code last-view}, routing resumes on the last view)
   * @param suspicion which agents the broker distrusts although the server lists them, and what it
   *     does with them
   * @param maxHops the longest agent-to-agent answer chain routed; 0 for no limit (the reference)
   * @param answersToClient whether an agent's answer goes back to the frontend client that asked
   * @param errorReceiver to whom "no agent" errors are addressed
   * @param logFile a file the log is also written to ({@code LOG_FILE}), or {@code null}
   */
  public record Interop(
      StatusHold.Mode statusHold,
      Duration statusHoldGrace,
      AgentSuspicion.Settings suspicion,
      int maxHops,
      boolean answersToClient,
      ErrorReceiver errorReceiver,
      @Nullable Path logFile) {

    /** The default longest answer chain: an answer, and one answer to it, reach other agents. */
    public static final int DEFAULT_MAX_HOPS = 2;

    /** The default grace before a status hold is declared. */
    public static final Duration DEFAULT_HOLD_GRACE = Duration.ofSeconds(1);

    /** Every default: hold, suspicion by demotion, 2 hops, errors to "Server". */
    public static final Interop DEFAULTS =
        new Interop(
            StatusHold.Mode.HOLD,
            DEFAULT_HOLD_GRACE,
            AgentSuspicion.Settings.DEFAULTS,
            DEFAULT_MAX_HOPS,
            false,
            ErrorReceiver.SERVER,
            null);

    /** Requires every value but the log file; checks ranges. */
    public Interop {
      Objects.requireNonNull(statusHold, "statusHold");
      Objects.requireNonNull(statusHoldGrace, "statusHoldGrace");
      if (statusHoldGrace.isNegative()) {
        throw new IllegalArgumentException(
            "status hold grace must not be negative, was " + statusHoldGrace);
      }
      Objects.requireNonNull(suspicion, "suspicion");
      if (maxHops < 0) {
        throw new IllegalArgumentException("max hops must be 0 (no limit) or more, was " + maxHops);
      }
      Objects.requireNonNull(errorReceiver, "errorReceiver");
    }
  }

  /**
   * The admin HTTP endpoint: {@code /metrics}, {@code /health/live}, {@code /health/ready}, {@code
   * /agents}.
   *
   * @param bindAddress the address to listen on ({@code 127.0.0.1} unless told otherwise)
   * @param port the TCP port; 0 turns the endpoint off
   * @param readinessStaleness how old the agent view may get before the broker reports unready
   */
  public record Admin(String bindAddress, int port, Duration readinessStaleness) {

    /** The default bind address: loopback only. */
    public static final String DEFAULT_BIND = "127.0.0.1";

    /** The default readiness staleness bound. */
    public static final Duration DEFAULT_STALENESS = Duration.ofMinutes(5);

    /** The endpoint off, with the default bind address and staleness bound. */
    public static final Admin DISABLED = new Admin(DEFAULT_BIND, 0, DEFAULT_STALENESS);

    /** Requires a bind address, a port in 0..65535 and a positive staleness bound. */
    public Admin {
      Objects.requireNonNull(bindAddress, "bindAddress");
      if (bindAddress.isBlank()) {
        throw new IllegalArgumentException("admin bind address must not be blank");
      }
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("admin port must be in 0..65535, was " + port);
      }
      Objects.requireNonNull(readinessStaleness, "readinessStaleness");
      if (readinessStaleness.isNegative() || readinessStaleness.isZero()) {
        throw new IllegalArgumentException(
            "readiness staleness must be positive, was " + readinessStaleness);
      }
    }

    /** Whether the endpoint is on. */
    public boolean enabled() {
      return port != 0;
    }
  }

  /** How log lines are written. */
  public enum LogFormat {
    /** One human-readable line per event. */
    TEXT,
    /** One JSON object per line (Logback's {@code JsonEncoder}). */
    JSON
  }
}
