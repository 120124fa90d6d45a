package dev.acs.broker.adapter.grpc;

import static dev.acs.broker.adapter.grpc.FakeCentralServer.agent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.acs.broker.core.agent.AgentStatusUpdate;
import dev.acs.broker.core.port.Subscription;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The status stream against an in-process central server: updates, healing, probe, shutdown. */
class InProcessStatusStreamTest {

  @AutoClose private InProcessCentral central;

  @BeforeEach
  void startServer() throws Exception {
    central = new InProcessCentral();
    central.fake.setAgents(List.of(agent("a1", "idle"), agent("a2", "busy")));
  }

  @Test
  void fullSnapshotReplaces_deltaUpserts_laterSnapshotRemovesTheUnlisted() throws Exception {
    central.adapter().statusSource().subscribe(central.feed);
    AgentStatusUpdate first =
        await("first snapshot").until(central.feed.updates::poll, Objects::nonNull);
    assertThat(first.fullSnapshot()).isTrue();
    assertThat(central.feed.agentIds()).containsExactlyInAnyOrder("a1", "a2");

    central.fake.publishDelta(agent("a2", "idle"), agent("a3", "paused"));
    assertThat(await("delta").until(central.feed.updates::poll, Objects::nonNull).fullSnapshot())
        .isFalse();
    assertThat(central.feed.agentIds()).containsExactlyInAnyOrder("a1", "a2", "a3");
    assertThat(central.feed.stateOf("a2")).isEqualTo("idle");

    central.fake.setAgents(List.of(agent("a3", "idle")));
    central.fake.publishSnapshot();
    await("second snapshot").until(central.feed.updates::poll, Objects::nonNull);
    assertThat(central.feed.agentIds()).containsExactly("a3");
    assertThat(central.feed.stateOf("a3")).isEqualTo("idle");
  }

