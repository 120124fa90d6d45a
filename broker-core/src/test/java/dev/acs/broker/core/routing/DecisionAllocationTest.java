package dev.acs.broker.core.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acs.broker.core.agent.Agent;
import dev.acs.broker.core.agent.AgentView;
import dev.acs.broker.core.agent.Availability;
import dev.acs.broker.core.message.MessageEnvelope;
import dev.acs.broker.core.message.MessageType;
import dev.acs.broker.core.testing.Agents;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A routing decision must not allocate in proportion to the number of agents. Counts the bytes the
 * deciding thread allocates (HotSpot's per-thread counter, exact and independent of timing) over
 * many decisions at 10 and at 100,000 agents, and compares.
 */
class DecisionAllocationTest {

  private static final int DECISIONS = 200_000;

  @ParameterizedTest
  @ValueSource(strings = {"random", "round-robin", "least-loaded", "sticky"})
  void bytesPerDecision_doNotGrowWithTheNumberOfAgents(String policy) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    MessageRouter router =
        new MessageRouter(
            RoutingPolicies.named(
                policy,
                new OutstandingWork(Clock.systemUTC(), Duration.ofMinutes(5)),
                new SplittableRandom(9),
                false));
    MessageEnvelope message =
        MessageEnvelope.builder(MessageType.TEXT)
            .senderId("web_5")
            .clientId("web_5")
            .receiverId("server")
            .build();

    double small = bytesPerDecision(threads, router, message, view(10));
    double large = bytesPerDecision(threads, router, message, view(100_000));

    // A decision allocates at most its small result objects; a copy of even a tiny slice of a
    // 100,000-agent registry would be hundreds of kilobytes.
    assertThat(large).isLessThan(256);
    assertThat(large).isLessThanOrEqualTo(small + 32);
  }

  private static double bytesPerDecision(
      com.sun.management.ThreadMXBean threads,
      MessageRouter router,
      MessageEnvelope message,
      AgentView view) {
    for (int i = 0; i < DECISIONS; i++) { // warm up so the JIT settles first
      router.decide(message, view);
    }
    long thread = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(thread);
    int delivered = 0;
    for (int i = 0; i < DECISIONS; i++) {
      if (router.decide(message, view) instanceof RoutingDecision.Deliver) {
        delivered++;
      }
    }
    long after = threads.getThreadAllocatedBytes(thread);
    assertThat(delivered).isEqualTo(DECISIONS);
    return (after - before) / (double) DECISIONS;
  }

  private static AgentView view(int agents) {
    List<Agent> list = new ArrayList<>(agents);
    for (int i = 0; i < agents; i++) {
      list.add(Agents.idle("agent-" + i));
    }
    return AgentView.of(1, Instant.EPOCH, Availability.reference(), list);
  }
}
