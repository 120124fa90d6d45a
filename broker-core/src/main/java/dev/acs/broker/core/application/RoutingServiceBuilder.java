package dev.acs.broker.core.application;

import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.agent.AgentRegistry;
import dev.acs.broker.core.port.OutboundPublisher;
import dev.acs.broker.core.port.RoutingObserver;
import dev.acs.broker.core.routing.AgentSuspicion;
import dev.acs.broker.core.routing.MessageRouter;
import dev.acs.broker.core.routing.OutstandingWork;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Collects the parts of a {@link RoutingService}: the lower-level way to build one, for tests of
 * the service itself. Embedders use {@code BrokerCore}, which builds the parts (registry, router,
 * outstanding work, status hold) once and hands the same ones to every service.
 */
public final class RoutingServiceBuilder {
  final BrokerIdentity identity;
  final AgentRegistry registry;
  final MessageRouter router;
  final OutboundPublisher publisher;
  RoutingObserver observer = RoutingObserver.NONE;
  LongSupplier nanoClock = System::nanoTime;
  Clock clock = Clock.systemUTC();
  @Nullable OutstandingWork work;
  Duration parkTimeout = Duration.ofSeconds(30);
  boolean parkingGiven;
  @Nullable DelayScheduler scheduler;
  DecisionHeaders decisionHeaders = DecisionHeaders.FULL;
  ErrorReceiver errorReceiver = ErrorReceiver.SENDER;
  @Nullable StatusHold hold;
  @Nullable AgentSuspicion suspicion;
  int maxHops;
  boolean answersToClient;
  Executor releases = Runnable::run;

  RoutingServiceBuilder(
      BrokerIdentity identity,
      AgentRegistry registry,
      MessageRouter router,
      OutboundPublisher publisher) {
    this.identity = Objects.requireNonNull(identity, "identity");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.router = Objects.requireNonNull(router, "router");
    this.publisher = Objects.requireNonNull(publisher, "publisher");
  }

  /** Hears every decision and settlement (default: nobody). */
  public RoutingServiceBuilder observer(RoutingObserver value) {
    this.observer = Objects.requireNonNull(value, "observer");
    return this;
  }

  /** The monotonic clock for latencies (default {@code System::nanoTime}). */
  public RoutingServiceBuilder nanoClock(LongSupplier value) {
    this.nanoClock = Objects.requireNonNull(value, "nanoClock");
    return this;
  }

  /** The wall clock for park ages (default UTC system clock). */
  public RoutingServiceBuilder clock(Clock value) {
    this.clock = Objects.requireNonNull(value, "clock");
    return this;
  }

  /** The load tracker shared with load-aware policies (default: a private one). */
  public RoutingServiceBuilder outstandingWork(OutstandingWork value) {
    this.work = Objects.requireNonNull(value, "work");
    return this;
  }

  /**
   * How long a message may stay parked before its final decision, and the scheduler that keeps that
   * time; required when the router parks, refused when it does not (the router and the service must
   * agree on parking).
   */
  public RoutingServiceBuilder parking(Duration timeout, DelayScheduler timer) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("park timeout must be positive, was " + timeout);
    }
    this.parkTimeout = timeout;
    this.scheduler = Objects.requireNonNull(timer, "timer");
    this.parkingGiven = true;
    return this;
  }

  /**
   * Which decision headers messages to the server carry (default {@link DecisionHeaders#FULL});
   * {@link DecisionHeaders#ROUTED_BY} and {@link DecisionHeaders#NONE} save RabbitMQ work per
   * message.
   */
  public RoutingServiceBuilder decisionHeaders(DecisionHeaders value) {
    this.decisionHeaders = Objects.requireNonNull(value, "decisionHeaders");
    return this;
  }

  /**
   * Whom "no agent" errors are addressed to (default {@link ErrorReceiver#SENDER}, SPEC §4; the
   * broker's command line defaults to {@link ErrorReceiver#SERVER}, the form the real server shows
   * to people).
   */
  public RoutingServiceBuilder errorReceiver(ErrorReceiver value) {
    this.errorReceiver = Objects.requireNonNull(value, "errorReceiver");
    return this;
  }

  /**
   * Holds routing while the status stream is down (default: no hold, the last view is used); held
   * messages are parked with {@code timer}, whether or not the router parks otherwise.
   */
  public RoutingServiceBuilder statusHold(StatusHold value, DelayScheduler timer) {
    this.hold = Objects.requireNonNull(value, "hold");
    if (this.scheduler == null) {
      this.scheduler = Objects.requireNonNull(timer, "timer");
    }
    return this;
  }

  /** Demotes or skips agents it suspects dead (default: trusts the server's states alone). */
  public RoutingServiceBuilder suspicion(AgentSuspicion value) {
    this.suspicion = Objects.requireNonNull(value, "suspicion");
    return this;
  }

  /**
   * How agents' answers (found by {@code original_message_id}) are routed: an agent-to-agent chain
   * longer than {@code maxHops} is dead-lettered as {@code hop-limit} (0: no limit, the default),
   * and with {@code toClient} an answer goes back to the frontend client that asked.
   */
  public RoutingServiceBuilder answers(int maxHops, boolean toClient) {
    if (maxHops < 0) {
      throw new IllegalArgumentException("max hops must not be negative, was " + maxHops);
    }
    this.maxHops = maxHops;
    this.answersToClient = toClient;
    return this;
  }

  /**
   * Where parked messages released by an agent update are published (default: the updating thread,
   * after it has left the parking lock). Give it a thread of its own in production, so that
   * publishing, which may block on a RabbitMQ resource alarm, never holds up the agent status
   * thread; it must run tasks one at a time in order.
   */
  public RoutingServiceBuilder releases(Executor value) {
    this.releases = Objects.requireNonNull(value, "releases");
    return this;
  }

  /** The service. */
  public RoutingService build() {
    return new RoutingService(this);
  }
}
