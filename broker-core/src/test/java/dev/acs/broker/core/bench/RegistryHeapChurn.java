package dev.acs.broker.core.bench;

import dev.acs.broker.core.agent.Agent;
import dev.acs.broker.core.agent.AgentRegistry;
import dev.acs.broker.core.agent.AgentState;
import dev.acs.broker.core.agent.AgentStatusUpdate;
import dev.acs.broker.core.agent.Availability;
import dev.acs.broker.core.testing.Agents;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Heap of a registry of N agents (live set after a full GC) and its course over a churn of
 * one-agent deltas at a fixed rate, with a full snapshot now and then. Not a test: run by hand,
 * e.g.
 *
 * <pre>
 * java -Xmx1g -cp broker-core/target/classes:broker-core/target/test-classes:$JSPECIFY \
 *   dev.acs.broker.core.bench.RegistryHeapChurn 100000 5000 600
 * </pre>
 *
 * (agents, deltas per second, seconds). Prints one line per minute.
 */
public final class RegistryHeapChurn {

  private RegistryHeapChurn() {}

  /** Runs the churn; see the class comment for the arguments. */
  public static void main(String[] args) {
    int agents = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 600;
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long empty = liveHeap(memory);
    List<Agent> fleet = new ArrayList<>(agents);
    for (int i = 0; i < agents; i++) {
      fleet.add(agent(i, i % 3 == 0 ? AgentState.BUSY : AgentState.IDLE));
    }
    long withUpdate = liveHeap(memory);
    AgentRegistry registry = new AgentRegistry(Availability.preferIdle(), Clock.systemUTC());
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long start = System.nanoTime();
    long startCpu = threads.getCurrentThreadCpuTime();
    registry.apply(AgentStatusUpdate.snapshot(fleet));
    // CPU time as well as wall time: on a shared machine the wall time mostly measures the others.
    System.out.printf(
        "first snapshot of %,d agents applied in %.1f ms wall, %.1f ms CPU%n",
        agents,
        (System.nanoTime() - start) / 1e6,
        (threads.getCurrentThreadCpuTime() - startCpu) / 1e6);
    long withRegistry = liveHeap(memory);
    System.out.printf(
        "live heap: JVM %.1f MB, agent records %.1f MB, registry (map, tiers, ring) %.1f MB%n",
        mb(empty), mb(withUpdate - empty), mb(withRegistry - withUpdate));
    SplittableRandom random = new SplittableRandom(1);
    AgentState[] states = {AgentState.IDLE, AgentState.BUSY, AgentState.OFFLINE};
    long periodNanos = 1_000_000_000L / rate;
    long next = System.nanoTime();
    long applied = 0;
    long applyNanos = 0;
    long applyCpuNanos = 0;
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    long nextReport = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < end) {
      int i = random.nextInt(agents);
      Agent changed = agent(i, states[random.nextInt(states.length)]);
      long before = System.nanoTime();
      long beforeCpu = threads.getCurrentThreadCpuTime();
      if (applied % (rate * 10L) == 0) {
        fleet.set(i, changed);
        registry.apply(AgentStatusUpdate.snapshot(fleet)); // a full snapshot every 10 s
      } else {
        registry.apply(AgentStatusUpdate.delta(List.of(changed)));
        fleet.set(i, changed);
      }
      applyNanos += System.nanoTime() - before;
      applyCpuNanos += threads.getCurrentThreadCpuTime() - beforeCpu;
      applied++;
      next += periodNanos;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      if (System.nanoTime() > nextReport) {
        nextReport += 60_000_000_000L;
        System.out.printf(
            "%,d updates applied, mean %.1f µs wall, %.1f µs CPU each; live heap %.1f MB (registry"
                + " view %,d agents, %,d available)%n",
            applied,
            applyNanos / 1e3 / applied,
            applyCpuNanos / 1e3 / applied,
            mb(liveHeap(memory)),
            registry.view().size(),
            registry.view().availableCount());
      }
    }
    System.out.printf("done: %,d updates; live heap %.1f MB%n", applied, mb(liveHeap(memory)));
  }

  private static Agent agent(int i, AgentState state) {
    Agent template = Agents.inState("agent-" + i, state);
    return new Agent(
        template.id(),
        "Agent " + i,
        state,
        "2026-01-01T00:00:00+00:00",
        Map.of(AgentState.METRIC_KEY, state.wireName(), "grpc_status", "ok"));
  }

  private static long liveHeap(MemoryMXBean memory) {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

  private static double mb(long bytes) {
    return bytes / 1024.0 / 1024.0;
  }
}
