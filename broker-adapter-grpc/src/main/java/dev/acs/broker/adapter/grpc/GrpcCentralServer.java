package dev.acs.broker.adapter.grpc;

import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.port.AgentStatusSource;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The broker's link to the central server over gRPC (SPEC §2): registers the broker and provides
 * the agent status stream as an {@link AgentStatusSource} that heals itself.
 *
 * <p>Nothing happens until {@link #statusSource()}{@code .subscribe(listener)}: then, on a daemon
 * thread named {@code grpc-status-<broker name>}, the broker registers, subscribes, and probes the
 * server every {@link GrpcSettings#livenessInterval()}; after any interruption it reports it to the
 * listener and registers and subscribes again with exponential backoff, for as long as it runs. One
 * subscriber per instance; cancelling its subscription is the same as {@link #close()}.
 *
 * <p>The channel sends no keepalive pings (see {@link GrpcSettings}); a silently dead connection is
 * found by the probe within {@link GrpcSettings#livenessBound()} and replaced by a fresh channel.
 */
public final class GrpcCentralServer implements AutoCloseable {

  /**
   * A fixed HTTP/2 flow-control window. Setting one turns off grpc-java's automatic window tuning,
   * whose BDP pings a grpcio server might count against its ping policy; 1 MiB is grpc-java's
   * default window anyway.
   */
  private static final int FLOW_CONTROL_WINDOW = 1024 * 1024;

  private final GrpcAgentStatusSource source;

  private GrpcCentralServer(GrpcAgentStatusSource source) {
    this.source = source;
  }

  /** A link to the server named by {@code settings}, over a Netty channel; events are ignored. */
  public static GrpcCentralServer create(
      GrpcSettings settings, BrokerIdentity identity, Clock clock, RandomGenerator random) {
    return create(settings, identity, clock, random, GrpcListener.NONE);
  }

  /**
   * A link to the server named by {@code settings}, over a Netty channel (plaintext, or TLS with
   * the optional trust certificate), reporting its events to {@code events}.
   *
   * @throws UncheckedIOException when the trust certificate cannot be read
   */
  public static GrpcCentralServer create(
      GrpcSettings settings,
      BrokerIdentity identity,
      Clock clock,
      RandomGenerator random,
      GrpcListener events) {
    ChannelCredentials credentials = credentials(settings);
    return forChannel(
        () -> newChannel(settings, credentials), settings, identity, clock, random, events);
  }

  /**
   * A link over channels from {@code channels} (an in-process channel in tests, say); host, port
   * and TLS of {@code settings} are then ignored. The adapter calls the supplier once at the start
   * and again whenever it replaces a dead connection, and shuts down every channel it got.
   */
  public static GrpcCentralServer forChannel(
      Supplier<ManagedChannel> channels,
      GrpcSettings settings,
      BrokerIdentity identity,
      Clock clock,
      RandomGenerator random,
      GrpcListener events) {
    return new GrpcCentralServer(
        new GrpcAgentStatusSource(
            settings, identity, channels, newScheduler(identity), clock, random, events));
  }

  /** For tests that need to see the scheduler's requests. */
  static GrpcCentralServer forChannel(
      Supplier<ManagedChannel> channels,
      GrpcSettings settings,
      BrokerIdentity identity,
      ScheduledExecutorService scheduler,
      Clock clock,
      RandomGenerator random,
      GrpcListener events) {
    return new GrpcCentralServer(
        new GrpcAgentStatusSource(settings, identity, channels, scheduler, clock, random, events));
  }

  /** The agent status stream; its {@code subscribe} may be called once. */
  public AgentStatusSource statusSource() {
    return source;
  }

  /** The link's current state; cheap, callable from any thread. */
  public GrpcHealth health() {
    return source.health();
  }

  /** How many liveness probes were sent and skipped so far; cheap, callable from any thread. */
  public ProbeCounts probeCounts() {
    return source.probeCounts();
  }

  /**
   * Cancels the stream without reporting it as an interruption, stops the scheduler and shuts the
   * channel down, waiting up to a few seconds. Idempotent.
   */
  @Override
  public void close() {
    source.close();
  }

  private static ScheduledExecutorService newScheduler(BrokerIdentity identity) {
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            task -> {
              Thread thread = new Thread(task, "grpc-status-" + identity.name());
              thread.setDaemon(true);
              return thread;
            });
    // Cancelled reconnects and probes should not linger in the queue until their time comes.
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }

  private static ChannelCredentials credentials(GrpcSettings settings) {
    if (!settings.tls()) {
      return InsecureChannelCredentials.create();
    }
    // grpc-netty offers TLS 1.3 and 1.2 only, and verifies the server's host name.
    TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
    Path trust = settings.trustCertificate();
    if (trust != null) {
      try {
        tls.trustManager(trust.toFile());
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot read the gRPC trust certificate (a PEM file of CA certificates) at " + trust,
            e);
      }
    }
    GrpcSettings.ClientCertificate client = settings.clientCertificate();
    if (client != null) {
      try {
        tls.keyManager(client.certificate().toFile(), client.key().toFile());
      } catch (IOException | RuntimeException e) {
        throw new UncheckedIOException(
            "cannot read the gRPC client certificate "
                + client.certificate()
                + " or its key "
                + client.key()
                + " (PEM files): "
                + e.getMessage(),
            e instanceof IOException io ? io : new IOException(e));
      }
    }
    return tls.build();
  }

  private static ManagedChannel newChannel(GrpcSettings settings, ChannelCredentials credentials) {
    Objects.requireNonNull(credentials, "credentials");
    return NettyChannelBuilder.forAddress(settings.host(), settings.port(), credentials)
        .maxInboundMessageSize(settings.maxInboundMessageBytes())
        .flowControlWindow(FLOW_CONTROL_WINDOW)
        // No keepalive pings (grpc-java's default, stated for the reader): the central server's
        // grpcio policy allows one per 5 minutes without data and closes the connection after
        // two early ones. The liveness probe finds dead connections instead.
        .keepAliveWithoutCalls(false)
        .userAgent("acs-broker")
        .build();
  }
}
