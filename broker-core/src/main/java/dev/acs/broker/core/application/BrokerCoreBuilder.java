package dev.acs.broker.core.application;

import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.agent.Availability;
import dev.acs.broker.core.port.AgentStatusListener;
import dev.acs.broker.core.port.AgentStatusObserver;
import dev.acs.broker.core.port.AgentStatusSource;
import dev.acs.broker.core.port.InboundMessages;
import dev.acs.broker.core.port.OutboundPublisher;
import dev.acs.broker.core.port.RoutingObserver;
import dev.acs.broker.core.routing.AgentSuspicion;
import dev.acs.broker.core.routing.OutstandingWork;
import dev.acs.broker.core.routing.RoutingPolicies;
import dev.acs.broker.core.routing.RoutingPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Collects the ports and settings of a {@link BrokerCore}; the three ports are required, every
 * setting has the default of {@code broker run}.
 */
public final class BrokerCoreBuilder {
  final BrokerIdentity identity;
  @Nullable AgentStatusSource statusSource;
  @Nullable InboundMessages inbound;
  @Nullable OutboundPublisher publisher;
  BrokerCore.PolicyFactory policy = named("sticky", false);
  RandomGenerator random = RoutingPolicies.threadSafeRandom();
  Duration outstandingExpiry = Duration.ofMinutes(5);
  Availability availability = Availability.preferIdle();
  Duration parkTimeout = Duration.ofSeconds(30);
  StatusHold.Mode holdMode = StatusHold.Mode.HOLD;
  Duration holdGrace = Duration.ofSeconds(1);
  AgentSuspicion.Settings suspicion = AgentSuspicion.Settings.DEFAULTS;
  int maxHops = 2;
  boolean answersToClient;
  ErrorReceiver errorReceiver = ErrorReceiver.SERVER;
  DecisionHeaders decisionHeaders = DecisionHeaders.FULL;
  Clock clock = Clock.systemUTC();
  LongSupplier nanoClock = System::nanoTime;
  @Nullable DelayScheduler timer;
  @Nullable Executor releases;
  @Nullable Executor statusApplier;
  final List<RoutingObserver> observers = new ArrayList<>();
  final List<AgentStatusObserver> statusObservers = new ArrayList<>();
  final List<AgentStatusListener> statusWatchers = new ArrayList<>();

  BrokerCoreBuilder(BrokerIdentity identity) {
    this.identity = Objects.requireNonNull(identity, "identity");
  }

  /** Where agent status comes from (required). */
  public BrokerCoreBuilder statusSource(AgentStatusSource value) {
    this.statusSource = Objects.requireNonNull(value, "statusSource");
    return this;
  }

  /** Where messages to route come from (required). */
  public BrokerCoreBuilder inbound(InboundMessages value) {
    this.inbound = Objects.requireNonNull(value, "inbound");
    return this;
  }

  /** Where routed messages, errors and dead letters go (required). */
  public BrokerCoreBuilder publisher(OutboundPublisher value) {
    this.publisher = Objects.requireNonNull(value, "publisher");
    return this;
  }

  /**
   * The routing policy by name, one of {@link RoutingPolicies#NAMES} (default {@code sticky}).
   *
   * @throws IllegalArgumentException for another name, listing the known ones
   */
  public BrokerCoreBuilder policy(String name) {
    Objects.requireNonNull(name, "name");
    if (!RoutingPolicies.NAMES.contains(name)) {
      throw new IllegalArgumentException(
          "unknown routing policy '"
              + name
              + "'; use one of "
              + String.join(", ", RoutingPolicies.NAMES));
    }
    this.policy = named(name, waitsForSticky(policy));
    return this;
  }

  /**
   * A routing policy of the embedder's own, built with the core's load tracker (a load-aware policy
   * must read that one: the routing service keeps it up to date).
   */
  public BrokerCoreBuilder policy(BrokerCore.PolicyFactory factory) {
    this.policy = Objects.requireNonNull(factory, "factory");
    return this;
  }

  /**
   * Whether the named {@code sticky} policy parks a message for its conversation's busy agent
   * rather than choosing another (default false; needs a park timeout to wait).
   */
  public BrokerCoreBuilder waitForStickyAgent(boolean value) {
    if (policy instanceof NamedPolicy named) {
      this.policy = named(named.name(), value);
    } else {
      throw new IllegalStateException(
          "waitForStickyAgent applies to the named policies only; a BrokerCore.PolicyFactory builds its"
              + " own policy");
    }
    return this;
  }

  /** The draws of the randomized policies (default: a thread-safe one per thread). */
  public BrokerCoreBuilder random(RandomGenerator value) {
    this.random = Objects.requireNonNull(value, "random");
    return this;
  }

  /** How long a routed, unanswered message counts as its agent's load (default 5 min). */
  public BrokerCoreBuilder outstandingExpiry(Duration value) {
    requirePositive("outstanding expiry", value);
    this.outstandingExpiry = value;
    return this;
  }

  /** Which agent states may receive messages, in tiers (default {@code idle>busy,initializing}). */
  public BrokerCoreBuilder availability(Availability value) {
    this.availability = Objects.requireNonNull(value, "availability");
    return this;
  }

  /**
   * How long a message no agent can take yet waits for one before it is answered with the "no
   * agent" error (default 30 s); {@link Duration#ZERO} answers at once, like the reference broker.
   * The one place parking is configured: the router and the routing service both follow.
   */
  public BrokerCoreBuilder parkTimeout(Duration value) {
    Objects.requireNonNull(value, "parkTimeout");
    if (value.isNegative()) {
      throw new IllegalArgumentException("park timeout must not be negative, was " + value);
    }
    this.parkTimeout = value;
    return this;
  }

