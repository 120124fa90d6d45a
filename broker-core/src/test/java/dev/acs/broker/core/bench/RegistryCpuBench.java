package dev.acs.broker.core.bench;

import dev.acs.broker.core.agent.Agent;
import dev.acs.broker.core.agent.AgentRegistry;
import dev.acs.broker.core.agent.AgentStatusUpdate;
import dev.acs.broker.core.agent.AgentView;
import dev.acs.broker.core.agent.Availability;
import dev.acs.broker.core.message.MessageEnvelope;
import dev.acs.broker.core.message.MessageType;
import dev.acs.broker.core.routing.MessageRouter;
import dev.acs.broker.core.routing.OutstandingWork;
import dev.acs.broker.core.routing.RandomRoutingPolicy;
import dev.acs.broker.core.routing.StickyRoutingPolicy;
import dev.acs.broker.core.testing.Agents;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntSupplier;

/**
 * The registry's write side and the routing decision measured in thread CPU time rather than wall
 * time, so that a machine shared with other builds still gives usable figures (JMH's wall-clock
 * averages there mostly measure the other processes). Uses only the public API, so the same class
 * runs against an older build of broker-core for a before/after ratio:
 *
 * <pre>
 * java -cp broker-core/target/classes:broker-core/target/test-classes:$JSPECIFY \
 *   dev.acs.broker.core.bench.RegistryCpuBench 1000 10000 100000
 * </pre>
 */
public final class RegistryCpuBench {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private RegistryCpuBench() {}

  /** Runs every measurement at each fleet size given (default 1,000, 10,000 and 100,000). */
  public static void main(String[] args) {
    int[] sizes =
        args.length == 0
            ? new int[] {1_000, 10_000, 100_000}
            : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
    System.out.println("fleet | operation | median µs CPU | p90 µs CPU | samples");
    for (int n : sizes) {
      run(n);
    }
  }

  private static void run(int n) {
    Agent[] idle = new Agent[n];
    Agent[] busy = new Agent[n];
    boolean[] isBusy = new boolean[n];
    List<Agent> fleet = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      idle[i] = Agents.idle("agent-" + i);
      busy[i] = Agents.busy("agent-" + i);
      isBusy[i] = i % 3 == 0;
      fleet.add(isBusy[i] ? busy[i] : idle[i]);
    }
    SplittableRandom random = new SplittableRandom(n);
    report(
        n,
        "first full snapshot",
        measure(
            3,
            () -> {
              new AgentRegistry(Availability.preferIdle(), Clock.systemUTC())
                  .apply(AgentStatusUpdate.snapshot(fleet));
              return 0;
            }));
    AgentRegistry registry = new AgentRegistry(Availability.preferIdle(), Clock.systemUTC());
    registry.apply(AgentStatusUpdate.snapshot(fleet));
    IntSupplier toggle =
        () -> {
          int i = random.nextInt(n);
          isBusy[i] = !isBusy[i];
          fleet.set(i, isBusy[i] ? busy[i] : idle[i]);
          return i;
        };
    report(
        n,
        "one-agent delta",
        measure(
            samples(n, 2_000),
            () -> {
              int i = toggle.getAsInt();
              registry.apply(AgentStatusUpdate.delta(List.of(fleet.get(i))));
              return 0;
            }));
    report(
        n,
        "100-agent delta",
        measure(
            samples(n, 500),
            () -> {
              List<Agent> delta = new ArrayList<>(100);
              for (int k = 0; k < 100; k++) {
                delta.add(fleet.get(toggle.getAsInt()));
              }
              registry.apply(AgentStatusUpdate.delta(delta));
              return 0;
            }));
    report(
        n,
        "full snapshot, 1 changed",
        measure(
            samples(n, 60),
            () -> {
              toggle.getAsInt();
              registry.apply(AgentStatusUpdate.snapshot(fleet));
              return 0;
            }));
    MessageRouter sticky =
        new MessageRouter(
            new StickyRoutingPolicy(
                new OutstandingWork(Clock.systemUTC(), Duration.ofMinutes(5)),
                new SplittableRandom(1),
                false));
    MessageRouter randomRouter =
        new MessageRouter(new RandomRoutingPolicy(new SplittableRandom(2)));
    MessageEnvelope[] messages = new MessageEnvelope[1024];
    for (int i = 0; i < messages.length; i++) {
      String client = "web_" + random.nextInt(100_000);
      messages[i] =
          MessageEnvelope.builder(MessageType.TEXT)
              .senderId(client)
              .receiverId("server")
              .clientId(client)
              .build();
    }
    // What an agent turning busy or idle costs the system with sticky routing: the apply and the
    // first decision that meets the new view (which rebuilt the ring in the old implementation).
    report(
        n,
        "one-agent delta + first sticky decision",
        measure(
            samples(n, 2_000),
            () -> {
              int i = toggle.getAsInt();
              registry.apply(AgentStatusUpdate.delta(List.of(fleet.get(i))));
              sticky.decide(messages[i & 1023], registry.view());
              return 0;
            }));
    AgentView view = registry.view();
    for (int warm = 0; warm < 200_000; warm++) {
      sticky.decide(messages[warm & 1023], view);
      randomRouter.decide(messages[warm & 1023], view);
    }
    report(n, "sticky decision", perDecision(sticky, messages, view));
    report(n, "random decision", perDecision(randomRouter, messages, view));
  }

  private static int samples(int n, int atOneThousand) {
    return Math.max(15, (int) ((long) atOneThousand * 1_000 / Math.max(1_000, n / 10)));
  }

  /** CPU nanoseconds of each of {@code count} runs, after as many warm-up runs. */
  private static long[] measure(int count, IntSupplier operation) {
    for (int i = 0; i < count; i++) {
      operation.getAsInt();
    }
    long[] cpu = new long[count];
    for (int i = 0; i < count; i++) {
      long start = THREADS.getCurrentThreadCpuTime();
      operation.getAsInt();
      cpu[i] = THREADS.getCurrentThreadCpuTime() - start;
    }
    return cpu;
  }

  /** CPU nanoseconds per decision over batches of 100,000 decisions, in µs ×1000 for reporting. */
  private static long[] perDecision(MessageRouter router, MessageEnvelope[] messages, AgentView v) {
    long[] batches = new long[9];
    for (int b = 0; b < batches.length; b++) {
      long start = THREADS.getCurrentThreadCpuTime();
      for (int i = 0; i < 100_000; i++) {
        router.decide(messages[i & 1023], v);
      }
      batches[b] = (THREADS.getCurrentThreadCpuTime() - start) / 100_000;
    }
    return batches;
  }

  private static void report(int n, String operation, long[] cpuNanos) {
    long[] sorted = cpuNanos.clone();
    Arrays.sort(sorted);
    System.out.printf(
        "%,d | %s | %.3f | %.3f | %d%n",
        n,
        operation,
        sorted[sorted.length / 2] / 1e3,
        sorted[(int) (sorted.length * 0.9)] / 1e3,
        sorted.length);
  }
}
