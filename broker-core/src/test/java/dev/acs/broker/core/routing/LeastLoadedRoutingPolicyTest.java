package dev.acs.broker.core.routing;

import static dev.acs.broker.core.testing.Agents.idle;
import static org.assertj.core.api.Assertions.assertThat;

import dev.acs.broker.core.agent.Agent;
import dev.acs.broker.core.agent.AgentId;
import dev.acs.broker.core.agent.AgentView;
import dev.acs.broker.core.agent.Availability;
import dev.acs.broker.core.message.MessageEnvelope;
import dev.acs.broker.core.message.MessageType;
import dev.acs.broker.core.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LeastLoadedRoutingPolicyTest {

  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final OutstandingWork work = new OutstandingWork(clock, Duration.ofMinutes(2));
  private final LeastLoadedRoutingPolicy policy =
      new LeastLoadedRoutingPolicy(work, new SplittableRandom(11));
  private final MessageEnvelope fromFrontend =
      MessageEnvelope.builder(MessageType.TEXT).senderId("web_1").build();

  @Test
  void theOnlyUnloadedAgentOfFour_winsHalfTheDraws() {
    AgentView view = view(idle("a"), idle("b"), idle("c"), idle("d"));
    load("b", 5);
    load("c", 5);
    load("d", 5);

    Map<String, Integer> counts = draw(view, 20_000);

    // It wins whenever it is one of the two candidates: 1 - (3/4)(2/3) = 1/2.
    assertThat(counts.get("a") / 20_000.0).isBetween(0.48, 0.52);
  }

  @Test
  void equalLoad_spreadsEvenly() {
    AgentView view = view(idle("a"), idle("b"), idle("c"));

    Map<String, Integer> counts = draw(view, 30_000);

    assertThat(counts.values()).allSatisfy(c -> assertThat(c / 30_000.0).isBetween(0.31, 0.355));
  }

  @Test
  void answersSettleWork_andExpiryForgetsWhatWasNeverAnswered() {
    AgentId a = AgentId.of("a");
    work.routedTo(a);
    work.routedTo(a);
    clock.advance(Duration.ofMinutes(1));
    work.routedTo(a);
    assertThat(work.outstanding(a)).isEqualTo(3);

    work.answeredBy(a);
    assertThat(work.outstanding(a)).isEqualTo(2);

    clock.advance(Duration.ofMinutes(1));
    assertThat(work.outstanding(a)).isEqualTo(1);
    clock.advance(Duration.ofMinutes(1));
    assertThat(work.outstanding(a)).isZero();

    work.answeredBy(a);
    assertThat(work.outstanding(a)).isZero();
  }

  @Test
  void departedAgents_areForgotten() {
    work.routedTo(AgentId.of("gone"));
    work.retainAgentsOf(view(idle("a")));
    assertThat(work.outstanding(AgentId.of("gone"))).isZero();
  }

  @Test
  void neverChoosesTheSender() {
    AgentView view = view(idle("a"), idle("b"));
    MessageEnvelope fromA = MessageEnvelope.builder(MessageType.TEXT).senderId("a").build();
    load("b", 100);
    for (int i = 0; i < 100; i++) {
      assertThat(policy.choose(fromA, view).orElseThrow().id().value()).isEqualTo("b");
    }
  }

  private void load(String agent, int messages) {
    for (int i = 0; i < messages; i++) {
      work.routedTo(AgentId.of(agent));
    }
  }

  private Map<String, Integer> draw(AgentView view, int draws) {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < draws; i++) {
      counts.merge(policy.choose(fromFrontend, view).orElseThrow().id().value(), 1, Integer::sum);
    }
    return counts;
  }

  private static AgentView view(Agent... agents) {
    return AgentView.of(1, Instant.EPOCH, Availability.preferIdle(), Arrays.asList(agents));
  }
}
