package dev.acs.broker.core.routing;

import static dev.acs.broker.core.testing.Agents.busy;
import static dev.acs.broker.core.testing.Agents.idle;
import static dev.acs.broker.core.testing.Agents.paused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.acs.broker.core.agent.Agent;
import dev.acs.broker.core.agent.AgentView;
import dev.acs.broker.core.agent.Availability;
import dev.acs.broker.core.message.MessageEnvelope;
import dev.acs.broker.core.message.MessageType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoundRobinRoutingPolicyTest {

  private RoundRobinRoutingPolicy policy = new RoundRobinRoutingPolicy();

  @Test
  void takesAgentsInTurn_inIdOrder() {
    AgentView view = view(idle("c"), idle("a"), idle("b"));

    assertThat(choices(view, "web_1", 7)).containsExactly("a", "b", "c", "a", "b", "c", "a");
  }

  @Test
  void skipsTheSender_withoutBreakingTheTurn() {
    AgentView view = view(idle("a"), idle("b"), idle("c"));

    assertThat(choices(view, "b", 4)).containsExactly("a", "c", "a", "c");
  }

  @Test
  void usesBusyAgentsOnlyWhenNoIdleOneIsLeft_andNeverPausedOnes() {
    assertThat(choices(view(idle("z"), busy("a"), paused("p")), "web_1", 3))
        .containsExactly("z", "z", "z");
    policy = new RoundRobinRoutingPolicy();
    assertThat(choices(view(busy("a"), busy("b"), paused("p")), "web_1", 3))
        .containsExactly("a", "b", "a");
    assertThat(policy.choose(envelopeFrom("web_1"), view(paused("p")))).isEmpty();
  }

  private List<String> choices(AgentView view, String sender, int count) {
    List<String> chosen = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      chosen.add(policy.choose(envelopeFrom(sender), view).orElseThrow().id().value());
    }
    return chosen;
  }

  private static MessageEnvelope envelopeFrom(String sender) {
    return MessageEnvelope.builder(MessageType.TEXT).senderId(sender).build();
  }

  private static AgentView view(Agent... agents) {
    return AgentView.of(1, Instant.EPOCH, Availability.preferIdle(), Arrays.asList(agents));
  }
}
