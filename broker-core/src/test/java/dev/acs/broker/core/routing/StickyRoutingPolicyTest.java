package dev.acs.broker.core.routing;

import static dev.acs.broker.core.testing.Agents.busy;
import static dev.acs.broker.core.testing.Agents.idle;
import static dev.acs.broker.core.testing.Agents.paused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.acs.broker.core.agent.Agent;
import dev.acs.broker.core.agent.AgentRegistry;
import dev.acs.broker.core.agent.AgentStatusUpdate;
import dev.acs.broker.core.agent.AgentView;
import dev.acs.broker.core.agent.Availability;
import dev.acs.broker.core.message.MessageEnvelope;
import dev.acs.broker.core.message.MessageType;
import dev.acs.broker.core.testing.ManualClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StickyRoutingPolicyTest {

  private static final int KEYS = 10_000;

  private final OutstandingWork work =
      new OutstandingWork(new ManualClock(Instant.EPOCH), Duration.ofMinutes(5));
  private final StickyRoutingPolicy policy =
      new StickyRoutingPolicy(work, new SplittableRandom(4), false);

  @Test
  void aConversation_staysWithItsAgent() {
    AgentView view = view(idle("a"), idle("b"), idle("c"), idle("d"));
    String first = chosen(policy, frontend("web_42"), view);
    for (int i = 0; i < 100; i++) {
      assertThat(chosen(policy, frontend("web_42"), view)).isEqualTo(first);
    }
  }

  @Test
  void whenAnAgentLeaves_onlyItsConversationsMove() {
    List<Agent> agents = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      agents.add(idle("agent-" + i));
    }
    AgentView before = view(agents.toArray(Agent[]::new));
    agents.remove(7);
    AgentView after = view(agents.toArray(Agent[]::new));

    int moved = 0;
    int ownedByDeparted = 0;
    for (int k = 0; k < KEYS; k++) {
      MessageEnvelope message = frontend("web_" + k);
      String was = chosen(policy, message, before);
      String now = chosen(policy, message, after);
      if (was.equals("agent-7")) {
        ownedByDeparted++;
        assertThat(now).isNotEqualTo("agent-7");
      } else {
        assertThat(now).as("key %s moved without need", k).isEqualTo(was);
      }
      if (!was.equals(now)) {
        moved++;
      }
    }
    assertThat(moved).isEqualTo(ownedByDeparted);
    // One agent of twenty owns about 5 % of the keys.
    assertThat(ownedByDeparted).isBetween(KEYS * 2 / 100, KEYS * 9 / 100);
  }

  @Test
  void whenAnAgentJoins_onlyTheKeysItTakesMove() {
    AgentView before = view(idle("a"), idle("b"), idle("c"));
    AgentView after = view(idle("a"), idle("b"), idle("c"), idle("d"));
    for (int k = 0; k < KEYS; k++) {
      String was = chosen(policy, frontend("web_" + k), before);
      String now = chosen(policy, frontend("web_" + k), after);
      assertThat(now).isIn(was, "d");
    }
  }

  @Test
  void keysSpreadRoughlyEvenly() {
    AgentView view = view(idle("a"), idle("b"), idle("c"), idle("d"), idle("e"));
    Map<String, Integer> counts = new HashMap<>();
    for (int k = 0; k < KEYS; k++) {
      counts.merge(chosen(policy, frontend("web_" + k), view), 1, Integer::sum);
    }
    assertThat(counts.values()).allSatisfy(c -> assertThat(c).isBetween(1_200, 2_800));
  }

  @Test
  void twoBrokersFedTheSameSnapshots_agreeOnEveryConversation() {
    List<Agent> agents = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      agents.add(idle("agent-" + i));
    }
    AgentRegistry one = new AgentRegistry(Availability.preferIdle(), Clock.systemUTC());
    AgentRegistry two = new AgentRegistry(Availability.preferIdle(), Clock.systemUTC());
    one.apply(AgentStatusUpdate.snapshot(agents));
    List<Agent> reversed = new ArrayList<>(agents);
    java.util.Collections.reverse(reversed);
    two.apply(AgentStatusUpdate.snapshot(reversed));
    StickyRoutingPolicy otherBroker =
        new StickyRoutingPolicy(
            new OutstandingWork(Clock.systemUTC(), Duration.ofMinutes(5)),
            new SplittableRandom(99),
            false);

    for (int k = 0; k < KEYS; k++) {
      MessageEnvelope message = frontend("web_" + k);
      assertThat(chosen(otherBroker, message, two.view()))
          .isEqualTo(chosen(policy, message, one.view()));
    }
  }

  @Test
  void busyStickyAgent_fallsBackToAnIdleOne_orWaitsWhenConfigured() {
    String key = keyOwnedBy("b", view(idle("a"), idle("b")));
    AgentView bIsBusy = view(idle("a"), busy("b"));

    assertThat(chosen(policy, frontend(key), bIsBusy)).isEqualTo("a");

    StickyRoutingPolicy patient = new StickyRoutingPolicy(work, new SplittableRandom(4), true);
    assertThat(patient.choose(frontend(key), bIsBusy, true)).isEmpty();
    assertThat(patient.choose(frontend(key), bIsBusy, false).orElseThrow().id().value())
        .isEqualTo("a");
  }

  @Test
  void busyStickyAgent_isUsedWhenNobodyIsIdle() {
    String key = keyOwnedBy("b", view(idle("a"), idle("b")));
    assertThat(chosen(policy, frontend(key), view(busy("a"), busy("b")))).isEqualTo("b");
  }

  @Test
  void agentToAgentExchange_isKeyedBySender_andNeverReturnsToTheSender() {
    AgentView view = view(idle("a"), idle("b"), idle("c"));
    MessageEnvelope fromA =
        MessageEnvelope.builder(MessageType.TEXT).senderId("a").receiverId("server").build();
    String first = chosen(policy, fromA, view);
    assertThat(first).isNotEqualTo("a");
    for (int i = 0; i < 50; i++) {
      assertThat(chosen(policy, fromA, view)).isEqualTo(first);
    }
  }

  @Test
  void pausedAgents_areNeverChosen() {
    AgentView view = view(paused("a"), idle("b"), paused("c"));
    for (int k = 0; k < 1_000; k++) {
      assertThat(chosen(policy, frontend("web_" + k), view)).isEqualTo("b");
    }
  }

  private String keyOwnedBy(String agent, AgentView view) {
    for (int k = 0; ; k++) {
      if (chosen(policy, frontend("web_" + k), view).equals(agent)) {
        return "web_" + k;
      }
    }
  }

  private static String chosen(
      StickyRoutingPolicy policy, MessageEnvelope message, AgentView view) {
    return policy.choose(message, view).orElseThrow().id().value();
  }

  private static MessageEnvelope frontend(String client) {
    return MessageEnvelope.builder(MessageType.TEXT)
        .senderId(client)
        .receiverId("server")
        .clientId(client)
        .build();
  }

  private static AgentView view(Agent... agents) {
    return AgentView.of(1, Instant.EPOCH, Availability.preferIdle(), Arrays.asList(agents));
  }
}
