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
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RandomRoutingPolicyTest {

  private static final int DRAWS = 60_000;

  @Test
  void choices_areUniformAmongAgentsOtherThanTheSender() {
    List<Agent> agents = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      agents.add(idle("a" + i));
    }
    AgentView view = view(Availability.reference(), agents.toArray(Agent[]::new));
    RandomRoutingPolicy policy = new RandomRoutingPolicy(new SplittableRandom(42));
    MessageEnvelope fromA3 = MessageEnvelope.builder(MessageType.TEXT).senderId("a3").build();

    Map<String, Integer> counts = new TreeMap<>();
    for (int i = 0; i < DRAWS; i++) {
      counts.merge(policy.choose(fromA3, view).orElseThrow().id().value(), 1, Integer::sum);
    }

    assertThat(counts).doesNotContainKey("a3").hasSize(6);
    // Chi-square with 5 degrees of freedom; 20.5 is the 0.999 quantile, and the seed is fixed.
    double expected = DRAWS / 6.0;
    double chiSquare =
        counts.values().stream().mapToDouble(c -> (c - expected) * (c - expected) / expected).sum();
    assertThat(chiSquare).isLessThan(20.5);
  }

  @Test
  void sameSeed_sameChoices() {
    AgentView view = view(Availability.reference(), idle("a"), idle("b"), idle("c"), idle("d"));
    MessageEnvelope message = MessageEnvelope.builder(MessageType.TEXT).senderId("web_1").build();
    RandomRoutingPolicy first = new RandomRoutingPolicy(new SplittableRandom(5));
    RandomRoutingPolicy second = new RandomRoutingPolicy(new SplittableRandom(5));
    for (int i = 0; i < 100; i++) {
      assertThat(first.choose(message, view)).isEqualTo(second.choose(message, view));
    }
  }

  @Test
  void earlierTiersArePreferred_laterOnesUsedOnlyWhenEmpty() {
    RandomRoutingPolicy policy = new RandomRoutingPolicy(new SplittableRandom(1));
    MessageEnvelope fromIdle = MessageEnvelope.builder(MessageType.TEXT).senderId("i").build();

    AgentView mixed = view(Availability.preferIdle(), idle("i"), idle("j"), busy("b"), paused("p"));
    for (int i = 0; i < 200; i++) {
      assertThat(policy.choose(fromIdle, mixed).orElseThrow().id().value()).isEqualTo("j");
    }

    AgentView onlySenderIdle = view(Availability.preferIdle(), idle("i"), busy("b"), paused("p"));
    for (int i = 0; i < 200; i++) {
      assertThat(policy.choose(fromIdle, onlySenderIdle).orElseThrow().id().value()).isEqualTo("b");
    }
  }

  @Test
  void pausedAgents_areNeverChosen_underPreferIdle() {
    RandomRoutingPolicy policy = new RandomRoutingPolicy(new SplittableRandom(3));
    AgentView view = view(Availability.preferIdle(), paused("p1"), paused("p2"));
    MessageEnvelope message = MessageEnvelope.builder(MessageType.TEXT).senderId("web_1").build();

    assertThat(policy.choose(message, view)).isEmpty();
  }

  private static AgentView view(Availability availability, Agent... agents) {
    return AgentView.of(1, Instant.EPOCH, availability, Arrays.asList(agents));
  }
}
