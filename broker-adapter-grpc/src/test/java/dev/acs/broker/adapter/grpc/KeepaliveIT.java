package dev.acs.broker.adapter.grpc;

import static dev.acs.broker.adapter.grpc.FakeCentralServer.agent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The broker's channel respects the central server's keepalive policy. The server here enforces
 * grpcio's default policy at its real strength (pings no more often than every 5 minutes, none
 * without calls, GOAWAY {@code too_many_pings} after two early ones): any ping at all from the
 * broker during the test would count as early. What is scaled down is the idle time: 2 s stand for
 * grpcio's 10 minutes (a factor of 300, the same that turns its 5 minutes into 1 s).
 */
class KeepaliveIT {

  private static final Duration SCALED_TEN_MINUTES = Duration.ofSeconds(2);

  private final RegistryFeed feed = new RegistryFeed();
  private final FakeCentralServer fake = new FakeCentralServer();
  private NettyCentral central;
  private GrpcCentralServer adapter;

  @BeforeEach
  void startServer() {
    fake.setAgents(List.of(agent("a1", "idle")));
    central =
        NettyCentral.start(
            fake,
            builder ->
                builder
                    .permitKeepAliveTime(5, TimeUnit.MINUTES)
                    .permitKeepAliveWithoutCalls(false));
  }

  @AfterEach
  void tearDown() {
    if (adapter != null) {
      adapter.close();
    }
    central.close();
  }

  @Test
  void idleStream_withTheDefaultSettings_staysUp() throws Exception {
    subscribeAndAwaitTheSnapshot(GrpcSettings.defaults("127.0.0.1", central.port()));

    assertNoInterruptionForTenScaledMinutes("while the stream is idle");

    assertStillTheSameLiveStream();
  }

  @Test
  void frequentProbes_sendDataNotPings_andTheStreamStaysUp() throws Exception {
    subscribeAndAwaitTheSnapshot(
        GrpcSettings.defaults("127.0.0.1", central.port())
            // Frequent, but with deadlines a loaded 2-core CI machine still meets.
            .withLiveness(Duration.ofMillis(250), Duration.ofMillis(250)));

    assertNoInterruptionForTenScaledMinutes("while probing");

    assertThat(fake.probes.size()).isGreaterThanOrEqualTo(4);
    assertStillTheSameLiveStream();
  }

  private void subscribeAndAwaitTheSnapshot(GrpcSettings settings) {
    adapter =
        GrpcCentralServer.create(
            settings, InProcessCentral.BROKER, Clock.systemUTC(), new SplittableRandom(1));
    adapter.statusSource().subscribe(feed);
    await("snapshot").until(feed.updates::poll, Objects::nonNull);
  }

  private void assertNoInterruptionForTenScaledMinutes(String when) throws InterruptedException {
    assertThat(feed.interruptions.poll(SCALED_TEN_MINUTES.toMillis(), TimeUnit.MILLISECONDS))
        .as("no GOAWAY or other interruption " + when)
        .isNull();
  }

  private void assertStillTheSameLiveStream() throws InterruptedException {
    assertThat(fake.subscriptions).hasSize(1);
    assertThat(fake.openStreams()).isEqualTo(1);
    feed.updates.clear();
    fake.publishDelta(agent("a2", "idle"));
    await("a delta still arrives on the first stream").until(() -> feed.agentIds().contains("a2"));
    assertThat(adapter.health().reconnectCount()).isZero();
  }
}
