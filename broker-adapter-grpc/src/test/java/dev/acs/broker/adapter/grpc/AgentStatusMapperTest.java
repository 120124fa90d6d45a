package dev.acs.broker.adapter.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acs.broker.core.agent.Agent;
import dev.acs.broker.core.agent.AgentId;
import dev.acs.broker.core.agent.AgentState;
import dev.acs.broker.core.agent.AgentStatusUpdate;
import dev.acs.broker.proto.status.AgentInfo;
import dev.acs.broker.proto.status.AgentStatusResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class AgentStatusMapperTest {

  private final AgentStatusMapper mapper = new AgentStatusMapper();

  private static AgentInfo info(String id, String state) {
    return AgentInfo.newBuilder()
        .setAgentId(id)
        .setAgentName("Agent " + id)
        .setLastSeen("2025-01-02T03:04:05Z")
        .putMetrics("internal_state", state)
        .build();
  }

  // The word-to-state table itself is pinned once, by AgentStateTest in broker-core; here each
  // state's wire word only has to come through the mapper as that state.
  @ParameterizedTest
  @EnumSource(value = AgentState.class, names = "UNRECOGNIZED", mode = EnumSource.Mode.EXCLUDE)
  void everyStateWord_mapsToItsState(AgentState expected) {
    Agent agent = mapper.toAgent(info("a1", expected.wireName())).orElseThrow();

    assertThat(agent.state()).isEqualTo(expected);
    assertThat(agent.rawState()).contains(expected.wireName());
  }

  @Test
  void unknownStateWord_isUnrecognized_andKeptAsReported() {
    Agent agent = mapper.toAgent(info("a1", "sleeping")).orElseThrow();

    assertThat(agent.state()).isEqualTo(AgentState.UNRECOGNIZED);
    assertThat(agent.rawState()).contains("sleeping");
  }

  @Test
  void missingMetrics_meanUnknownStatus() {
    Agent agent = mapper.toAgent(AgentInfo.newBuilder().setAgentId("a1").build()).orElseThrow();

    assertThat(agent.state()).isEqualTo(AgentState.UNKNOWN_STATUS);
    assertThat(agent.metrics()).isEmpty();
    assertThat(agent.rawState()).isEmpty();
  }

  @Test
  void emptyName_isKept_andTheIdIsShownInstead() {
    Agent agent = mapper.toAgent(AgentInfo.newBuilder().setAgentId("a1").build()).orElseThrow();

    assertThat(agent.name()).isEmpty();
    assertThat(agent.displayName()).isEqualTo("a1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "10:42:07", "2025-01-02T03:04:05", "yesterday", "2025-13-45T99:00Z"})
  void oddLastSeenTexts_areKeptVerbatim_withoutAnInstant(String lastSeen) {
    Agent agent =
        mapper
            .toAgent(AgentInfo.newBuilder().setAgentId("a1").setLastSeen(lastSeen).build())
            .orElseThrow();

    assertThat(agent.lastSeen()).isEqualTo(lastSeen);
    assertThat(agent.lastSeenInstant()).isEmpty();
  }

  @Test
  void isoLastSeen_isReadableAsAnInstant() {
    Agent agent = mapper.toAgent(info("a1", "idle")).orElseThrow();

    assertThat(agent.lastSeenInstant())
        .hasValueSatisfying(i -> assertThat(i.toString()).isEqualTo("2025-01-02T03:04:05Z"));
  }

  @Test
  void allMetrics_arePassedThrough() {
    Map<String, String> metrics =
        Map.of(
            "internal_state", "busy",
            "grpc_status", "connected",
            "last_error", "",
            "message_queue_status", "ok");
    Agent agent =
        mapper
            .toAgent(AgentInfo.newBuilder().setAgentId("a1").putAllMetrics(metrics).build())
            .orElseThrow();

    assertThat(agent.metrics()).isEqualTo(metrics);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "\t"})
  void agentWithoutId_isSkipped_andTheRestOfTheSnapshotApplies(String blankId) {
    AgentStatusResponse response =
        AgentStatusResponse.newBuilder()
            .addAgents(info("a1", "idle"))
            .addAgents(info(blankId, "idle"))
            .addAgents(info("a2", "busy"))
            .setIsFullUpdate(true)
            .build();

    AgentStatusUpdate update = mapper.toUpdate(response);

    assertThat(update.fullSnapshot()).isTrue();
    assertThat(update.agents())
        .extracting(Agent::id)
        .containsExactly(AgentId.of("a1"), AgentId.of("a2"));
  }

  @Test
  void deltaFlag_andServerOrder_arePreserved() {
    AgentStatusResponse response =
        AgentStatusResponse.newBuilder()
            .addAgents(info("b", "idle"))
            .addAgents(info("a", "idle"))
            .setIsFullUpdate(false)
            .build();

    AgentStatusUpdate update = mapper.toUpdate(response);

    assertThat(update.fullSnapshot()).isFalse();
    assertThat(update.agents()).extracting(a -> a.id().value()).containsExactly("b", "a");
  }

  @Test
  void emptyFullSnapshot_meansNoAgents() {
    AgentStatusUpdate update =
        mapper.toUpdate(AgentStatusResponse.newBuilder().setIsFullUpdate(true).build());

    assertThat(update.fullSnapshot()).isTrue();
    assertThat(update.agents()).isEmpty();
  }
}
