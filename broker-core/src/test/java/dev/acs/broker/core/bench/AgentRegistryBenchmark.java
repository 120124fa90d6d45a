package dev.acs.broker.core.bench;

import dev.acs.broker.core.agent.Agent;
import dev.acs.broker.core.agent.AgentRegistry;
import dev.acs.broker.core.agent.AgentState;
import dev.acs.broker.core.agent.AgentStatusUpdate;
import dev.acs.broker.core.agent.AgentView;
import dev.acs.broker.core.agent.Availability;
import dev.acs.broker.core.testing.Agents;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of applying status updates to the registry (the write side), decode excluded, at different
 * fleet sizes. Run with {@code ./mvnw -pl broker-core -Pjmh -DskipTests test
 * -Djmh.args="AgentRegistryBenchmark"}; figures go in {@code docs/performance.md}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AgentRegistryBenchmark {

  @Param({"1000", "10000", "100000"})
  public int agents;

  private AgentRegistry registry;
  private Agent[] idle;
  private Agent[] busy;
  private Agent[] offline;
  private boolean[] isBusy;
  private boolean[] isOffline;
  private List<Agent> snapshot;
  private SplittableRandom random;

  /** A registry holding {@link #agents} agents, every third busy, under the prefer-idle rule. */
  @Setup(Level.Trial)
  public void setUp() {
    idle = new Agent[agents];
    busy = new Agent[agents];
    offline = new Agent[agents];
    isBusy = new boolean[agents];
    isOffline = new boolean[agents];
    snapshot = new ArrayList<>(agents);
    for (int i = 0; i < agents; i++) {
      String id = "agent-" + i;
      idle[i] = Agents.idle(id);
      busy[i] = Agents.busy(id);
      offline[i] = Agents.inState(id, AgentState.OFFLINE);
      isBusy[i] = i % 3 == 0;
      snapshot.add(isBusy[i] ? busy[i] : idle[i]);
    }
    registry = new AgentRegistry(Availability.preferIdle(), Clock.systemUTC());
    registry.apply(AgentStatusUpdate.snapshot(snapshot));
    random = new SplittableRandom(7);
  }

  /** One agent turns busy or idle: it changes tier, its ring points stay. */
  @Benchmark
  public AgentView oneAgentDelta() {
    int i = random.nextInt(agents);
    return registry.apply(AgentStatusUpdate.delta(List.of(toggleBusy(i))));
  }

  /** One agent goes offline or comes back: its tier and its 16 ring points change. */
  @Benchmark
  public AgentView oneAgentJoinsOrLeaves() {
    int i = random.nextInt(agents);
    isOffline[i] = !isOffline[i];
    Agent next = isOffline[i] ? offline[i] : isBusy[i] ? busy[i] : idle[i];
    return registry.apply(AgentStatusUpdate.delta(List.of(next)));
  }

  /** A hundred agents turn busy or idle in one delta. */
  @Benchmark
  public AgentView hundredAgentDelta() {
    List<Agent> delta = new ArrayList<>(100);
    for (int k = 0; k < 100; k++) {
      delta.add(toggleBusy(random.nextInt(agents)));
    }
    return registry.apply(AgentStatusUpdate.delta(delta));
  }

  /** A full snapshot of the whole fleet in which one agent changed. */
  @Benchmark
  public AgentView fullSnapshotOneChanged() {
    int i = random.nextInt(agents);
    Agent next = toggleBusy(i);
    snapshot.set(i, isOffline[i] ? offline[i] : next);
    return registry.apply(AgentStatusUpdate.snapshot(snapshot));
  }

  /** The first full snapshot of the fleet, into an empty registry (what a broker does at start). */
  @Benchmark
  public AgentView firstFullSnapshot() {
    AgentRegistry fresh = new AgentRegistry(Availability.preferIdle(), Clock.systemUTC());
    return fresh.apply(AgentStatusUpdate.snapshot(snapshot));
  }

  private Agent toggleBusy(int i) {
    isBusy[i] = !isBusy[i];
    return isBusy[i] ? busy[i] : idle[i];
  }
}