  @Test
  void updates_arriveInOrder_fromOneThreadAtATime() throws Exception {
    central.adapter().statusSource().subscribe(central.feed);
    await("first snapshot").until(central.feed.updates::poll, Objects::nonNull);

    for (int i = 0; i < 200; i++) {
      central.fake.publishDelta(
          agent("a1", i % 2 == 0 ? "busy" : "idle", java.util.Map.of("seq", "" + i)));
    }

    List<String> seqs = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      AgentStatusUpdate update =
          await("delta " + i).until(central.feed.updates::poll, Objects::nonNull);
      seqs.add(update.agents().get(0).metrics().get("seq"));
    }
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      expected.add("" + i);
    }
    assertThat(seqs).isEqualTo(expected);
    assertThat(central.feed.maxConcurrentCalls).isEqualTo(1);
    assertThat(central.feed.threads).containsExactly("grpc-status-TestBroker");
  }

  @Test
  void everyWayTheStreamEnds_leadsToRegisteringAndSubscribingAgain_withGrowingBackoff()
      throws Exception {
    FakeCentralServer fake = central.fake;
    fake.streamScript.add(FakeCentralServer.endAtOnce(Status.UNAVAILABLE.withDescription("gone")));
    fake.streamScript.add(FakeCentralServer.endAtOnce(Status.INTERNAL.withDescription("boom")));
    fake.streamScript.add(FakeCentralServer.endAtOnce(Status.UNIMPLEMENTED));
    fake.streamScript.add(FakeCentralServer.endAtOnce(Status.CANCELLED.withDescription("bye")));
    fake.streamScript.add(FakeCentralServer.endAtOnce(null));

    central.adapter().statusSource().subscribe(central.feed);

    await("snapshot after five broken streams").until(central.feed.updates::poll, Objects::nonNull);
    assertThat(central.feed.interruptions)
        .containsExactly(
            "UNAVAILABLE: gone",
            "INTERNAL: boom",
            "UNIMPLEMENTED",
            "CANCELLED: bye",
            "stream completed by server");
    assertThat(fake.subscriptions).hasSize(6);
    assertThat(fake.registrations).as("one registration before every subscription").hasSize(6);

    // No snapshot arrived in between, so each delay grew: 20 ms * 1.6^n, ±20 %, at most 200 ms.
    List<Duration> delays = central.events.reconnectDelays;
    assertThat(delays).hasSize(5);
    double base = 20;
    for (int n = 0; n < delays.size(); n++) {
      assertThat(delays.get(n).toNanos() / 1e6)
          .as("delay %d", n)
          .isBetween(base * 0.8, Math.min(base * 1.2, 200));
      base = Math.min(base * 1.6, 200);
    }
    // ...and the attempts really waited that long (the scheduler never runs a task early).
    List<FakeCentralServer.SubscribeCall> calls = new ArrayList<>(fake.subscriptions);
    for (int n = 1; n < calls.size(); n++) {
      long gap = calls.get(n).nanoTime() - calls.get(n - 1).nanoTime();
      assertThat(gap)
          .as("gap before attempt %d", n)
          .isGreaterThanOrEqualTo(delays.get(n - 1).toNanos());
    }
    assertThat(central.adapter().health().reconnectCount()).isEqualTo(5);
    assertThat(central.adapter().health().registered()).isTrue();
    assertThat(central.adapter().health().streamConnected()).isTrue();
  }

  @Test
  void backoff_startsOverAfterASnapshot() throws Exception {
    FakeCentralServer fake = central.fake;
    for (int i = 0; i < 4; i++) {
      fake.streamScript.add(FakeCentralServer.endAtOnce(Status.UNAVAILABLE));
    }
    central.adapter().statusSource().subscribe(central.feed);
    await("snapshot").until(central.feed.updates::poll, Objects::nonNull);
    assertThat(central.events.reconnectDelays.get(3)).isGreaterThan(Duration.ofMillis(60));

    fake.endStreams(Status.UNAVAILABLE);

    await("snapshot after the server ended the stream")
        .until(central.feed.updates::poll, Objects::nonNull);
    assertThat(central.events.reconnectDelays).hasSize(5);
    assertThat(central.events.reconnectDelays.get(4))
        .isBetween(Duration.ofMillis(16), Duration.ofMillis(24));
  }

  @Test
  void streamEndedAfterASnapshot_keepsTheView_untilTheNextSnapshot() throws Exception {
    central.adapter().statusSource().subscribe(central.feed);
    await("snapshot").until(central.feed.updates::poll, Objects::nonNull);
    central.fake.streamScript.add(
        stream -> {
          /* hold the resubscription without answering */
          central.fake.keepOpen(stream);
        });

    central.fake.endStreams(Status.UNAVAILABLE.withDescription("server restarting"));

    assertThat(
            await("interruption").<String>until(central.feed.interruptions::poll, Objects::nonNull))
        .isEqualTo("UNAVAILABLE: server restarting");
    await("resubscribed").until(() -> central.fake.subscriptions.size() == 2);
    assertThat(central.feed.agentIds()).containsExactlyInAnyOrder("a1", "a2");
    assertThat(central.feed.registry.health().streamConnected()).isFalse();
    assertThat(central.adapter().health().streamConnected()).isFalse();
    assertThat(central.adapter().health().lastError()).isEqualTo("UNAVAILABLE: server restarting");
  }

  @Test
  void probe_reconcilesTheRegistry_whenTheStreamMissedAChange() throws Exception {
    subscribeAndTakeSnapshot(Duration.ofMillis(100), Duration.ofMillis(100));

    central.fake.setAgents(List.of(agent("a9", "idle")));
    // The stream has been quiet for an interval: the next check probes.
    central.clock.advance(Duration.ofMillis(100));

    await()
        .untilAsserted(
            () ->
                assertThat(central.feed.agentIds().equals(java.util.Set.of("a9")))
                    .as("probe applied, view " + central.feed.agentIds())
                    .isTrue());
    assertThat(central.fake.probes.peek().getBrokerId()).isEqualTo("broker_test_1");
    assertThat(central.feed.interruptions).isEmpty();
  }

  @Test
  void probeAnswer_builtBeforeADeltaTheStreamDelivered_doesNotRevertIt() throws Exception {
    // Held from the start, so no probe answer is taken in before the one the test holds; the
    // deadline leaves the test time to answer it late.
    central.fake.holdProbes(true);
    subscribeAndTakeSnapshot(Duration.ofSeconds(3), Duration.ofSeconds(3));
    central.clock.advance(Duration.ofSeconds(3));
    FakeCentralServer.HeldProbe probe =
        await("a probe")
            .atMost(Duration.ofSeconds(10))
            .until(central.fake.heldProbes::poll, Objects::nonNull);
    // The probe's answer says a2 is busy; the stream then says it turned idle.
    central.fake.setAgents(List.of(agent("a1", "idle"), agent("a2", "idle")));
    central.fake.publishDelta(agent("a2", "idle"));
    await("delta").until(central.feed.updates::poll, Objects::nonNull);

    probe.answer();
    central.clock.advance(Duration.ofSeconds(3));

    // The next probe goes out only once the answer to this one has been taken in.
    await("the next probe")
        .atMost(Duration.ofSeconds(10))
        .until(central.fake.heldProbes::poll, Objects::nonNull);
    assertThat(central.feed.stateOf("a2")).isEqualTo("idle");
    assertThat(central.feed.updates).isEmpty();
    assertThat(central.feed.interruptions).isEmpty();
  }

  @Test
  void aStreamThatDeliveredWithinTheInterval_isNotProbed_untilItIsQuietForOne() {
    subscribeAndTakeSnapshot(Duration.ofMillis(100), Duration.ofMillis(100));

    // A busy stream: by the clock it delivers every half interval, so no check finds it quiet.
    for (int delta = 0; delta < 6; delta++) {
      central.clock.advance(Duration.ofMillis(50));
      central.fake.publishDelta(agent("a1", delta % 2 == 0 ? "busy" : "idle"));
      await("delta " + delta).until(central.feed.updates::poll, Objects::nonNull);
      long skippedSoFar = central.adapter().probeCounts().skipped();
      await("a check after delta " + delta)
          .until(() -> central.adapter().probeCounts().skipped() > skippedSoFar);
    }
    // Quiet, but not yet for a whole interval since the last delivery.
    central.clock.advance(Duration.ofMillis(99));
    long skipped = central.adapter().probeCounts().skipped();
    await("another check").until(() -> central.adapter().probeCounts().skipped() > skipped);
    assertThat(central.fake.probes).isEmpty();
    assertThat(central.adapter().probeCounts().sent()).isZero();

    // One interval of quiet: the probe goes out, and its answer is applied as before.
    central.fake.setAgents(List.of(agent("a9", "idle")));
    central.clock.advance(Duration.ofMillis(1));
    await("probe applied").until(() -> central.feed.agentIds().equals(java.util.Set.of("a9")));
    assertThat(central.fake.probes).isNotEmpty();
    assertThat(central.adapter().probeCounts().sent()).isPositive();
    assertThat(central.feed.interruptions).isEmpty();
  }

  @Test
  void probesThatTimeOut_whileTheStreamDelivers_doNotCount_butASilentStreamIsStillFound()
      throws Exception {
    subscribeAndTakeSnapshot(Duration.ofMillis(300), Duration.ofMillis(300));
    central.fake.probesHang(true);

    // Each probe goes out after an interval of quiet, and times out while the stream delivers.
    for (int probe = 1; probe <= 4; probe++) {
      central.clock.advance(Duration.ofMillis(300));
      int sent = probe;
      await("probe " + sent).until(() -> central.fake.probes.size() >= sent);
      central.fake.publishDelta(agent("a1", probe % 2 == 0 ? "busy" : "idle"));
      await("delta " + probe)
          .pollInterval(Duration.ofMillis(5))
          .until(central.feed.updates::poll, Objects::nonNull);
    }
    assertThat(central.feed.interruptions).isEmpty();
    assertThat(central.fake.subscriptions).hasSize(1);

    // The stream falls silent: two timed-out probes in a row declare the connection dead.
    central.clock.advance(Duration.ofMillis(300));
    String reason =
        await("liveness failure").until(central.feed.interruptions::poll, Objects::nonNull);
    assertThat(reason).startsWith("liveness probe failed 2 times in a row (DEADLINE_EXCEEDED");
  }

  @Test
  void probesThatHangTwice_replaceTheChannel_andResubscribe() throws Exception {
    subscribeAndTakeSnapshot(Duration.ofMillis(100), Duration.ofMillis(50));
    central.fake.probesHang(true);
    central.clock.advance(Duration.ofMillis(100));

    String reason =
        await("liveness failure").until(central.feed.interruptions::poll, Objects::nonNull);

    assertThat(reason).startsWith("liveness probe failed 2 times in a row (DEADLINE_EXCEEDED");
    central.fake.probesHang(false);
    await("resubscribed").until(() -> central.fake.subscriptions.size() == 2);
    assertThat(central.channelsCreated).hasValue(2);
    assertThat(central.fake.registrations).hasSize(2);
  }

  @Test
  void cancel_endsTheStreamWithoutAnInterruption_andStopsEverything() throws Exception {
    Subscription subscription = central.adapter().statusSource().subscribe(central.feed);
    await("snapshot").until(central.feed.updates::poll, Objects::nonNull);
    int eventsBefore = central.fake.events.get();

    subscription.cancel();

    await("the server saw the stream cancelled").until(() -> central.fake.openStreams() == 0);
    assertThat(central.fake.cancelledStreams).hasSize(1);
    assertThat(central.feed.interruptions.poll(200, TimeUnit.MILLISECONDS)).isNull();
    assertThat(central.fake.events.get())
        .as("no new register or subscribe")
        .isEqualTo(eventsBefore);
    assertThat(central.adapter().health().streamConnected()).isFalse();
    subscription.cancel();
    central.adapter().close();
  }

  @Test
  void close_stopsTheSchedulerItWasGiven_andShutsItsChannelDown() throws Exception {
    java.util.concurrent.ScheduledThreadPoolExecutor scheduler =
        new java.util.concurrent.ScheduledThreadPoolExecutor(1);
    List<io.grpc.ManagedChannel> channels = new java.util.concurrent.CopyOnWriteArrayList<>();
    GrpcCentralServer adapter =
        GrpcCentralServer.forChannel(
            () -> {
              io.grpc.ManagedChannel channel =
                  io.grpc.inprocess.InProcessChannelBuilder.forName(central.name).build();
              channels.add(channel);
              return channel;
            },
            InProcessCentral.SETTINGS,
            InProcessCentral.BROKER,
            scheduler,
            java.time.Clock.systemUTC(),
            new java.util.SplittableRandom(1),
            GrpcListener.NONE);
    adapter.statusSource().subscribe(central.feed);
    await("snapshot").until(central.feed.updates::poll, Objects::nonNull);

    adapter.close();

    assertThat(scheduler.isTerminated()).isTrue();
    assertThat(channels).singleElement().satisfies(c -> assertThat(c.isTerminated()).isTrue());
    assertThat(central.feed.interruptions).isEmpty();
  }

  @Test
  void cancelFromInsideTheListener_doesNotDeadlock() throws Exception {
    Subscription[] holder = new Subscription[1];
    java.util.concurrent.CountDownLatch cancelled = new java.util.concurrent.CountDownLatch(1);
    holder[0] =
        central
            .adapter()
            .statusSource()
            .subscribe(
                new dev.acs.broker.core.port.AgentStatusListener() {
                  @Override
                  public void onStatus(AgentStatusUpdate update) {
                    holder[0].cancel();
                    cancelled.countDown();
                  }

                  @Override
                  public void onInterrupted(String reason) {}
                });

    assertThat(cancelled.await(5, TimeUnit.SECONDS)).isTrue();
    await("stream cancelled").until(() -> central.fake.openStreams() == 0);
  }

  @Test
  void secondSubscriber_isRefused() {
    central.adapter().statusSource().subscribe(central.feed);

    assertThatThrownBy(() -> central.adapter().statusSource().subscribe(new RegistryFeed()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("one subscriber");
  }

  /** Subscribes with this probe interval and deadline and takes the first snapshot in. */
  private void subscribeAndTakeSnapshot(Duration livenessInterval, Duration probeDeadline) {
    central
        .adapter(InProcessCentral.SETTINGS.withLiveness(livenessInterval, probeDeadline))
        .statusSource()
        .subscribe(central.feed);
    await("snapshot").until(central.feed.updates::poll, Objects::nonNull);
  }
}
