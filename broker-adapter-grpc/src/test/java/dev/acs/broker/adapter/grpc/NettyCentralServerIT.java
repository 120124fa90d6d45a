package dev.acs.broker.adapter.grpc;

import static dev.acs.broker.adapter.grpc.FakeCentralServer.agent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.acs.broker.proto.status.AgentInfo;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The adapter's own Netty channel against a server on a loopback port. */
class NettyCentralServerIT {

  private final RegistryFeed feed = new RegistryFeed();
  private final RecordingEvents events = new RecordingEvents();
  private NettyCentral central;
  private GrpcCentralServer adapter;

  private GrpcCentralServer connect(GrpcSettings settings) {
    adapter =
        GrpcCentralServer.create(
            settings, InProcessCentral.BROKER, Clock.systemUTC(), new SplittableRandom(1), events);
    return adapter;
  }

  private GrpcSettings settings() {
    return GrpcSettings.defaults("127.0.0.1", central.port())
        .withBackoff(Duration.ofMillis(50), 1.6, 0.2, Duration.ofMillis(300))
        .withRegistrationDeadline(Duration.ofSeconds(1));
  }

  @AfterEach
  void tearDown() {
    if (adapter != null) {
      adapter.close();
    }
    if (central != null) {
      central.close();
    }
  }

  @Test
  void serverRestartedOnTheSamePort_theBrokerRegistersAgain_andSeesTheNewState() throws Exception {
    FakeCentralServer before = new FakeCentralServer();
    before.setAgents(List.of(agent("a1", "idle"), agent("a2", "idle"), agent("a3", "busy")));
    central = NettyCentral.start(before);
    connect(settings()).statusSource().subscribe(feed);
    await("first snapshot").until(feed.updates::poll, Objects::nonNull);
    assertThat(feed.agentIds()).containsExactlyInAnyOrder("a1", "a2", "a3");

    central.stop();
    // Depending on timing the stream ends with CANCELLED (RST_STREAM) or UNAVAILABLE.
    await("interruption when the server stops").until(feed.interruptions::poll, Objects::nonNull);
    // While it is away the broker keeps trying (and failing) and keeps its last view.
    assertThat(
            await("a failed attempt while the server is down")
                .<String>until(feed.interruptions::poll, Objects::nonNull))
        .startsWith("registration failed: UNAVAILABLE");
    assertThat(feed.agentIds()).containsExactlyInAnyOrder("a1", "a2", "a3");
    assertThat(adapter.health().streamConnected()).isFalse();
    assertThat(adapter.health().registered()).isFalse();

    FakeCentralServer after = new FakeCentralServer();
    after.setAgents(List.of(agent("a2", "busy"), agent("a4", "idle")));
    central.restart(after);

    await()
        .untilAsserted(
            () ->
                assertThat(feed.agentIds().equals(RegistryFeed.ids(after.agents())))
                    .as("registry equals the restarted server's state, is " + feed.agentIds())
                    .isTrue());
    assertThat(feed.stateOf("a2")).isEqualTo("busy");
    assertThat(after.registrations).hasSize(1);
    assertThat(after.registrations.peek().getBrokerId()).isEqualTo("broker_test_1");
    await("registered again").until(() -> adapter.health().registered());
    assertThat(adapter.health().streamConnected()).isTrue();
    assertThat(adapter.health().reconnectCount()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void snapshotOf50000AgentsBeyond4MiB_isApplied() throws Exception {
    FakeCentralServer fake = new FakeCentralServer();
    fake.setAgents(fatAgents(50_000));
    assertThat(fake.snapshot().getSerializedSize()).isGreaterThan(4 * 1024 * 1024);
    central = NettyCentral.start(fake);

    connect(settings()).statusSource().subscribe(feed);

    await("the big snapshot")
        .atMost(Duration.ofSeconds(20))
        .until(feed.updates::poll, Objects::nonNull);
    assertThat(feed.registry.view().size()).isEqualTo(50_000);
    assertThat(feed.interruptions).isEmpty();
  }

  @Test
  void snapshotBeyondTheConfiguredLimit_isRefused_asAnInterruption() throws Exception {
    FakeCentralServer fake = new FakeCentralServer();
    fake.setAgents(fatAgents(50_000));
    central = NettyCentral.start(fake);

    connect(settings().withMaxInboundMessageBytes(4 * 1024 * 1024)).statusSource().subscribe(feed);

    assertThat(await("interruption").<String>until(feed.interruptions::poll, Objects::nonNull))
        .startsWith("RESOURCE_EXHAUSTED");
    assertThat(feed.registry.hasSnapshot()).isFalse();
  }

  /** Agents with every metric the real server sends, about 300 bytes each on the wire. */
  static List<AgentInfo> fatAgents(int count) {
    List<AgentInfo> agents = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String id = String.format("agent_%08d", i);
      Map<String, String> metrics = new LinkedHashMap<>();
      metrics.put("agent_name", "Agent number " + i);
      metrics.put("last_seen", "2025-06-01T12:00:00.123456+00:00");
      metrics.put("registration_status", "registered");
      metrics.put("grpc_status", "connected");
      metrics.put("message_queue_status", "connected");
      metrics.put("llm_client_status", "ready");
      metrics.put("last_error", "none since start-up at 2025-06-01T08:00:00Z");
      metrics.put("last_updated", "2025-06-01T12:00:00.123456+00:00");
      agents.add(agent(id, i % 3 == 0 ? "busy" : "idle", metrics));
    }
    return agents;
  }
}
