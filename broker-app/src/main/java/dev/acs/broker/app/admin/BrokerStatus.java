package dev.acs.broker.app.admin;

import dev.acs.broker.adapter.amqp.AmqpHealth;
import dev.acs.broker.adapter.grpc.GrpcHealth;
import dev.acs.broker.app.lifecycle.LifecycleParticipant;
import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.agent.Agent;
import dev.acs.broker.core.agent.AgentId;
import dev.acs.broker.core.agent.AgentRegistry;
import dev.acs.broker.core.agent.AgentView;
import dev.acs.broker.core.application.StatusHold;
import dev.acs.broker.core.routing.AgentSuspicion;
import dev.acs.broker.core.routing.OutstandingWork;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * What the admin endpoint reports, as JSON-ready maps: liveness, readiness and the agents. Reads
 * the adapters' and the registry's health at every call; follows the broker's phase as a {@link
 * LifecycleParticipant}. Thread-safe.
 */
public final class BrokerStatus implements LifecycleParticipant {

  private final BrokerIdentity identity;
  private final String version;
  private final String policy;
  private final AgentRegistry registry;
  private final OutstandingWork work;
  private final Supplier<GrpcHealth> grpc;
  private final Supplier<AmqpHealth> amqp;
  private final Duration staleness;
  private final Clock clock;
  private final Instant startedAt;
  private volatile Readiness.Phase phase = Readiness.Phase.STARTING;
  private volatile @Nullable StatusHold hold;
  private volatile @Nullable AgentSuspicion suspicion;

  /**
   * Status over live sources.
   *
   * @param staleness how old the agent view may be for readiness
   */
  public BrokerStatus(
      BrokerIdentity identity,
      String version,
      String policy,
      AgentRegistry registry,
      OutstandingWork work,
      Supplier<GrpcHealth> grpc,
      Supplier<AmqpHealth> amqp,
      Duration staleness,
      Clock clock) {
    this.identity = Objects.requireNonNull(identity, "identity");
    this.version = Objects.requireNonNull(version, "version");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.work = Objects.requireNonNull(work, "work");
    this.grpc = Objects.requireNonNull(grpc, "grpc");
    this.amqp = Objects.requireNonNull(amqp, "amqp");
    this.staleness = Objects.requireNonNull(staleness, "staleness");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.startedAt = clock.instant();
  }

  /**
   * Also reports the status hold (a readiness check) and the suspected agents (in {@code /agents});
   * returns this status.
   */
  public BrokerStatus watching(StatusHold statusHold, AgentSuspicion agentSuspicion) {
    this.hold = Objects.requireNonNull(statusHold, "statusHold");
    this.suspicion = Objects.requireNonNull(agentSuspicion, "agentSuspicion");
    return this;
  }

  @Override
  public void running() {
    phase = Readiness.Phase.RUNNING;
  }

  @Override
  public void stopping() {
    phase = Readiness.Phase.STOPPING;
  }

  /** The readiness verdict now. */
  public Readiness.Report readiness() {
    Readiness.Report report =
        Readiness.evaluate(phase, grpc.get(), registry.health(), amqp.get(), staleness);
    StatusHold watched = hold;
    return watched == null ? report : Readiness.withRouting(report, watched, clock.instant());
  }

  /** The body of {@code /health/live}: the process answers, with who it is. */
  public Map<String, Object> liveDocument() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", "UP");
    body.put("phase", phase.name().toLowerCase(java.util.Locale.ROOT));
    body.put("brokerId", identity.id());
    body.put("brokerName", identity.name());
    body.put("version", version);
    body.put("policy", policy);
    body.put("startedAt", startedAt.toString());
    body.put("uptimeSeconds", Duration.between(startedAt, clock.instant()).toSeconds());
    return body;
  }

  /** The body of {@code /health/ready}. */
  public Map<String, Object> readyDocument(Readiness.Report report) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", report.ready() ? "UP" : "DOWN");
    body.put("failing", report.failing());
    Map<String, Object> checks = new LinkedHashMap<>();
    for (Readiness.Check check : report.checks()) {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("status", check.ok() ? "UP" : "DOWN");
      one.put("detail", check.detail());
      checks.put(check.name(), one);
    }
    body.put("checks", checks);
    // Which cluster node each connection is on: replicas spread over the nodes (issue 14).
    AmqpHealth links = amqp.get();
    Map<String, Object> nodes = new LinkedHashMap<>();
    nodes.put("consumerNode", links.consumerNode());
    nodes.put("publisherNode", links.publisherNode());
    body.put("rabbitmq", nodes);
    return body;
  }

  /** The body of {@code /agents}: the current view of the agents, ordered by id. */
  public Map<String, Object> agentsDocument() {
    AgentSuspicion watched = suspicion;
    return agentsDocument(registry.view(), work, watched == null ? Map.of() : watched.suspects());
  }

  /**
   * The {@code /agents} document of a view.
   *
   * <p>Per agent: {@code id}, {@code name}, {@code state} (the parsed state), {@code rawState} (the
   * {@code internal_state} word as sent, or null), {@code lastSeen} (the server's text), {@code
   * available}, {@code tier} (1-based preference tier, or null when not available) and {@code
   * outstanding} (messages routed to it and not yet answered).
   */
  public static Map<String, Object> agentsDocument(AgentView view, OutstandingWork work) {
    return agentsDocument(view, work, Map.of());
  }

  /**
   * The {@code /agents} document of a view, each agent with a field {@code "suspected"}: why the
   * broker believes it dead although the server lists it (see {@code docs/interop.md}), or null.
   */
  public static Map<String, Object> agentsDocument(
      AgentView view, OutstandingWork work, Map<AgentId, String> suspects) {
    List<Agent> agents = new ArrayList<>(view.agents());
    agents.sort(Comparator.comparing(agent -> agent.id().value()));
    List<Map<String, Object>> rows = new ArrayList<>(agents.size());
    for (Agent agent : agents) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("id", agent.id().value());
      row.put("name", agent.name());
      row.put("state", agent.state().wireName());
      row.put("rawState", agent.rawState().orElse(null));
      row.put("lastSeen", agent.lastSeen());
      boolean available = view.isAvailable(agent.id());
      row.put("available", available);
      row.put("tier", available ? view.tierOf(agent.id()) + 1 : null);
      row.put("outstanding", work.outstanding(agent.id()));
      row.put("suspected", suspects.get(agent.id()));
      rows.add(row);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("count", agents.size());
    body.put("available", view.availableCount());
    body.put("routableStates", view.availability().toString());
    body.put("version", view.version());
    body.put("updatedAt", view.updatedAt().map(Instant::toString).orElse(null));
    body.put("agents", rows);
    return body;
  }
}
