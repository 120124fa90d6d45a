package dev.acs.broker.core.bench;

import dev.acs.broker.core.agent.Agent;
import dev.acs.broker.core.agent.AgentView;
import dev.acs.broker.core.agent.Availability;
import dev.acs.broker.core.message.MessageEnvelope;
import dev.acs.broker.core.message.MessageType;
import dev.acs.broker.core.routing.MessageRouter;
import dev.acs.broker.core.routing.RoutingDecision;
import dev.acs.broker.core.testing.Agents;
import java.time.Instant;
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
 * Cost of one routing decision at different registry sizes. Run with {@code ./mvnw -pl broker-core
 * -Pjmh -DskipTests test -Djmh.args="RoutingDecisionBenchmark -prof gc"}; figures go in {@code
 * docs/performance.md}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RoutingDecisionBenchmark {

  @Param({"10", "1000", "100000"})
  public int agents;

  @Param({"random", "round-robin", "least-loaded", "sticky"})
  public String policy;

  private MessageRouter router;
  private AgentView view;
  private MessageEnvelope[] messages;
  private int next;

  /** Builds a view of {@link #agents} idle agents and a pool of messages from varied senders. */
  @Setup(Level.Trial)
  public void setUp() {
    List<Agent> list = new ArrayList<>(agents);
    for (int i = 0; i < agents; i++) {
      list.add(Agents.idle("agent-" + i));
    }
    view = AgentView.of(1, Instant.EPOCH, Availability.preferIdle(), list);
    router = new MessageRouter(BenchmarkPolicies.create(policy, new SplittableRandom(1)));
    messages = new MessageEnvelope[1024];
    SplittableRandom random = new SplittableRandom(2);
    for (int i = 0; i < messages.length; i++) {
      boolean fromFrontend = i % 2 == 0;
      String sender =
          fromFrontend ? "web_" + random.nextInt(100_000) : "agent-" + random.nextInt(agents);
      messages[i] =
          MessageEnvelope.builder(fromFrontend ? MessageType.TEXT : MessageType.REPLY)
              .senderId(sender)
              .receiverId("server")
              .clientId(fromFrontend ? sender : null)
              .build();
    }
  }

  /** One decision for the next message of the pool. */
  @Benchmark
  public RoutingDecision decide() {
    MessageEnvelope message = messages[next++ & (messages.length - 1)];
    return router.decide(message, view);
  }
}