  /**
   * What routing does while the status stream is down (default {@link StatusHold.Mode#HOLD}) and
   * after how long the outage is declared (default 1 s; may be zero).
   */
  public BrokerCoreBuilder statusHold(StatusHold.Mode mode, Duration grace) {
    this.holdMode = Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(grace, "grace");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("status hold grace must not be negative, was " + grace);
    }
    this.holdGrace = grace;
    return this;
  }

  /** How the broker suspects dead agents (default {@link AgentSuspicion.Settings#DEFAULTS}). */
  public BrokerCoreBuilder suspicion(AgentSuspicion.Settings value) {
    this.suspicion = Objects.requireNonNull(value, "suspicion");
    return this;
  }

  /**
   * How agents' answers are routed: chains longer than {@code maxHops} are dead-lettered as {@code
   * hop-limit} (default 2; 0 for no limit), and with {@code toClient} an answer goes back to the
   * frontend client that asked (default: to another agent, SPEC §4).
   */
  public BrokerCoreBuilder answers(int maxHops, boolean toClient) {
    if (maxHops < 0) {
      throw new IllegalArgumentException("max hops must not be negative, was " + maxHops);
    }
    this.maxHops = maxHops;
    this.answersToClient = toClient;
    return this;
  }

  /** Whom "no agent" errors are addressed to (default {@link ErrorReceiver#SERVER}). */
  public BrokerCoreBuilder errorReceiver(ErrorReceiver value) {
    this.errorReceiver = Objects.requireNonNull(value, "errorReceiver");
    return this;
  }

  /** Which explanatory headers routed messages carry (default {@link DecisionHeaders#FULL}). */
  public BrokerCoreBuilder decisionHeaders(DecisionHeaders value) {
    this.decisionHeaders = Objects.requireNonNull(value, "decisionHeaders");
    return this;
  }

  /** The wall clock: park ages, timeouts, status stamps (default the UTC system clock). */
  public BrokerCoreBuilder clock(Clock value) {
    this.clock = Objects.requireNonNull(value, "clock");
    return this;
  }

  /** The monotonic clock for the latencies observers hear (default {@code System::nanoTime}). */
  public BrokerCoreBuilder nanoClock(LongSupplier value) {
    this.nanoClock = Objects.requireNonNull(value, "nanoClock");
    return this;
  }

  /**
   * The executor for the core's timers (park timeouts, the status hold's grace, suspicion) and for
   * publishing parked messages once released; it must run one task at a time, in order (a
   * single-thread executor). The embedder owns it: the core does not shut it down. Default: a
   * daemon thread of the core's own.
   */
  public BrokerCoreBuilder scheduler(ScheduledExecutorService value) {
    Objects.requireNonNull(value, "scheduler");
    this.timer = DelayScheduler.using(value);
    this.releases = value;
    return this;
  }

  /**
   * The core's timers and the executor that publishes released parked messages, given apart, for
   * tests that move time by hand ({@code ManualScheduler} and {@code Runnable::run}); {@code
   * releases} must run one task at a time, in order.
   */
  public BrokerCoreBuilder scheduler(DelayScheduler timers, Executor releases) {
    this.timer = Objects.requireNonNull(timers, "timers");
    this.releases = Objects.requireNonNull(releases, "releases");
    return this;
  }

  /**
   * Where status updates are applied to the registry (default: a daemon thread of the core's own,
   * {@code agent-status-apply}); must run one task at a time, in order. {@code Runnable::run}
   * applies on the status source's thread, for tests.
   */
  public BrokerCoreBuilder statusApplier(Executor value) {
    this.statusApplier = Objects.requireNonNull(value, "statusApplier");
    return this;
  }

  /** Adds an observer of routing decisions and settlements (metrics, logs); called in order. */
  public BrokerCoreBuilder observer(RoutingObserver value) {
    observers.add(Objects.requireNonNull(value, "observer"));
    return this;
  }

  /** Adds an observer of how status updates are taken in (metrics); called in order. */
  public BrokerCoreBuilder statusObserver(AgentStatusObserver value) {
    statusObservers.add(Objects.requireNonNull(value, "statusObserver"));
    return this;
  }

  /**
   * Adds a listener that hears each status update after the registry applied it, and each
   * interruption at once (a change log, say), after the core's own hold and suspicion.
   */
  public BrokerCoreBuilder statusWatcher(AgentStatusListener value) {
    statusWatchers.add(Objects.requireNonNull(value, "statusWatcher"));
    return this;
  }

  /**
   * The core.
   *
   * @throws IllegalStateException when a port is missing
   */
  public BrokerCore build() {
    return new BrokerCore(this);
  }

  private static BrokerCore.PolicyFactory named(String name, boolean waitForStickyAgent) {
    return new NamedPolicy(name, waitForStickyAgent);
  }

  private static boolean waitsForSticky(BrokerCore.PolicyFactory factory) {
    return factory instanceof NamedPolicy named && named.waitForStickyAgent();
  }

  private static void requirePositive(String what, Duration value) {
    Objects.requireNonNull(value, what);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, was " + value);
    }
  }

  /** A policy of the core's own, by name. */
  private record NamedPolicy(String name, boolean waitForStickyAgent)
      implements BrokerCore.PolicyFactory {
    @Override
    public RoutingPolicy create(OutstandingWork work, RandomGenerator random) {
      return RoutingPolicies.named(name, work, random, waitForStickyAgent);
    }
  }
}
