package dev.acs.broker.adapter.grpc;

import static dev.acs.broker.adapter.grpc.FakeCentralServer.agent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.acs.broker.testsupport.TcpProxy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A connection that goes silent without closing (a proxy stops forwarding, sockets stay open) is
 * noticed by the liveness probe within the configured bound, and the broker recovers once bytes
 * flow again.
 */
class LivenessIT {

  private final RegistryFeed feed = new RegistryFeed();
  private NettyCentral central;
  private TcpProxy proxy;
  private GrpcCentralServer adapter;

  @AfterEach
  void tearDown() {
    if (adapter != null) {
      adapter.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (central != null) {
      central.close();
    }
  }

  @Test
  void silentlyDeadConnection_isDetectedWithinTheLivenessBound_andRecovered() throws Exception {
    FakeCentralServer fake = new FakeCentralServer();
    fake.setAgents(List.of(agent("a1", "idle"), agent("a2", "idle")));
    central = NettyCentral.start(fake);
    proxy = TcpProxy.to(central.port());
    GrpcSettings settings =
        GrpcSettings.defaults("127.0.0.1", proxy.port())
            .withLiveness(Duration.ofMillis(750), Duration.ofMillis(500))
            .withRegistrationDeadline(Duration.ofSeconds(1))
            .withBackoff(Duration.ofMillis(50), 1.6, 0.2, Duration.ofMillis(300));
    assertThat(settings.livenessBound()).isEqualTo(Duration.ofSeconds(2));
    adapter =
        GrpcCentralServer.create(
            settings, InProcessCentral.BROKER, Clock.systemUTC(), new SplittableRandom(3));
    adapter.statusSource().subscribe(feed);
    await("first snapshot").until(feed.updates::poll, Objects::nonNull);
    await("a probe answered through the proxy").until(fake.probes::poll, Objects::nonNull);
    // A cold JVM may have needed a second attempt to connect; only what follows the stall counts.
    feed.interruptions.clear();

    long stalledAt = System.nanoTime();
    proxy.blackhole();
    String reason =
        await("liveness failure")
            .atMost(Duration.ofSeconds(5))
            .until(feed.interruptions::poll, Objects::nonNull);
    Duration detection = Duration.ofNanos(System.nanoTime() - stalledAt);

    assertThat(reason).startsWith("liveness probe failed 2 times in a row");
    // The bound plus a margin for thread scheduling; the stream itself never ended.
    assertThat(detection).isLessThan(settings.livenessBound().plusMillis(500));
    assertThat(adapter.health().streamConnected()).isFalse();
    assertThat(feed.agentIds()).containsExactlyInAnyOrder("a1", "a2");

    fake.setAgents(List.of(agent("a2", "busy"), agent("a3", "idle")));
    proxy.restore();

    await()
        .untilAsserted(
            () ->
                assertThat(feed.agentIds().equals(RegistryFeed.ids(fake.agents())))
                    .as("registry caught up after the connection came back, is " + feed.agentIds())
                    .isTrue());
    await()
        .untilAsserted(
            () ->
                assertThat(adapter.health().streamConnected() && adapter.health().registered())
                    .as("connected again: " + adapter.health())
                    .isTrue());
    assertThat(fake.registrations.size()).isGreaterThanOrEqualTo(2);
  }
}
