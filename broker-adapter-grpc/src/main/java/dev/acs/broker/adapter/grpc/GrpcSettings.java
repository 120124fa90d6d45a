package dev.acs.broker.adapter.grpc;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * How to reach the central server and how patiently to keep the status stream alive.
 *
 * <p>There is deliberately no keepalive setting: the channel sends no HTTP/2 keepalive pings at all
 * (the central server's grpcio policy closes connections that ping too often), and a dead stream is
 * found by the liveness probe instead, within {@link #livenessBound()}.
 *
 * @param host the central server's host name or address
 * @param port the central server's gRPC port
 * @param tls whether to use TLS; plaintext otherwise
 * @param trustCertificate a PEM file of CA certificates to trust instead of the JVM's default trust
 *     store; only with {@code tls}
 * @param registrationDeadline how long one {@code RegisterBroker} call may take
 * @param livenessInterval how often the liveness probe ({@code GetAgentStatus}) runs
 * @param probeDeadline how long one probe may take; at most {@code livenessInterval}
 * @param maxInboundMessageBytes the largest message accepted (a full snapshot of many agents may
 *     exceed gRPC's default of 4 MiB)
 * @param backoffInitial the first delay before resubscribing or registering again
 * @param backoffMultiplier how much each further delay grows ({@code >= 1})
 * @param backoffJitter the random spread of each delay, as a fraction in {@code [0, 1)}
 * @param backoffMax the longest delay
 * @param clientCertificate with TLS, the certificate and key to present to a central server that
 *     asks for one (mutual TLS), or {@code null} for none
 */
public record GrpcSettings(
    String host,
    int port,
    boolean tls,
    @Nullable Path trustCertificate,
    Duration registrationDeadline,
    Duration livenessInterval,
    Duration probeDeadline,
    int maxInboundMessageBytes,
    Duration backoffInitial,
    double backoffMultiplier,
    double backoffJitter,
    Duration backoffMax,
    @Nullable ClientCertificate clientCertificate) {

  /** Default deadline of {@code RegisterBroker}. */
  public static final Duration DEFAULT_REGISTRATION_DEADLINE = Duration.ofSeconds(5);

  /** Default probe period; with the default probe deadline a dead stream is found within 60 s. */
  public static final Duration DEFAULT_LIVENESS_INTERVAL = Duration.ofSeconds(25);

  /** Default deadline of one liveness probe. */
  public static final Duration DEFAULT_PROBE_DEADLINE = Duration.ofSeconds(10);

  /** Default largest inbound message: 64 MiB. */
  public static final int DEFAULT_MAX_INBOUND_MESSAGE_BYTES = 64 * 1024 * 1024;

  /** How many probes in a row must fail before the connection is declared dead. */
  static final int PROBE_FAILURES_TO_RECONNECT = 2;

  /** Checks every value and says which one is wrong. */
  public GrpcSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(registrationDeadline, "registrationDeadline");
    Objects.requireNonNull(livenessInterval, "livenessInterval");
    Objects.requireNonNull(probeDeadline, "probeDeadline");
    Objects.requireNonNull(backoffInitial, "backoffInitial");
    Objects.requireNonNull(backoffMax, "backoffMax");
    if (host.isBlank()) {
      throw new IllegalArgumentException("gRPC host must not be blank");
    }
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("gRPC port must be in 1..65535, was " + port);
    }
    if (trustCertificate != null && !tls) {
      throw new IllegalArgumentException(
          "a trust certificate (" + trustCertificate + ") is only used with TLS; enable TLS");
    }
    if (clientCertificate != null && !tls) {
      throw new IllegalArgumentException(
          "a client certificate (" + clientCertificate.certificate() + ") needs TLS; enable TLS");
    }
    requirePositive("registration deadline", registrationDeadline);
    requirePositive("liveness interval", livenessInterval);
    requirePositive("probe deadline", probeDeadline);
    if (probeDeadline.compareTo(livenessInterval) > 0) {
      throw new IllegalArgumentException(
          "probe deadline "
              + probeDeadline
              + " must not exceed the liveness interval "
              + livenessInterval
              + " (probes would overlap)");
    }
    if (maxInboundMessageBytes < 1) {
      throw new IllegalArgumentException(
          "max inbound message size must be positive, was " + maxInboundMessageBytes);
    }
    requirePositive("initial backoff", backoffInitial);
    if (backoffMax.compareTo(backoffInitial) < 0) {
      throw new IllegalArgumentException(
          "max backoff " + backoffMax + " must be at least the initial backoff " + backoffInitial);
    }
    if (!(backoffMultiplier >= 1.0) || Double.isInfinite(backoffMultiplier)) {
      throw new IllegalArgumentException(
          "backoff multiplier must be a number >= 1, was " + backoffMultiplier);
    }
    if (!(backoffJitter >= 0.0 && backoffJitter < 1.0)) {
      throw new IllegalArgumentException(
          "backoff jitter must be a fraction in [0, 1), was " + backoffJitter);
    }
  }

  /**
   * Plaintext to {@code host:port} with the defaults: registration deadline 5 s, a probe every 25 s
   * with a 10 s deadline (dead stream found within 60 s), 64 MiB messages, backoff from 1 s growing
   * by 1.6 with ±20 % jitter up to 30 s.
   */
  public static GrpcSettings defaults(String host, int port) {
    return new GrpcSettings(
        host,
        port,
        false,
        null,
        DEFAULT_REGISTRATION_DEADLINE,
        DEFAULT_LIVENESS_INTERVAL,
        DEFAULT_PROBE_DEADLINE,
        DEFAULT_MAX_INBOUND_MESSAGE_BYTES,
        Duration.ofSeconds(1),
        1.6,
        0.2,
        Duration.ofSeconds(30),
        null);
  }

  /** These settings with TLS on, trusting the CAs in {@code trustCertificate} if not null. */
  public GrpcSettings withTls(@Nullable Path trustCertificate) {
    return with(
        copy -> {
          copy.tls = true;
          copy.trustCertificate = trustCertificate;
        });
  }

  /**
   * These settings with a client certificate for mutual TLS ({@code null} for none); TLS must be
   * on.
   */
  public GrpcSettings withClientCertificate(@Nullable ClientCertificate certificate) {
    return with(copy -> copy.clientCertificate = certificate);
  }

  /**
   * A client certificate for mutual TLS.
   *
   * @param certificate a PEM file with the certificate (and its chain)
   * @param key the PEM file of its private key (PKCS#8, or PKCS#1 for RSA)
   */
  public record ClientCertificate(Path certificate, Path key) {
    /** Requires both files. */
    public ClientCertificate {
      Objects.requireNonNull(certificate, "certificate");
      Objects.requireNonNull(key, "key");
    }
  }

  /** These settings with another registration deadline. */
  public GrpcSettings withRegistrationDeadline(Duration deadline) {
    return with(copy -> copy.registrationDeadline = deadline);
  }

  /** These settings with another probe period and probe deadline. */
  public GrpcSettings withLiveness(Duration interval, Duration deadline) {
    return with(
        copy -> {
          copy.livenessInterval = interval;
          copy.probeDeadline = deadline;
        });
  }

  /** These settings with another largest inbound message. */
  public GrpcSettings withMaxInboundMessageBytes(int bytes) {
    return with(copy -> copy.maxInboundMessageBytes = bytes);
  }

  /** These settings with another backoff. */
  public GrpcSettings withBackoff(
      Duration initial, double multiplier, double jitter, Duration max) {
    return with(
        copy -> {
          copy.backoffInitial = initial;
          copy.backoffMultiplier = multiplier;
          copy.backoffJitter = jitter;
          copy.backoffMax = max;
        });
  }

  /** These settings with {@code change} applied to a copy, validated again. */
  private GrpcSettings with(Consumer<Copy> change) {
    Copy copy = new Copy(this);
    change.accept(copy);
    return copy.settings();
  }

  /** A changeable copy of every value: what the withers change, in one place. */
  private static final class Copy {
    private final String host;
    private final int port;
    private boolean tls;
    private @Nullable Path trustCertificate;
    private Duration registrationDeadline;
    private Duration livenessInterval;
    private Duration probeDeadline;
    private int maxInboundMessageBytes;
    private Duration backoffInitial;
    private double backoffMultiplier;
    private double backoffJitter;
    private Duration backoffMax;
    private @Nullable ClientCertificate clientCertificate;

    private Copy(GrpcSettings settings) {
      host = settings.host;
      port = settings.port;
      tls = settings.tls;
      trustCertificate = settings.trustCertificate;
      registrationDeadline = settings.registrationDeadline;
      livenessInterval = settings.livenessInterval;
      probeDeadline = settings.probeDeadline;
      maxInboundMessageBytes = settings.maxInboundMessageBytes;
      backoffInitial = settings.backoffInitial;
      backoffMultiplier = settings.backoffMultiplier;
      backoffJitter = settings.backoffJitter;
      backoffMax = settings.backoffMax;
      clientCertificate = settings.clientCertificate;
    }

    private GrpcSettings settings() {
      return new GrpcSettings(
          host,
          port,
          tls,
          trustCertificate,
          registrationDeadline,
          livenessInterval,
          probeDeadline,
          maxInboundMessageBytes,
          backoffInitial,
          backoffMultiplier,
          backoffJitter,
          backoffMax,
          clientCertificate);
    }
  }

  /**
   * The longest a silently dead connection can go unnoticed: the last good probe may just have
   * answered, then two more probes must time out ({@code 2 * livenessInterval + probeDeadline}).
   * Probes run at a fixed rate and a tick is skipped while a probe is still in flight, so when the
   * deadline equals the interval the failing probe's tick collides with the next one, which is
   * skipped: one more interval ({@code 3 * livenessInterval + probeDeadline}).
   */
  public Duration livenessBound() {
    int ticks =
        probeDeadline.compareTo(livenessInterval) < 0
            ? PROBE_FAILURES_TO_RECONNECT
            : PROBE_FAILURES_TO_RECONNECT + 1;
    return livenessInterval.multipliedBy(ticks).plus(probeDeadline);
  }

  /** {@code host:port}, for logs. */
  public String target() {
    return host + ":" + port;
  }

  private static void requirePositive(String what, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException("gRPC " + what + " must be positive, was " + value);
    }
  }
}
