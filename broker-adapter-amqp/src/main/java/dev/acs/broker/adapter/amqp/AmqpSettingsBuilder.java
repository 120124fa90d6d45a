package dev.acs.broker.adapter.amqp;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Builds {@link AmqpSettings}: every value starts at its default, each setter changes one (or one
 * pair that only makes sense together), and {@link #build()} validates them all at once.
 */
public final class AmqpSettingsBuilder {
  private String host = "127.0.0.1";
  private int port = 5672;
  private String username = "guest";
  private String password = "guest";
  private String virtualHost = "/";
  private boolean tls;
  private boolean tlsVerifyHostname = true;
  private @Nullable Path trustStore;
  private @Nullable String trustStorePassword;
  private String inputQueue = AmqpSettings.DEFAULT_INPUT_QUEUE;
  private String outputQueue = AmqpSettings.DEFAULT_OUTPUT_QUEUE;
  private String deadLetterQueue = AmqpSettings.DEFAULT_DEAD_LETTER_QUEUE;
  private int prefetch = 250;
  private int maxMessageBytes = 1024 * 1024;
  private int maxJsonDepth = 64;
  private Duration connectionTimeout = Duration.ofSeconds(10);
  private Duration reconnectInitial = Duration.ofSeconds(1);
  private Duration reconnectMax = Duration.ofSeconds(30);
  private Duration heartbeat = AmqpSettings.DEFAULT_HEARTBEAT;
  private boolean publishMessageId = true;
  private @Nullable Path clientCertificate;
  private @Nullable Path clientKey;
  private boolean externalAuth;
  private List<AmqpAddress> addresses = List.of();
  private QueueType queueType = QueueType.CLASSIC;
  private boolean declareQueues = true;

  AmqpSettingsBuilder() {}

  AmqpSettingsBuilder(AmqpSettings s) {
    host = s.host();
    port = s.port();
    username = s.username();
    password = s.password();
    virtualHost = s.virtualHost();
    tls = s.tls();
    tlsVerifyHostname = s.tlsVerifyHostname();
    trustStore = s.trustStore();
    trustStorePassword = s.trustStorePassword();
    inputQueue = s.inputQueue();
    outputQueue = s.outputQueue();
    deadLetterQueue = s.deadLetterQueue();
    prefetch = s.prefetch();
    maxMessageBytes = s.maxMessageBytes();
    maxJsonDepth = s.maxJsonDepth();
    connectionTimeout = s.connectionTimeout();
    reconnectInitial = s.reconnectInitial();
    reconnectMax = s.reconnectMax();
    heartbeat = s.heartbeat();
    publishMessageId = s.publishMessageId();
    clientCertificate = s.clientCertificate();
    clientKey = s.clientKey();
    externalAuth = s.externalAuth();
    addresses = s.addresses().size() == 1 ? List.of() : s.addresses();
    queueType = s.queueType();
    declareQueues = s.declareQueues();
  }

  /** RabbitMQ host: the one-address form, replacing any {@link #addresses} list. */
  public AmqpSettingsBuilder host(String value) {
    host = value;
    addresses = List.of();
    return this;
  }

  /** AMQP port: the one-address form, replacing any {@link #addresses} list. */
  public AmqpSettingsBuilder port(int value) {
    port = value;
    addresses = List.of();
    return this;
  }

  /** User name. */
  public AmqpSettingsBuilder username(String value) {
    username = value;
    return this;
  }

  /** Password. */
  public AmqpSettingsBuilder password(String value) {
    password = value;
    return this;
  }

  /** Virtual host. */
  public AmqpSettingsBuilder virtualHost(String value) {
    virtualHost = value;
    return this;
  }

  /** TLS on or off. */
  public AmqpSettingsBuilder tls(boolean value) {
    tls = value;
    return this;
  }

  /** Host name verification under TLS. */
  public AmqpSettingsBuilder tlsVerifyHostname(boolean value) {
    tlsVerifyHostname = value;
    return this;
  }

  /** A trust store for TLS instead of the JVM default. */
  public AmqpSettingsBuilder trustStore(@Nullable Path path, @Nullable String storePassword) {
    trustStore = path;
    trustStorePassword = storePassword;
    return this;
  }

  /** The consumed queue. */
  public AmqpSettingsBuilder inputQueue(String value) {
    inputQueue = value;
    return this;
  }

  /** The published-to queue. */
  public AmqpSettingsBuilder outputQueue(String value) {
    outputQueue = value;
    return this;
  }

  /** The dead-letter queue. */
  public AmqpSettingsBuilder deadLetterQueue(String value) {
    deadLetterQueue = value;
    return this;
  }

  /** basic.qos prefetch count. */
  public AmqpSettingsBuilder prefetch(int value) {
    prefetch = value;
    return this;
  }

  /** Body size limit. */
  public AmqpSettingsBuilder maxMessageBytes(int value) {
    maxMessageBytes = value;
    return this;
  }

  /** JSON nesting limit. */
  public AmqpSettingsBuilder maxJsonDepth(int value) {
    maxJsonDepth = value;
    return this;
  }

  /** Connect timeout. */
  public AmqpSettingsBuilder connectionTimeout(Duration value) {
    connectionTimeout = value;
    return this;
  }

  /** Reconnection backoff bounds. */
  public AmqpSettingsBuilder reconnectBackoff(Duration initial, Duration max) {
    reconnectInitial = initial;
    reconnectMax = max;
    return this;
  }

  /** The AMQP heartbeat to request, whole seconds; {@code 0s} turns it off. */
  public AmqpSettingsBuilder heartbeat(Duration value) {
    heartbeat = value;
    return this;
  }

  /**
   * Whether messages to the output queue carry the AMQP {@code message-id} property ({@code true}
   * by default); {@code false} trades that property for throughput.
   */
  public AmqpSettingsBuilder publishMessageId(boolean value) {
    publishMessageId = value;
    return this;
  }

  /** A client certificate (PEM) and its unencrypted PKCS#8 PEM key for TLS, or nulls for none. */
  public AmqpSettingsBuilder clientCertificate(@Nullable Path certificate, @Nullable Path key) {
    clientCertificate = certificate;
    clientKey = key;
    return this;
  }

  /**
   * Whether to log in with SASL {@code EXTERNAL} (the client certificate) instead of a password.
   */
  public AmqpSettingsBuilder externalAuth(boolean value) {
    externalAuth = value;
    return this;
  }

  /**
   * Every node of a cluster, replacing {@link #host}/{@link #port}: each (re)connect tries them in
   * a new random order.
   */
  public AmqpSettingsBuilder addresses(List<AmqpAddress> value) {
    if (value.isEmpty()) {
      throw new IllegalArgumentException("addresses must name at least one node");
    }
    addresses = List.copyOf(value);
    host = addresses.get(0).host();
    port = addresses.get(0).port();
    return this;
  }

  /** The type of the queues the broker declares. */
  public AmqpSettingsBuilder queueType(QueueType value) {
    queueType = value;
    return this;
  }

  /** Whether the broker declares its queues, or only checks passively that they exist. */
  public AmqpSettingsBuilder declareQueues(boolean value) {
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
