package dev.acs.broker.app.metrics;

import dev.acs.broker.adapter.amqp.AmqpHealth;
import dev.acs.broker.adapter.grpc.GrpcHealth;
import dev.acs.broker.adapter.grpc.ProbeCounts;
import dev.acs.broker.core.agent.Agent;
import dev.acs.broker.core.agent.AgentRegistry;
import dev.acs.broker.core.agent.AgentState;
import dev.acs.broker.core.agent.AgentView;
import dev.acs.broker.core.application.RoutingService;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Gauges read at scrape time: parked messages, agents by state, the age of the agent view, the
 * links' state, build info, and Micrometer's JVM and process metrics.
 */
public final class BrokerGauges {

  private BrokerGauges() {}

  /**
   * Registers the gauges in {@code registry}.
   *
   * @param grpc the gRPC adapter's health, read at every scrape
   * @param amqp the RabbitMQ adapter's health, read at every scrape
   */
  public static void bind(
      MeterRegistry registry,
      RoutingService routing,
      AgentRegistry agents,
      Supplier<GrpcHealth> grpc,
      Supplier<AmqpHealth> amqp,
      String version,
      String policy) {
    Gauge.builder("broker.messages.parked", routing, RoutingService::parkedCount)
        .description("Messages waiting (unacknowledged) for an agent that can take them")
        .strongReference(true)
        .register(registry);
    Gauge.builder(
            "broker.messages.parked.oldest.age",
            routing,
            service -> service.oldestParkedAge().map(BrokerGauges::seconds).orElse(0.0))
        .description("How long the oldest parked message has waited; 0 when none is parked")
        .baseUnit("seconds")
        .strongReference(true)
        .register(registry);
    AgentCounts counts = new AgentCounts(agents);
    for (AgentState state : AgentState.values()) {
      Gauge.builder("broker.agents", counts, c -> c.count(state))
          .description("Known agents by state (internal_state)")
          .tag("state", state.wireName())
          .strongReference(true)
          .register(registry);
    }
    Gauge.builder("broker.agents.available", counts, AgentCounts::available)
        .description("Agents in a routable state under --routable-states")
        .strongReference(true)
        .register(registry);
    Gauge.builder(
            "broker.registry.staleness",
            agents,
            registryOf -> registryOf.health().age().map(BrokerGauges::seconds).orElse(Double.NaN))
        .description(
            "Seconds since the last agent status update (stream or liveness probe); NaN before"
                + " the first")
        .baseUnit("seconds")
        .strongReference(true)
        .register(registry);
    Gauge.builder("broker.status.stream.up", grpc, link -> link.get().streamConnected() ? 1 : 0)
        .description("1 while the agent status stream is open, else 0")
        .strongReference(true)
        .register(registry);
    Gauge.builder("broker.amqp.connection.up", amqp, link -> link.get().consumerOpen() ? 1 : 0)
        .description("1 while the RabbitMQ connection of this role is open, else 0")
        .tag("role", "consumer")
        .strongReference(true)
        .register(registry);
    Gauge.builder("broker.amqp.connection.up", amqp, link -> link.get().publisherOpen() ? 1 : 0)
        .description("1 while the RabbitMQ connection of this role is open, else 0")
        .tag("role", "publisher")
        .strongReference(true)
        .register(registry);
    Gauge.builder("broker.info", () -> 1)
        .description("Always 1; the labels say which build and policy run")
        .tag("version", version)
        .tag("policy", policy)
        .register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  /**
   * Registers {@code broker_status_probes_total{outcome="sent|skipped"}}: liveness probes sent on a
   * silent stream, and checks skipped because the stream had delivered within the interval (issue
   * 13: a busy fleet no longer downloads itself every interval).
   */
  public static void bindProbes(MeterRegistry registry, Supplier<ProbeCounts> probes) {
    // A function counter holds its object weakly and has no strongReference switch; the functions
    // capture the supplier, so the meters keep it alive (a method reference passed in would
    // otherwise be collected and the counters read NaN).
    FunctionCounter.builder("broker.status.probes", probes, unused -> probes.get().sent())
        .description(
            "Liveness probes (GetAgentStatus) by outcome: sent, or skipped while the stream delivers")
        .tag("outcome", "sent")
        .register(registry);
    FunctionCounter.builder("broker.status.probes", probes, unused -> probes.get().skipped())
        .description(
            "Liveness probes (GetAgentStatus) by outcome: sent, or skipped while the stream delivers")
        .tag("outcome", "skipped")
        .register(registry);
  }

  private static double seconds(Duration duration) {
    return duration.toNanos() / 1e9;
  }

  /** Agents per state, counted once per view rather than once per gauge. */
  private static final class AgentCounts {
    private final AgentRegistry registry;
    private AgentView counted;
    private Map<AgentState, Integer> byState = new EnumMap<>(AgentState.class);

    AgentCounts(AgentRegistry registry) {
      this.registry = registry;
      this.counted = registry.view();
      recount(counted);
    }

    synchronized double count(AgentState state) {
      refresh();
      return byState.getOrDefault(state, 0);
    }

    synchronized double available() {
      refresh();
      return counted.availableCount();
    }

    private void refresh() {
      AgentView current = registry.view();
      if (current != counted) {
        recount(current);
        counted = current;
      }
    }

    private void recount(AgentView view) {
      Map<AgentState, Integer> fresh = new EnumMap<>(AgentState.class);
      for (Agent agent : view.agents()) {
        fresh.merge(agent.state(), 1, Integer::sum);
      }
      byState = fresh;
    }
  }
}
