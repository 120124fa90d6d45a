package dev.acs.broker.core.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AvailabilityTest {

  @Test
  void reference_routesEveryStateButTheFiveExcludedOnes() {
    Availability reference = Availability.reference();
    Set<AgentState> routable = EnumSet.noneOf(AgentState.class);
    for (AgentState state : AgentState.values()) {
      if (reference.isRoutable(state)) {
        routable.add(state);
      }
    }
    assertThat(routable)
        .containsExactlyInAnyOrder(
            AgentState.INITIALIZING, AgentState.IDLE, AgentState.BUSY, AgentState.PAUSED);
  }

  @Test
  void preferIdle_putsIdleBeforeBusyAndNeverRoutesPaused() {
    Availability rule = Availability.preferIdle();
    assertThat(rule.tierOf(AgentState.IDLE)).isZero();
    assertThat(rule.tierOf(AgentState.BUSY)).isEqualTo(1);
    assertThat(rule.tierOf(AgentState.INITIALIZING)).isEqualTo(1);
    assertThat(rule.isRoutable(AgentState.PAUSED)).isFalse();
  }

  @Test
  void parse_readsTiersAndRoundTripsThroughToString() {
    Availability rule = Availability.parse("idle > busy, initializing");
    assertThat(rule).isEqualTo(Availability.preferIdle());
    assertThat(Availability.parse(rule.toString())).isEqualTo(rule);
  }

  @Test
  void parse_unknownState_namesTheWordAndTheAcceptedOnes() {
    assertThatThrownBy(() -> Availability.parse("idle,sleepy"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'sleepy'")
        .hasMessageContaining("idle, busy");
  }

  @Test
  void parse_stateInTwoTiers_isRejected() {
    assertThatThrownBy(() -> Availability.parse("idle>idle"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("more than one");
  }

  @Test
  void parse_emptyWord_isRejected() {
    assertThatThrownBy(() -> Availability.parse("idle,,busy"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty state");
  }
}
