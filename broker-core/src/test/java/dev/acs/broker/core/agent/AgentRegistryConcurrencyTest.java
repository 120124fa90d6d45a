package dev.acs.broker.core.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acs.broker.core.application.AgentStatusFeed;
import dev.acs.broker.core.message.MessageEnvelope;
import dev.acs.broker.core.message.MessageType;
import dev.acs.broker.core.port.AgentStatusObserver;
import dev.acs.broker.core.routing.MessageRouter;
import dev.acs.broker.core.routing.OutstandingWork;
import dev.acs.broker.core.routing.RandomRoutingPolicy;
import dev.acs.broker.core.routing.RoutingDecision;
import dev.acs.broker.core.routing.StickyRoutingPolicy;
import dev.acs.broker.core.testing.Agents;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
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

  @Test
  void readersNeverSeeATornUpdate_whileDeltasAreConflatedAndApplied() throws Exception {
    AgentRegistry registry = new AgentRegistry(Availability.preferIdle(), Clock.systemUTC());
    registry.apply(AgentStatusUpdate.snapshot(snapshot(0, 0)));
    AgentStatusFeed feed =
        AgentStatusFeed.onOwnThread(registry, Clock.systemUTC(), AgentStatusObserver.NONE);
    String last = "gen-0-" + UPDATES_PER_WRITER;
    CountDownLatch lastApplied = new CountDownLatch(1);
    AtomicBoolean writersDone = new AtomicBoolean();
    registry.onChange(
        view -> {
          if (writersDone.get() && view.agents().iterator().next().name().equals(last)) {
            lastApplied.countDown();
          }
        });
    CyclicBarrier start = new CyclicBarrier(2 + READERS);
    AtomicBoolean writing = new AtomicBoolean(true);
    ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    List<Thread> threads = new ArrayList<>();
    // The stream: whole-fleet deltas through the conflating feed, one thread as the port says.
    threads.add(
        new Thread(
            () -> {
              await(start);
              for (int i = 1; i <= UPDATES_PER_WRITER; i++) {
                feed.onStatus(AgentStatusUpdate.delta(snapshot(0, i)));
              }
            }));
    // Status messages from the input queue, applied directly and concurrently with the feed.
    threads.add(
        new Thread(
            () -> {
              await(start);
              for (int i = 1; i <= UPDATES_PER_WRITER / 4; i++) {
                registry.apply(AgentStatusUpdate.delta(snapshot(1, i)));
              }
            }));
    for (int r = 0; r < READERS; r++) {
      threads.add(new Thread(() -> readUntilDone(registry, start, writing, violations)));
    }
    ConcurrentLinkedQueue<Throwable> uncaught = new ConcurrentLinkedQueue<>();
    threads.forEach(t -> t.setUncaughtExceptionHandler((thread, e) -> uncaught.add(e)));
    threads.forEach(Thread::start);
    threads.get(0).join();
    threads.get(1).join();
    writersDone.set(true);
    // The feed must catch up with the stream's last update (the other writer may end later).
    feed.onStatus(AgentStatusUpdate.delta(snapshot(0, UPDATES_PER_WRITER)));
    assertThat(lastApplied.await(30, TimeUnit.SECONDS)).isTrue();
    writing.set(false);
    for (Thread thread : threads) {
      thread.join();
    }
    feed.close();

    assertThat(uncaught).isEmpty();
    assertThat(violations).isEmpty();
    assertThat(registry.view().agents()).allMatch(agent -> agent.name().equals(last));
  }

  /** Routes against the registry and checks every invariant a whole update keeps. */
  private static void readUntilDone(
      AgentRegistry registry,
      CyclicBarrier start,
      AtomicBoolean writing,
      ConcurrentLinkedQueue<String> violations) {
    MessageRouter sticky =
        new MessageRouter(
            new StickyRoutingPolicy(
                new OutstandingWork(Clock.systemUTC(), Duration.ofMinutes(5)),
                new SplittableRandom(1),
                false));
    await(start);
    int k = 0;
    while (writing.get()) {
      AgentView view = registry.view();
      long generations = view.agents().stream().map(Agent::name).distinct().count();
      if (generations != 1 || view.size() != AGENTS_PER_SNAPSHOT) {
        violations.add("mixed view " + view);
      }
      int available = 0;
      for (int tier = 0; tier < view.tierCount(); tier++) {
        AgentId previous = null;
        for (int i = 0; i < view.tierSize(tier); i++) {
          Agent member = view.member(tier, i);
          if (view.tierOf(member.id()) != tier
              || view.get(member.id()) != member
              || (previous != null && previous.compareTo(member.id()) >= 0)) {
            violations.add("tier " + tier + " inconsistent at " + i + " in " + view);
          }
          previous = member.id();
        }
        available += view.tierSize(tier);
      }
      if (available != view.availableCount()
          || view.ring().size() != available
          || view.ring().pointCount() != available * HashRing.POINTS_PER_AGENT) {
        violations.add("counts disagree in " + view);
      }
      String client = "web_" + k++;
      MessageEnvelope message =
          MessageEnvelope.builder(MessageType.TEXT).senderId(client).clientId(client).build();
      // The ring holds ids and resolves them in the same view: its answer is this view's record
      // (of this view's generation), never one from an update before or after it.
      Agent owner = view.ring().owner(client, null);
      if (owner == null
          || !view.isAvailable(owner.id())
          || view.get(owner.id()) != owner
          || !owner.name().equals(view.agents().iterator().next().name())) {
        violations.add("ring owner " + owner + " not available in " + view);
      }
      if (!(sticky.decide(message, view) instanceof RoutingDecision.Deliver)) {
        violations.add("no delivery in " + view);
      }
    }
  }

  /**
   * Every agent of one generation: states change from one generation to the next, so each update
   * moves agents between tiers (busy and idle, ring points untouched) and takes a few off the ring
   * and back (offline), the changes a torn update would show. Agent 1 stays idle, so a reader
   * always has an agent other than the sender.
   */
  private static List<Agent> snapshot(int writer, int generation) {
    List<Agent> agents = new ArrayList<>();
    for (int i = 0; i < AGENTS_PER_SNAPSHOT; i++) {
      Agent agent = Agents.idle("agent-" + i);
      AgentState state =
          i == 1
              ? AgentState.IDLE
              : (i + generation) % 7 == 0
                  ? AgentState.OFFLINE
                  : (i + generation) % 3 == 0 ? AgentState.BUSY : AgentState.IDLE;
      agents.add(
          new Agent(
              agent.id(),
              "gen-" + writer + "-" + generation,
              state,
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
