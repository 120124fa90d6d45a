package dev.acs.broker.app.config;

import dev.acs.broker.adapter.amqp.AmqpAddress;
import dev.acs.broker.adapter.amqp.QueueType;
import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.agent.Availability;
import dev.acs.broker.core.application.DecisionHeaders;
import dev.acs.broker.core.application.ErrorReceiver;
import dev.acs.broker.core.application.RedeliveryGuard;
import dev.acs.broker.core.application.StatusHold;
import dev.acs.broker.core.routing.AgentSuspicion;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything {@code broker run} was told, validated: the object the Dagger graph is built from.
 *
 * <p>{@link #toString()} never shows the RabbitMQ password.
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
 * @param publishing what the broker adds to published messages
 * @param redelivery when a message that keeps coming back is set aside
 * @param interop how the broker meets the real central server's behaviours (SPEC §7)
 * @param tls TLS material of both links beyond the on/off switches
 */
public record BrokerConfig(
    BrokerIdentity identity,
    Grpc grpc,
    RabbitMq rabbitMq,
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
    Publishing publishing,
    Redelivery redelivery,
    Interop interop,
    TlsConfig tls) {

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
    Objects.requireNonNull(publishing, "publishing");
    Objects.requireNonNull(redelivery, "redelivery");
    Objects.requireNonNull(interop, "interop");
    Objects.requireNonNull(tls, "tls");
    if (tls.rabbitTrustCertificate() != null && !rabbitMq.tls()) {
      throw new IllegalArgumentException(
          "--rabbitmq-trust-cert is only used with TLS; add --rabbitmq-tls");
    }
    if (tls.rabbitClientCertificate() != null && !rabbitMq.tls()) {
      throw new IllegalArgumentException(
          "--rabbitmq-client-cert is only used with TLS; add --rabbitmq-tls");
    }
    if (tls.grpcClientCertificate() != null && !grpc.tls()) {
      throw new IllegalArgumentException(
          "--grpc-client-cert is only used with TLS; add --grpc-tls");
    }
  }

  /** A configuration with the default {@link Interop} settings and {@link TlsConfig#DEFAULTS}. */
  public BrokerConfig(
      BrokerIdentity identity,
      Grpc grpc,
      RabbitMq rabbitMq,
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
      Publishing publishing,
      Redelivery redelivery) {
    this(
        identity,
        grpc,
        rabbitMq,
        snapshotTimeout,
        drainTimeout,
        routingPolicy,
        parkTimeout,
        waitForStickyAgent,
        outstandingExpiry,
        routableStates,
        logFormat,
        logLevel,
        admin,
        publishing,
        redelivery,
        Interop.DEFAULTS,
        TlsConfig.DEFAULTS);
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
   * A configuration with the admin endpoint off ({@link Admin#DISABLED}) that publishes with {@link
   * Publishing#EXPLAINED} and has the default redelivery limit ({@link Redelivery#DEFAULT}).
   */
  public BrokerConfig(
      BrokerIdentity identity,
      Grpc grpc,
      RabbitMq rabbitMq,
      Duration snapshotTimeout,
      Duration drainTimeout,
      String routingPolicy,
      Duration parkTimeout,
      boolean waitForStickyAgent,
      Duration outstandingExpiry,
      Availability routableStates,
      LogFormat logFormat,
      @Nullable String logLevel) {
    this(
        identity,
        grpc,
        rabbitMq,
        snapshotTimeout,
        drainTimeout,
        routingPolicy,
        parkTimeout,
        waitForStickyAgent,
        outstandingExpiry,
        routableStates,
        logFormat,
        logLevel,
        Admin.DISABLED,
        Publishing.EXPLAINED,
        Redelivery.DEFAULT,
        Interop.DEFAULTS,
        TlsConfig.DEFAULTS);
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
   * @param grpcDeadline the deadline of the broker's unary gRPC calls ({@code
   *     GRPC_DEADLINE_SECONDS}), or {@code null} for the defaults (5 s registration, probe at most
   *     10 s and half the liveness interval)
   * @param logFile a file the log is also written to ({@code LOG_FILE}), or {@code null}
   */
  public record Interop(
      StatusHold.Mode statusHold,
      Duration statusHoldGrace,
      AgentSuspicion.Settings suspicion,
      int maxHops,
      boolean answersToClient,
      ErrorReceiver errorReceiver,
      @Nullable Duration grpcDeadline,
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
            null,
            null);

    /** Requires every value but the deadline and the log file; checks ranges. */
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
      if (grpcDeadline != null && (grpcDeadline.isNegative() || grpcDeadline.isZero())) {
        throw new IllegalArgumentException("gRPC deadline must be positive, was " + grpcDeadline);
      }
    }
  }

  /**
   * What the broker adds to each message it publishes to the server, beyond the body: every header
   * and property costs RabbitMQ work per message (see {@code docs/performance.md}).
   *
   * @param decisionHeaders which explanatory {@code x-routing-*} headers routed messages carry
   * @param messageId whether the AMQP {@code message-id} property carries the {@code message_id}
   */
  public record Publishing(DecisionHeaders decisionHeaders, boolean messageId) {

    /** Every explanatory header and the message id: the default. */
    public static final Publishing EXPLAINED = new Publishing(DecisionHeaders.FULL, true);

    /** Requires the header choice. */
    public Publishing {
      Objects.requireNonNull(decisionHeaders, "decisionHeaders");
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

  /**
   * The central server's address.
   *
   * @param host host name or address
   * @param port TCP port
   * @param tls whether to use TLS
   * @param trustCertificate a PEM file of trusted certificates for TLS, or {@code null} for the
   *     JDK's trust store
   * @param livenessInterval how often the liveness probe ({@code GetAgentStatus}) runs; a silently
   *     dead connection is noticed within about 2.4 times this
   */
  public record Grpc(
      String host,
      int port,
      boolean tls,
      @Nullable Path trustCertificate,
      Duration livenessInterval) {

    /**
     * The liveness probe interval by default: short enough that the probe's fresh {@code last_seen}
     * values reveal a silent agent within a minute (SPEC §7), one small unary call per interval.
     */
    public static final Duration DEFAULT_LIVENESS_INTERVAL = Duration.ofSeconds(10);

    /** Requires a host, a valid port and a positive liveness interval. */
    public Grpc {
      Objects.requireNonNull(host, "host");
      requirePort(port, "gRPC");
      Objects.requireNonNull(livenessInterval, "livenessInterval");
      if (livenessInterval.isNegative() || livenessInterval.isZero()) {
        throw new IllegalArgumentException(
            "gRPC liveness interval must be positive, was " + livenessInterval);
      }
    }

    /** With the default liveness interval. */
    public Grpc(String host, int port, boolean tls, @Nullable Path trustCertificate) {
      this(host, port, tls, trustCertificate, DEFAULT_LIVENESS_INTERVAL);
    }
  }

  /**
   * RabbitMQ's address, credentials and the broker's queues.
   *
   * @param host host name or address
   * @param port TCP port
   * @param username user name
   * @param password password; never logged
   * @param virtualHost virtual host
   * @param tls whether to use TLS
   * @param inputQueue the queue consumed ({@code broker_input_queue})
   * @param outputQueue the queue published to ({@code server_input_queue})
   * @param deadLetterQueue the broker's own queue for messages it cannot route
   * @param prefetch how many unacknowledged messages the broker holds at most
   * @param heartbeat the AMQP heartbeat to request, whole seconds; {@code 0s} turns it off
   * @param addresses every node of a cluster, {@code host}/{@code port} first; the one-address form
   *     when it has one element
   * @param queueType the type of the queues the broker declares
   * @param declareQueues whether the broker declares its queues or only checks that they exist
   */
  public record RabbitMq(
      String host,
      int port,
      String username,
      String password,
      String virtualHost,
      boolean tls,
      String inputQueue,
      String outputQueue,
      String deadLetterQueue,
      int prefetch,
      Duration heartbeat,
      List<AmqpAddress> addresses,
      QueueType queueType,
      boolean declareQueues) {

    /** The AMQP heartbeat by default. */
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(15);

    /** Requires every value; a port in range, a positive prefetch, a heartbeat in seconds. */
    public RabbitMq {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(password, "password");
      Objects.requireNonNull(virtualHost, "virtualHost");
      Objects.requireNonNull(inputQueue, "inputQueue");
      Objects.requireNonNull(outputQueue, "outputQueue");
      Objects.requireNonNull(deadLetterQueue, "deadLetterQueue");
      requirePort(port, "RabbitMQ");
      if (prefetch < 1) {
        throw new IllegalArgumentException("prefetch must be at least 1, was " + prefetch);
      }
      Objects.requireNonNull(heartbeat, "heartbeat");
      if (heartbeat.isNegative()
          || heartbeat.toNanosPart() != 0
          || heartbeat.compareTo(Duration.ofSeconds(65_535)) > 0) {
        throw new IllegalArgumentException(
            "RabbitMQ heartbeat must be whole seconds in 0s..65535s (0s turns it off), was "
                + heartbeat);
      }
      addresses =
          addresses == null || addresses.isEmpty()
              ? List.of(new AmqpAddress(host, port))
              : List.copyOf(addresses);
      if (!addresses.get(0).equals(new AmqpAddress(host, port))) {
        throw new IllegalArgumentException(
            "RabbitMQ host:port " + host + ":" + port + " must be the first of " + addresses);
      }
      Objects.requireNonNull(queueType, "queueType");
    }

    /** One node, classic queues declared by the broker: the form before clusters. */
    public RabbitMq(
        String host,
        int port,
        String username,
        String password,
        String virtualHost,
        boolean tls,
        String inputQueue,
        String outputQueue,
        String deadLetterQueue,
        int prefetch,
        Duration heartbeat) {
      this(
          host,
          port,
          username,
          password,
          virtualHost,
          tls,
          inputQueue,
          outputQueue,
          deadLetterQueue,
          prefetch,
          heartbeat,
          List.of(),
          QueueType.CLASSIC,
          true);
    }

    /** With the default heartbeat. */
    public RabbitMq(
        String host,
        int port,
        String username,
        String password,
        String virtualHost,
        boolean tls,
        String inputQueue,
        String outputQueue,
        String deadLetterQueue,
        int prefetch) {
      this(
          host,
          port,
          username,
          password,
          virtualHost,
          tls,
          inputQueue,
          outputQueue,
          deadLetterQueue,
          prefetch,
          DEFAULT_HEARTBEAT);
    }

    /** Like the generated one, with the password masked. */
    @Override
    public String toString() {
      return "RabbitMq[host="
          + host
          + ", port="
          + port
          + ", username="
          + username
          + ", password=****, virtualHost="
          + virtualHost
          + ", tls="
          + tls
          + ", inputQueue="
          + inputQueue
          + ", outputQueue="
          + outputQueue
          + ", deadLetterQueue="
          + deadLetterQueue
          + ", prefetch="
          + prefetch
          + ", heartbeat="
          + heartbeat
          + ", addresses="
          + addresses
          + ", queueType="
          + queueType.wireName()
          + ", declareQueues="
          + declareQueues
          + "]";
    }
  }

  private static void requirePort(int port, String what) {
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException(what + " port must be in 1..65535, was " + port);
    }
  }
}
