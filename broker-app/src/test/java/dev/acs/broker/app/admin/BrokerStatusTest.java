package dev.acs.broker.app.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.acs.broker.adapter.amqp.AmqpHealth;
import dev.acs.broker.adapter.grpc.GrpcHealth;
import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.agent.Agent;
import dev.acs.broker.core.agent.AgentId;
import dev.acs.broker.core.agent.AgentRegistry;
import dev.acs.broker.core.agent.AgentStatusUpdate;
import dev.acs.broker.core.agent.Availability;
import dev.acs.broker.core.routing.OutstandingWork;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BrokerStatusTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T12:00:00Z"), ZoneOffset.UTC);
  private final AgentRegistry registry = new AgentRegistry(Availability.preferIdle(), clock);
  private final OutstandingWork work = new OutstandingWork(clock, Duration.ofMinutes(5));
  private final BrokerStatus status =
      new BrokerStatus(
          new BrokerIdentity("broker_1", "Broker One"),
          "1.2.3",
          "sticky",
          registry,
          work,
          () -> new GrpcHealth(true, true, clock.instant(), 0, null),
          () -> new AmqpHealth(true, true, true, 0, null),
          Duration.ofMinutes(5),
          clock);

  @Test
  void agentsDocument_listsEveryAgentById_withStateTierAndLoad() {
    registry.apply(
        AgentStatusUpdate.snapshot(
            List.of(
                Agent.fromStatus(
                    "agent_b", "Bob", "2026-01-01T11:59:00Z", Map.of("internal_state", "busy")),
                Agent.fromStatus("agent_a", "Alice", "t", Map.of("internal_state", "IDLE")),
                Agent.fromStatus("agent_c", "", "t", Map.of("internal_state", "sleeping")))));
    work.routedTo(AgentId.of("agent_b"));
    work.routedTo(AgentId.of("agent_b"));

    JsonNode body = JSON.valueToTree(status.agentsDocument());

    assertThat(body.path("count").asInt()).isEqualTo(3);
    assertThat(body.path("available").asInt()).isEqualTo(2);
    assertThat(body.path("routableStates").asText())
        .isEqualTo(Availability.preferIdle().toString());
    assertThat(body.path("updatedAt").asText()).isEqualTo("2026-01-01T12:00:00Z");
    assertThat(body.path("agents")).hasSize(3);
    JsonNode alice = body.path("agents").get(0);
    assertThat(alice.path("id").asText()).isEqualTo("agent_a");
    assertThat(alice.path("name").asText()).isEqualTo("Alice");
    assertThat(alice.path("state").asText()).isEqualTo("idle");
    assertThat(alice.path("rawState").asText()).isEqualTo("IDLE");
    assertThat(alice.path("available").asBoolean()).isTrue();
    assertThat(alice.path("tier").asInt()).isEqualTo(1);
    assertThat(alice.path("outstanding").asInt()).isZero();
    JsonNode bob = body.path("agents").get(1);
    assertThat(bob.path("tier").asInt()).isEqualTo(2);
    assertThat(bob.path("outstanding").asInt()).isEqualTo(2);
    assertThat(bob.path("lastSeen").asText()).isEqualTo("2026-01-01T11:59:00Z");
    JsonNode unknown = body.path("agents").get(2);
    assertThat(unknown.path("state").asText()).isEqualTo("unrecognized");
    assertThat(unknown.path("available").asBoolean()).isFalse();
    assertThat(unknown.path("tier").isNull()).isTrue();
  }

  @Test
  void readyDocument_namesTheFailingChecks() {
    JsonNode starting = JSON.valueToTree(status.readyDocument(status.readiness()));

    assertThat(starting.path("status").asText()).isEqualTo("DOWN");
    assertThat(starting.path("failing").toString()).contains("lifecycle", "agent-status");
    assertThat(starting.path("checks").path("agent-status").path("detail").asText())
        .isEqualTo("waiting for the first snapshot");

    registry.apply(AgentStatusUpdate.snapshot(List.of()));
    status.running();
    JsonNode running = JSON.valueToTree(status.readyDocument(status.readiness()));

    assertThat(running.path("status").asText()).isEqualTo("UP");
    assertThat(running.path("failing")).isEmpty();
  }

  @Test
  void liveDocument_saysWhoAndWhatPhase() {
    JsonNode live = JSON.valueToTree(status.liveDocument());

    assertThat(live.path("status").asText()).isEqualTo("UP");
    assertThat(live.path("phase").asText()).isEqualTo("starting");
    assertThat(live.path("brokerId").asText()).isEqualTo("broker_1");
    assertThat(live.path("version").asText()).isEqualTo("1.2.3");
  }
}
