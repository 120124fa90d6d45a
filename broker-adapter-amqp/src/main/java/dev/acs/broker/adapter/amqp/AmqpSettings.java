package dev.acs.broker.adapter.amqp;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * How to reach RabbitMQ and which queues to use. Defaults follow SPEC §3; queue names are
 * configurable so tests and deployments can isolate themselves.
 *
 * <p>{@code broker run}'s option groups build these settings directly through the {@link
 * AmqpSettingsBuilder} (connection, topology, TLS, publishing), so each value is declared here once
 * and validated here once, with a message that names it; the builder holds the defaults.
 *
 * @param host RabbitMQ host
 * @param port AMQP port (5672, or 5671 with TLS usually)
 * @param username user name
 * @param password password; never logged and left out of {@link #toString()}
 * @param virtualHost virtual host, {@code "/"} by default
 * @param tls whether to connect with TLS
 * @param tlsVerifyHostname with TLS, whether the server certificate must match {@code host}
 * @param trustStore with TLS, a PEM file of CA certificates or a PKCS12/JKS trust store; {@code
 *     null} uses the JVM default
 * @param trustStorePassword the trust store's password, or {@code null}
 * @param inputQueue the queue consumed ({@code broker_input_queue})
 * @param outputQueue the queue published to ({@code server_input_queue})
 * @param deadLetterQueue the broker's own queue for input it cannot or must not route
 * @param prefetch how many unacknowledged deliveries the server may send (basic.qos)
 * @param maxMessageBytes bodies larger than this are dead-lettered as too large
 * @param maxJsonDepth JSON nesting deeper than this is dead-lettered as too deep
 * @param connectionTimeout TCP connect and AMQP handshake timeout
 * @param reconnectInitial first delay between connection attempts
 * @param reconnectMax longest delay between connection attempts (the delay grows by 1.6)
 * @param heartbeat the AMQP heartbeat requested from the server, whole seconds ({@code 0s} turns
 *     heartbeats off); a silently dead connection is noticed about two heartbeats after its last
 *     frame
 * @param publishMessageId whether messages published to {@code outputQueue} carry the AMQP {@code
 *     message-id} property (the body's {@code message_id}); {@code true} by default. Leaving it out
 *     saves RabbitMQ work per message (docs/performance.md); the body keeps its {@code message_id}
 *     and dead letters keep the original properties either way
 * @param clientCertificate with TLS, a PEM file with the client certificate (and its chain) to
 *     present, or {@code null} for none; needs {@code clientKey}
 * @param clientKey the unencrypted PKCS#8 PEM key of {@code clientCertificate}, or {@code null}
 * @param externalAuth log in with the SASL {@code EXTERNAL} mechanism (RabbitMQ's {@code
 *     rabbitmq_auth_mechanism_ssl} plugin takes the user name from the client certificate) instead
 *     of user name and password; needs a client certificate
 * @param addresses every node the broker may connect to, {@code host}/{@code port} first; each
 *     connection tries them in a new random order on every (re)connect, so replicas spread over a
 *     cluster and land on a live node. A one-element list is the single-node form
 * @param queueType the type of the queues the broker declares (classic by default, as SPEC §3)
 * @param declareQueues whether the broker declares its queues ({@code true} by default); {@code
 *     false} only checks passively that they exist, so a topology provisioned by operators (any
 *     queue type, arguments or policies) is used as it is
 */
public record AmqpSettings(
    String host,
    int port,
    String username,
    String password,
    String virtualHost,
    boolean tls,
    boolean tlsVerifyHostname,
    @Nullable Path trustStore,
    @Nullable String trustStorePassword,
    String inputQueue,
    String outputQueue,
    String deadLetterQueue,
    int prefetch,
    int maxMessageBytes,
    int maxJsonDepth,
    Duration connectionTimeout,
    Duration reconnectInitial,
    Duration reconnectMax,
    Duration heartbeat,
    boolean publishMessageId,
    @Nullable Path clientCertificate,
    @Nullable Path clientKey,
    boolean externalAuth,
    List<AmqpAddress> addresses,
    QueueType queueType,
    boolean declareQueues) {

  /** The heartbeat requested by default. */
  public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(15);

  /** SPEC §3's consumed queue. */
  public static final String DEFAULT_INPUT_QUEUE = "broker_input_queue";

  /** SPEC §3's published-to queue. */
  public static final String DEFAULT_OUTPUT_QUEUE = "server_input_queue";

  /** The broker's own dead-letter queue (not part of the contract). */
  public static final String DEFAULT_DEAD_LETTER_QUEUE = "broker_dead_letter_queue";

  /** Checks every value and says which one is wrong. */
  public AmqpSettings {
    requireText(host, "host");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1..65535, was " + port);
    }
    requireText(username, "username");
    Objects.requireNonNull(password, "password");
    requireText(virtualHost, "virtualHost");
    requireQueueName(inputQueue, "inputQueue");
    requireQueueName(outputQueue, "outputQueue");
    requireQueueName(deadLetterQueue, "deadLetterQueue");
    if (inputQueue.equals(outputQueue)
        || inputQueue.equals(deadLetterQueue)
        || outputQueue.equals(deadLetterQueue)) {
      throw new IllegalArgumentException(
          "input, output and dead-letter queues must differ, were "
              + inputQueue
              + ", "
              + outputQueue
              + ", "
              + deadLetterQueue);
    }
    if (prefetch < 1) {
      throw new IllegalArgumentException("prefetch must be at least 1, was " + prefetch);
    }
    if (prefetch > 65535) {
      throw new IllegalArgumentException("prefetch must be at most 65535, was " + prefetch);
    }
    if (maxMessageBytes < 2) {
      throw new IllegalArgumentException(
          "maxMessageBytes must allow at least '{}', was " + maxMessageBytes);
    }
    if (maxJsonDepth < 1) {
      throw new IllegalArgumentException("maxJsonDepth must be at least 1, was " + maxJsonDepth);
    }
    requirePositive(connectionTimeout, "connectionTimeout");
    requirePositive(reconnectInitial, "reconnectInitial");
    requirePositive(reconnectMax, "reconnectMax");
    if (reconnectMax.compareTo(reconnectInitial) < 0) {
      throw new IllegalArgumentException(
          "reconnectMax ("
              + reconnectMax
              + ") must not be shorter than reconnectInitial ("
              + reconnectInitial
              + ")");
    }
    Objects.requireNonNull(heartbeat, "heartbeat");
    if (heartbeat.isNegative()
        || heartbeat.toNanosPart() != 0
        || heartbeat.compareTo(Duration.ofSeconds(65_535)) > 0) {
      throw new IllegalArgumentException(
          "RabbitMQ heartbeat must be whole seconds in 0s..65535s (0s turns it off), was "
              + heartbeat);
    }
    if (trustStore != null && !tls) {
      throw new IllegalArgumentException("a trustStore is set but tls is off");
    }
    if ((clientCertificate == null) != (clientKey == null)) {
      throw new IllegalArgumentException(
          "a client certificate needs its key and a key its certificate; got certificate "
              + clientCertificate
              + " and key "
              + clientKey);
    }
    if (clientCertificate != null && !tls) {
      throw new IllegalArgumentException("a client certificate is set but tls is off");
    }
    if (externalAuth && clientCertificate == null) {
      throw new IllegalArgumentException(
          "the EXTERNAL mechanism logs in with the client certificate, but none is set");
    }
    if (addresses == null || addresses.isEmpty()) {
      addresses = List.of(new AmqpAddress(host, port));
    } else {
      addresses = List.copyOf(addresses);
      if (!addresses.get(0).equals(new AmqpAddress(host, port))) {
        throw new IllegalArgumentException(
            "host:port ("
                + host
                + ":"
                + port
                + ") must be the first of the addresses "
                + addresses
                + "; use the builder's addresses(...)");
      }
    }
    Objects.requireNonNull(queueType, "queueType");
  }

  /** Settings for a local RabbitMQ with SPEC §3's queue names. */
  public static AmqpSettings defaults() {
    return builder().build();
  }

  /** A builder starting from {@link #defaults()}. */
  public static AmqpSettingsBuilder builder() {
    return new AmqpSettingsBuilder();
  }

  /** A builder starting from these settings. */
  public AmqpSettingsBuilder toBuilder() {
    return new AmqpSettingsBuilder(this);
  }

  /** {@code host:port}, or every address comma-separated for a cluster, for log lines. */
  public String endpoint() {
    return addresses.size() == 1
        ? host + ":" + port
        : addresses.stream().map(AmqpAddress::toString).collect(Collectors.joining(","));
  }

  @Override
  public String toString() {
    return "AmqpSettings{"
        + (tls ? "amqps://" : "amqp://")
        + username
        + "@"
        + endpoint()
        + " vhost="
        + virtualHost
        + ", tlsVerifyHostname="
        + tlsVerifyHostname
        + ", trustStore="
        + trustStore
        + ", queues="
        + inputQueue
        + "->"
        + outputQueue
        + " (dead letters: "
        + deadLetterQueue
        + "), prefetch="
        + prefetch
        + ", maxMessageBytes="
        + maxMessageBytes
        + ", maxJsonDepth="
        + maxJsonDepth
        + ", connectionTimeout="
        + connectionTimeout
        + ", reconnect="
        + reconnectInitial
        + ".."
        + reconnectMax
        + ", heartbeat="
        + heartbeat
        + ", publishMessageId="
        + publishMessageId
        + (clientCertificate == null ? "" : ", clientCertificate=" + clientCertificate)
        + (externalAuth ? ", auth=EXTERNAL" : "")
        + ", queueType="
        + queueType.wireName()
        + ", declareQueues="
        + declareQueues
        + "}";
  }

  private static void requireText(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }

  private static void requireQueueName(String value, String name) {
    requireText(value, name);
    if (value.length() > 255 || value.startsWith("amq.")) {
      throw new IllegalArgumentException(
          name + " must be at most 255 characters and not start with 'amq.', was '" + value + "'");
    }
  }

  private static void requirePositive(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
  }
}
