package dev.acs.broker.adapter.grpc;

import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.testing.ManualClock;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process central server under a unique name, plus the adapter wired to it; closing it tears
 * both down.
 */
final class InProcessCentral implements AutoCloseable {

  static final BrokerIdentity BROKER = new BrokerIdentity("broker_test_1", "TestBroker");
  static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

  /** Quick backoff and no probes during the test unless it asks for them. */
  static final GrpcSettings SETTINGS =
      GrpcSettings.defaults("in-process", 1)
          .withBackoff(Duration.ofMillis(20), 1.6, 0.2, Duration.ofMillis(200))
          .withRegistrationDeadline(Duration.ofSeconds(2));

  final FakeCentralServer fake = new FakeCentralServer();
  final String name = InProcessServerBuilder.generateName();
  final AtomicInteger channelsCreated = new AtomicInteger();
  final RecordingEvents events = new RecordingEvents();
  final RegistryFeed feed = new RegistryFeed();

  /**
   * The adapter's clock; it stands still unless a test moves it, so that to the liveness probe the
   * stream has always just delivered until the test says otherwise.
   */
  final ManualClock clock = new ManualClock(NOW);

  private final Server server;
  private GrpcCentralServer adapter;

  InProcessCentral() throws IOException {
    InProcessServerBuilder builder = InProcessServerBuilder.forName(name);
    for (BindableService service : fake.services()) {
      builder.addService(service);
    }
    server = builder.build().start();
  }

  /** The adapter, created on first use with {@code settings}. */
  GrpcCentralServer adapter(GrpcSettings settings) {
    if (adapter == null) {
      adapter =
          GrpcCentralServer.forChannel(
              this::newChannel, settings, BROKER, clock, new SplittableRandom(42), events);
    }
    return adapter;
  }

  GrpcCentralServer adapter() {
    return adapter(SETTINGS);
  }

  private ManagedChannel newChannel() {
    channelsCreated.incrementAndGet();
    return InProcessChannelBuilder.forName(name).build();
  }

  @Override
  public void close() {
    if (adapter != null) {
      adapter.close();
    }
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
