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
 * <p>{@code broker run}'s option groups build these settings directly through the {@link Builder}
 * (connection, topology, TLS, publishing), so this record is the one place where each value, its
 * default and its validation live. The file is longer than the project's ~350 lines for that
 * reason: 26 values, each checked with a message that names it, and a builder whose setters hold
 * the defaults. Grouping them into nested records would not shorten a rule: the builder's flat
 * setters stay (the option groups and about 40 tests set single values), and the queue names alone
 * are read at over 100 places that would then go through a group.
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
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these settings. */
  public Builder toBuilder() {
    return new Builder(this);
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

  /** Builds settings; every value starts at its default. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port = 5672;
    private String username = "guest";
    private String password = "guest";
    private String virtualHost = "/";
    private boolean tls;
    private boolean tlsVerifyHostname = true;
    private @Nullable Path trustStore;
    private @Nullable String trustStorePassword;
    private String inputQueue = DEFAULT_INPUT_QUEUE;
    private String outputQueue = DEFAULT_OUTPUT_QUEUE;
    private String deadLetterQueue = DEFAULT_DEAD_LETTER_QUEUE;
    private int prefetch = 250;
    private int maxMessageBytes = 1024 * 1024;
    private int maxJsonDepth = 64;
    private Duration connectionTimeout = Duration.ofSeconds(10);
    private Duration reconnectInitial = Duration.ofSeconds(1);
    private Duration reconnectMax = Duration.ofSeconds(30);
    private Duration heartbeat = DEFAULT_HEARTBEAT;
    private boolean publishMessageId = true;
    private @Nullable Path clientCertificate;
    private @Nullable Path clientKey;
    private boolean externalAuth;
    private List<AmqpAddress> addresses = List.of();
    private QueueType queueType = QueueType.CLASSIC;
    private boolean declareQueues = true;

    private Builder() {}

    private Builder(AmqpSettings s) {
      host = s.host;
      port = s.port;
      username = s.username;
      password = s.password;
      virtualHost = s.virtualHost;
      tls = s.tls;
      tlsVerifyHostname = s.tlsVerifyHostname;
      trustStore = s.trustStore;
      trustStorePassword = s.trustStorePassword;
      inputQueue = s.inputQueue;
      outputQueue = s.outputQueue;
      deadLetterQueue = s.deadLetterQueue;
      prefetch = s.prefetch;
      maxMessageBytes = s.maxMessageBytes;
      maxJsonDepth = s.maxJsonDepth;
      connectionTimeout = s.connectionTimeout;
      reconnectInitial = s.reconnectInitial;
      reconnectMax = s.reconnectMax;
      heartbeat = s.heartbeat;
      publishMessageId = s.publishMessageId;
      clientCertificate = s.clientCertificate;
      clientKey = s.clientKey;
      externalAuth = s.externalAuth;
      addresses = s.addresses.size() == 1 ? List.of() : s.addresses;
      queueType = s.queueType;
      declareQueues = s.declareQueues;
    }

    /** RabbitMQ host: the one-address form, replacing any {@link #addresses} list. */
    public Builder host(String value) {
      host = value;
      addresses = List.of();
      return this;
    }

    /** AMQP port: the one-address form, replacing any {@link #addresses} list. */
    public Builder port(int value) {
      port = value;
      addresses = List.of();
      return this;
    }

    /** User name. */
    public Builder username(String value) {
      username = value;
      return this;
    }

    /** Password. */
    public Builder password(String value) {
      password = value;
      return this;
    }

    /** Virtual host. */
    public Builder virtualHost(String value) {
      virtualHost = value;
      return this;
    }

    /** TLS on or off. */
    public Builder tls(boolean value) {
      tls = value;
      return this;
    }

    /** Host name verification under TLS. */
    public Builder tlsVerifyHostname(boolean value) {
      tlsVerifyHostname = value;
      return this;
    }

    /** A trust store for TLS instead of the JVM default. */
    public Builder trustStore(@Nullable Path path, @Nullable String storePassword) {
      trustStore = path;
      trustStorePassword = storePassword;
      return this;
    }

    /** The consumed queue. */
    public Builder inputQueue(String value) {
      inputQueue = value;
      return this;
    }

    /** The published-to queue. */
    public Builder outputQueue(String value) {
      outputQueue = value;
      return this;
    }

    /** The dead-letter queue. */
    public Builder deadLetterQueue(String value) {
      deadLetterQueue = value;
      return this;
    }

    /** basic.qos prefetch count. */
    public Builder prefetch(int value) {
      prefetch = value;
      return this;
    }

    /** Body size limit. */
    public Builder maxMessageBytes(int value) {
      maxMessageBytes = value;
      return this;
    }

    /** JSON nesting limit. */
    public Builder maxJsonDepth(int value) {
      maxJsonDepth = value;
      return this;
    }

    /** Connect timeout. */
    public Builder connectionTimeout(Duration value) {
      connectionTimeout = value;
      return this;
    }

    /** Reconnection backoff bounds. */
    public Builder reconnectBackoff(Duration initial, Duration max) {
      reconnectInitial = initial;
      reconnectMax = max;
      return this;
    }

    /** The AMQP heartbeat to request, whole seconds; {@code 0s} turns it off. */
    public Builder heartbeat(Duration value) {
      heartbeat = value;
      return this;
    }

    /**
     * Whether messages to the output queue carry the AMQP {@code message-id} property ({@code true}
     * by default); {@code false} trades that property for throughput.
     */
    public Builder publishMessageId(boolean value) {
      publishMessageId = value;
      return this;
    }

    /** A client certificate (PEM) and its unencrypted PKCS#8 PEM key for TLS, or nulls for none. */
    public Builder clientCertificate(@Nullable Path certificate, @Nullable Path key) {
      clientCertificate = certificate;
      clientKey = key;
      return this;
    }

    /**
     * Whether to log in with SASL {@code EXTERNAL} (the client certificate) instead of a password.
     */
    public Builder externalAuth(boolean value) {
      externalAuth = value;
      return this;
    }

    /**
     * Every node of a cluster, replacing {@link #host}/{@link #port}: each (re)connect tries them
     * in a new random order.
     */
    public Builder addresses(List<AmqpAddress> value) {
      if (value.isEmpty()) {
        throw new IllegalArgumentException("addresses must name at least one node");
      }
      addresses = List.copyOf(value);
      host = addresses.get(0).host();
      port = addresses.get(0).port();
      return this;
    }

    /** The type of the queues the broker declares. */
    public Builder queueType(QueueType value) {
      queueType = value;
      return this;
    }

    /** Whether the broker declares its queues, or only checks passively that they exist. */
    public Builder declareQueues(boolean value) {
      declareQueues = value;
      return this;
    }

    /** The settings; throws {@link IllegalArgumentException} for an invalid value. */
    public AmqpSettings build() {
      return new AmqpSettings(
          host,
          port,
          username,
          password,
          virtualHost,
          tls,
          tlsVerifyHostname,
          trustStore,
          trustStorePassword,
          inputQueue,
          outputQueue,
          deadLetterQueue,
          prefetch,
          maxMessageBytes,
          maxJsonDepth,
          connectionTimeout,
          reconnectInitial,
          reconnectMax,
          heartbeat,
          publishMessageId,
          clientCertificate,
          clientKey,
          externalAuth,
          addresses,
          queueType,
          declareQueues);
    }
  }
}
