package dev.acs.broker.core.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentTest {

  @Test
  void fromStatus_derivesStateFromMetrics() {
    Agent agent = Agent.fromStatus("a1", "Alpha", "", Map.of("internal_state", "busy"));
    assertThat(agent.state()).isEqualTo(AgentState.BUSY);
    assertThat(agent.rawState()).contains("busy");
  }

  @Test
  void displayName_fallsBackToIdWhenNameIsEmpty() {
    assertThat(Agent.fromStatus("a1", "", "", Map.of()).displayName()).isEqualTo("a1");
    assertThat(Agent.fromStatus("a1", "Alpha", "", Map.of()).displayName()).isEqualTo("Alpha");
  }

  @Test
  void lastSeenInstant_readsIsoTextAndIgnoresFreeForm() {
    assertThat(Agent.fromStatus("a", "", "2026-03-01T10:00:00+01:00", Map.of()).lastSeenInstant())
        .contains(Instant.parse("2026-03-01T09:00:00Z"));
    assertThat(Agent.fromStatus("a", "", "2026-03-01T10:00:00Z", Map.of()).lastSeenInstant())
        .contains(Instant.parse("2026-03-01T10:00:00Z"));
    assertThat(Agent.fromStatus("a", "", "yesterday", Map.of()).lastSeenInstant()).isEmpty();
  }

  @Test
  void metrics_areCopied() {
    Map<String, String> metrics = new HashMap<>(Map.of("internal_state", "idle"));
    Agent agent = Agent.fromStatus("a1", "A", "", metrics);
    metrics.put("internal_state", "offline");
    assertThat(agent.metrics()).containsEntry("internal_state", "idle");
  }

  @Test
  void blankId_isRejected() {
    assertThatThrownBy(() -> AgentId.of(" ")).isInstanceOf(IllegalArgumentException.class);
  }
}
