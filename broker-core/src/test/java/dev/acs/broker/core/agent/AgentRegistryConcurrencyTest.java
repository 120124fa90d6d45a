package dev.acs.broker.core.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acs.broker.core.message.MessageEnvelope;
import dev.acs.broker.core.message.MessageType;
import dev.acs.broker.core.routing.MessageRouter;
import dev.acs.broker.core.routing.RandomRoutingPolicy;
import dev.acs.broker.core.routing.RoutingDecision;
import dev.acs.broker.core.testing.Agents;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Writers replace and patch the registry while readers route against it. Each snapshot is
 * internally consistent by construction (all its agents share one generation in their name), so a
 * reader that ever sees a mixture, a chosen agent that is not available in its own view, or an
 * exception proves a broken publication. The test asserts invariants, never timing.
 */
class AgentRegistryConcurrencyTest {

  private static final int WRITERS = 2;
  private static final int READERS = 4;
  private static final int UPDATES_PER_WRITER = 2_000;
  private static final int AGENTS_PER_SNAPSHOT = 50;

  @Test
  void readersAlwaysSeeWholeSnapshots_whileWritersUpdate() throws Exception {
    AgentRegistry registry = new AgentRegistry(Availability.reference(), Clock.systemUTC());
    registry.apply(AgentStatusUpdate.snapshot(snapshot(0, 0)));
    CyclicBarrier start = new CyclicBarrier(WRITERS + READERS);
    AtomicBoolean writing = new AtomicBoolean(true);
    ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    List<Thread> threads = new ArrayList<>();

    for (int w = 0; w < WRITERS; w++) {
      int writer = w;
      threads.add(
          new Thread(
              () -> {
                await(start);
                for (int i = 1; i <= UPDATES_PER_WRITER; i++) {
                  registry.apply(AgentStatusUpdate.snapshot(snapshot(writer, i)));
                }
              }));
    }
    for (int r = 0; r < READERS; r++) {
      int seed = r;
      threads.add(
          new Thread(
              () -> {
                MessageRouter router =
                    new MessageRouter(new RandomRoutingPolicy(new SplittableRandom(seed)));
                await(start);
                long lastVersion = -1;
                while (writing.get()) {
                  AgentView view = registry.view();
                  if (view.version() < lastVersion) {
                    violations.add(
                        "version went back from " + lastVersion + " to " + view.version());
                  }
                  lastVersion = view.version();
                  long generations = view.agents().stream().map(Agent::name).distinct().count();
                  if (generations != 1 || view.size() != AGENTS_PER_SNAPSHOT) {
                    violations.add("mixed view " + view);
                  }
                  MessageEnvelope message =
                      MessageEnvelope.builder(MessageType.TEXT).senderId("agent-0").build();
                  RoutingDecision decision = router.decide(message, view);
                  if (decision instanceof RoutingDecision.Deliver deliver) {
                    if (!view.isAvailable(deliver.agent().id())
                        || deliver.agent().id().value().equals("agent-0")) {
                      violations.add("chose " + deliver.agent().id() + " in " + view);
                    }
                  } else {
                    violations.add("no agent chosen in " + view + ": " + decision);
                  }
                }
              }));
    }
    ConcurrentLinkedQueue<Throwable> uncaught = new ConcurrentLinkedQueue<>();
    threads.forEach(t -> t.setUncaughtExceptionHandler((thread, e) -> uncaught.add(e)));
    threads.forEach(Thread::start);
    for (int w = 0; w < WRITERS; w++) {
      threads.get(w).join();
    }
    writing.set(false);
    for (Thread thread : threads) {
      thread.join();
    }

    assertThat(uncaught).isEmpty();
    assertThat(violations).isEmpty();
    assertThat(registry.view().version()).isEqualTo(1L + WRITERS * UPDATES_PER_WRITER);
  }

  private static List<Agent> snapshot(int writer, int generation) {
    List<Agent> agents = new ArrayList<>();
    for (int i = 0; i < AGENTS_PER_SNAPSHOT; i++) {
      Agent agent = Agents.idle("agent-" + i);
      agents.add(
          new Agent(
              agent.id(),
              "gen-" + writer + "-" + generation,
              i % 3 == 0 ? AgentState.BUSY : AgentState.IDLE,
              agent.lastSeen(),
              agent.metrics()));
    }
    return agents;
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
