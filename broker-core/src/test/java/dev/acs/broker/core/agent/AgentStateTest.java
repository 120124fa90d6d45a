package dev.acs.broker.core.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AgentStateTest {

  @ParameterizedTest
  @CsvSource({
    "initializing, INITIALIZING",
    "idle, IDLE",
    "busy, BUSY",
    "paused, PAUSED",
    "shutting_down, SHUTTING_DOWN",
    "error, ERROR",
    "unknown_status, UNKNOWN_STATUS",
    "offline, OFFLINE",
    "unavailable, UNAVAILABLE"
  })
  void parse_everyContractWord_mapsToItsState(String word, AgentState expected) {
    assertThat(AgentState.parse(word)).isEqualTo(expected);
    assertThat(expected.wireName()).isEqualTo(word);
  }

  @Test
  void fromMetrics_missingKey_isUnknownStatus() {
    assertThat(AgentState.fromMetrics(Map.of("agent_name", "x")))
        .isEqualTo(AgentState.UNKNOWN_STATUS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   "})
  void parse_blank_isUnknownStatus(String word) {
    assertThat(AgentState.parse(word)).isEqualTo(AgentState.UNKNOWN_STATUS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sleeping", "idle!", "online", "unrecognized"})
  void parse_unknownWord_isUnrecognized(String word) {
    assertThat(AgentState.parse(word)).isEqualTo(AgentState.UNRECOGNIZED);
  }

  @Test
  @org.junit.jupiter.api.DisplayName(
      "'starting', the real agents' word (SPEC §7), routes like initializing")
  void parse_starting_isInitializing() {
    assertThat(AgentState.parse("starting")).isEqualTo(AgentState.INITIALIZING);
    assertThat(AgentState.parse(" Starting ")).isEqualTo(AgentState.INITIALIZING);
    assertThat(Availability.parse("idle>busy,starting").tierOf(AgentState.INITIALIZING))
        .isEqualTo(1);
  }

  @Test
  void parse_ignoresCaseAndSurroundingBlanks() {
    assertThat(AgentState.parse("  IDLE ")).isEqualTo(AgentState.IDLE);
  }

  @Test
  void unknownWords_areNotRoutable_underAnyBuiltInRule() {
    assertThat(Availability.reference().isRoutable(AgentState.UNRECOGNIZED)).isFalse();
    assertThat(Availability.preferIdle().isRoutable(AgentState.UNRECOGNIZED)).isFalse();
  }
}
