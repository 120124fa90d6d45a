package dev.acs.broker.core.application;

import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.agent.AgentRegistry;
import dev.acs.broker.core.agent.AgentStatusUpdate;
import dev.acs.broker.core.port.AgentStatusListener;
import dev.acs.broker.core.port.AgentStatusObserver;
import dev.acs.broker.core.port.AgentStatusSource;
import dev.acs.broker.core.port.InboundMessages;
import dev.acs.broker.core.port.OutboundPublisher;
import dev.acs.broker.core.port.RoutingObserver;
import dev.acs.broker.core.port.Subscription;
import dev.acs.broker.core.routing.AgentSuspicion;
import dev.acs.broker.core.routing.MessageRouter;
import dev.acs.broker.core.routing.OutstandingWork;
import dev.acs.broker.core.routing.RoutingPolicy;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The broker's core, assembled: the one entry point for a service that embeds the broker with
 * transports of its own. Give the builder the three ports and the settings; it builds the agent
 * registry, the load tracker, the router and its policy, the status hold, agent suspicion, the
 * status feed and the routing and broker services, each once and wired to the others, so that a
 * wrong assembly cannot be made.
 *
 * <pre>{@code
 * BrokerCore core =
 *     BrokerCore.builder(BrokerIdentity.generated("my-service"))
 *         .statusSource(myAgentStatus)      // AgentStatusSource
 *         .inbound(myInput)                 // InboundMessages
 *         .publisher(myOutput)              // OutboundPublisher
 *         .policy("least-loaded")
 *         .parkTimeout(Duration.ofSeconds(10))
 *         .build();
 * core.start(Duration.ofSeconds(10));       // first agent snapshot, then consuming
 * ...
 * core.stop(Duration.ofSeconds(30));        // stop consuming, drain, end the status stream
 * }</pre>
 *
 * <p>Every setting has the default of {@code broker run} ({@code docs/configuration.md}): the
 * {@code sticky} policy, availability {@code idle>busy,initializing}, a park timeout of 30 s, an
 * outstanding-work expiry of 5 min, the status hold with a grace of 1 s, suspicion that demotes,
 * answer chains of at most 2 hops back to agents, "no agent" errors addressed to the server, and
 * full decision headers.
 *
 * <p>What the core guarantees, whatever the transport: an input is acknowledged only after the
 * publish of its outcome completed successfully, and requeued when it failed; messages the broker
 * does not route are published to the dead-letter destination with a reason; a message no agent can
 * take yet waits, unacknowledged, until one can or the park timeout ends. See {@code
 * docs/embedding.md}.
 *
 * <p>Threads: unless {@link BrokerCoreBuilder#scheduler(ScheduledExecutorService)} or {@link
 * BrokerCoreBuilder#scheduler(DelayScheduler, Executor)} says otherwise, the core starts one daemon
 * thread for its timers ({@code broker-park-timer}) and one that applies status updates ({@code
 * agent-status-apply}); {@link #stop} and {@link #close} end both. {@link #start} and {@link #stop}
 * are meant to be called once each, from one thread.
 */
public final class BrokerCore implements AutoCloseable {

  private static final Logger LOG = System.getLogger(BrokerCore.class.getName());

  /** How often suspected agents are re-evaluated while suspicion is on. */
  private static final Duration SUSPICION_PERIOD = Duration.ofSeconds(1);

  private final BrokerIdentity identity;
  private final AgentRegistry registry;
  private final OutstandingWork work;
  private final MessageRouter router;
  private final StatusHold hold;
  private final AgentSuspicion suspicion;
  private final RoutingService routing;
  private final BrokerService service;
  private final @Nullable ScheduledExecutorService ownTimer;
  private final Periodic suspicionTimer;

  BrokerCore(BrokerCoreBuilder builder) {
    AgentStatusSource statusSource = required(builder.statusSource, "statusSource");
    InboundMessages inbound = required(builder.inbound, "inbound");
    OutboundPublisher publisher = required(builder.publisher, "publisher");
    this.identity = builder.identity;
    Clock clock = builder.clock;

    ScheduledExecutorService timerThread = null;
    DelayScheduler timer = builder.timer;
    Executor releases = builder.releases;
    if (timer == null || releases == null) {
      timerThread = ownTimerThread();
      timer = DelayScheduler.using(timerThread);
      releases = timerThread;
    }
    this.ownTimer = timerThread;

    this.registry = new AgentRegistry(builder.availability, clock);
    this.work = new OutstandingWork(clock, builder.outstandingExpiry);
    RoutingPolicy policy =
        Objects.requireNonNull(
            builder.policy.create(work, builder.random), "the policy factory returned null");
    boolean parks = !builder.parkTimeout.isZero();
    this.router = new MessageRouter(policy, parks);
    this.hold = new StatusHold(builder.holdMode, builder.holdGrace, clock, timer);
    this.suspicion = new AgentSuspicion(builder.suspicion, clock);

    List<RoutingObserver> observers = new ArrayList<>(builder.observers);
    RoutingServiceBuilder routingBuilder =
        RoutingService.builder(identity, registry, router, publisher)
            .observer(RoutingObserver.allOf(observers))
            .nanoClock(builder.nanoClock)
            .clock(clock)
            .outstandingWork(work)
            .decisionHeaders(builder.decisionHeaders)
            .errorReceiver(builder.errorReceiver)
            .answers(builder.maxHops, builder.answersToClient);
    if (parks) {
      routingBuilder.parking(builder.parkTimeout, timer).releases(releases);
    }
    routingBuilder.statusHold(hold, timer);
    if (suspicion.mode() != AgentSuspicion.Mode.OFF) {
      routingBuilder.suspicion(suspicion);
    }
    this.routing = routingBuilder.build();

    AgentStatusObserver statusObserver = AgentStatusObserver.allOf(builder.statusObservers);
    Executor applier = builder.statusApplier;
    AgentStatusFeed feed =
        applier == null
            ? AgentStatusFeed.onOwnThread(registry, clock, statusObserver)
            : AgentStatusFeed.on(
                applier, registry, clock, statusObserver, AgentStatusFeed.DEFAULT_CAPACITY);
    // The hold and suspicion hear each update once the registry has applied it, so that a hold is
    // lifted only when routing already reads the snapshot that lifts it.
    feed.notifying(hold);
    feed.notifying(new SuspicionFeed(suspicion));
    builder.statusWatchers.forEach(feed::notifying);
    this.service = new BrokerService(statusSource, inbound, registry, routing, feed);

    this.suspicionTimer = new Periodic(timer, SUSPICION_PERIOD, this::reevaluateSuspects);
    if (suspicion.mode() != AgentSuspicion.Mode.OFF) {
      suspicionTimer.start();
    }
  }

  /** Starts a builder for a broker that calls itself {@code identity}. */
  public static BrokerCoreBuilder builder(BrokerIdentity identity) {
    return new BrokerCoreBuilder(identity);
  }

  /**
   * Subscribes to agent status, waits for the first full snapshot (at most {@code
   * snapshotTimeout}), then starts consuming: no message is judged against an empty view.
   *
   * @throws BrokerStartupException when no snapshot arrived in time
   */
  public void start(Duration snapshotTimeout) throws InterruptedException {
    service.start(snapshotTimeout);
  }

  /**
   * Stops consuming, gives parked messages back to the input, waits up to {@code drain} for the
   * messages in flight to settle, ends the status stream and the core's own threads.
   *
   * @return whether every in-flight message settled in time; the transport redelivers the rest
   */
  public boolean stop(Duration drain) throws InterruptedException {
    try {
      return service.stop(drain);
    } finally {
      close();
    }
  }

  /**
   * Ends the core's own threads (timers, suspicion); idempotent. Call {@link #stop} first for an
   * orderly shutdown: closing does not drain.
   */
  @Override
  public void close() {
    suspicionTimer.stop();
    if (ownTimer != null) {
      ownTimer.shutdownNow();
    }
  }

  /** Who this broker is. */
  public BrokerIdentity identity() {
    return identity;
  }

  /** The live view of the agents, fed by the status source. */
  public AgentRegistry registry() {
    return registry;
  }

  /** The load per agent, shared by the routing service and a load-aware policy. */
  public OutstandingWork outstandingWork() {
    return work;
  }

  /** The routing rules around the configured policy. */
  public MessageRouter router() {
    return router;
  }

  /** Whether routing waits for the status stream, and since when. */
  public StatusHold statusHold() {
    return hold;
  }

  /** Which agents the broker suspects dead ({@link AgentSuspicion.Mode#OFF}: nobody). */
  public AgentSuspicion suspicion() {
    return suspicion;
  }

  /** The routing service: the {@link dev.acs.broker.core.port.InboundHandler} of the input. */
  public RoutingService routing() {
    return routing;
  }

  /** The start-up and shutdown sequence over the ports. */
  public BrokerService service() {
    return service;
  }

  private void reevaluateSuspects() {
    try {
      suspicion.reevaluate();
    } catch (RuntimeException bug) {
      // Thrown out of the timer task, it would end the re-evaluation for good.
      LOG.log(Level.ERROR, "Re-evaluating suspected agents failed", bug);
    }
  }

  private static <T> T required(@Nullable T port, String setter) {
    if (port == null) {
      throw new IllegalStateException(
          "a BrokerCore needs all three ports; call "
              + setter
              + "(...) on the builder before build()");
    }
    return port;
  }

  private static ScheduledExecutorService ownTimerThread() {
    return Executors.newSingleThreadScheduledExecutor(
        task -> {
          Thread thread = new Thread(task, "broker-park-timer");
          thread.setDaemon(true);
          return thread;
        });
  }

  /** Builds the routing policy with the core's own load tracker and random source. */
  @FunctionalInterface
  public interface PolicyFactory {

    /**
     * The policy; a load-aware one reads {@code work}, which the routing service keeps up to date.
     *
     * @param random thread-safe unless the policy is used from one thread only
     */
    RoutingPolicy create(OutstandingWork work, RandomGenerator random);
  }

  /** Feeds agent suspicion from the status stream. */
  private record SuspicionFeed(AgentSuspicion suspicion) implements AgentStatusListener {
    @Override
    public void onStatus(AgentStatusUpdate update) {
      suspicion.observe(update);
    }

    @Override
    public void onInterrupted(String reason) {
      // An interruption says nothing about any one agent.
    }
  }

  /** A task run every period on a {@link DelayScheduler}, until stopped. */
  private static final class Periodic implements Runnable {
    private final DelayScheduler timer;
    private final Duration period;
    private final Runnable task;
    private final Object lock = new Object();
    private boolean stopped;
    private Subscription next = () -> {};

    Periodic(DelayScheduler timer, Duration period, Runnable task) {
      this.timer = timer;
      this.period = period;
      this.task = task;
    }

    void start() {
      synchronized (lock) {
        if (!stopped) {
          next = timer.schedule(period, this);
        }
      }
    }

    @Override
    public void run() {
      task.run();
      start();
    }

    void stop() {
      synchronized (lock) {
        stopped = true;
        next.cancel();
      }
    }
  }
}
