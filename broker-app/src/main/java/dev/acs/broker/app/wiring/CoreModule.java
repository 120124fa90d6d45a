package dev.acs.broker.app.wiring;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoSet;
import dagger.multibindings.Multibinds;
import dev.acs.broker.app.config.BrokerConfig;
import dev.acs.broker.app.config.RoutingPolicies;
import dev.acs.broker.app.lifecycle.LifecycleParticipant;
import dev.acs.broker.app.lifecycle.Transports;
import dev.acs.broker.app.logging.LoggingRoutingObserver;
import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.agent.AgentRegistry;
import dev.acs.broker.core.application.AgentStatusFeed;
import dev.acs.broker.core.application.BrokerService;
import dev.acs.broker.core.application.DelayScheduler;
import dev.acs.broker.core.application.RoutingService;
import dev.acs.broker.core.application.StatusHold;
import dev.acs.broker.core.port.AgentStatusObserver;
import dev.acs.broker.core.port.AgentStatusSource;
import dev.acs.broker.core.port.InboundMessages;
import dev.acs.broker.core.port.OutboundPublisher;
import dev.acs.broker.core.port.RoutingObserver;
import dev.acs.broker.core.routing.AgentSuspicion;
import dev.acs.broker.core.routing.MessageRouter;
import dev.acs.broker.core.routing.OutstandingWork;
import dev.acs.broker.core.routing.RoutingPolicy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import javax.inject.Singleton;

/**
 * The core's object graph: registry, router and policy, routing and broker services, clocks. The
 * ports ({@link AgentStatusSource}, {@link InboundMessages}, {@link OutboundPublisher}) come from
 * another module: the adapters' in production, the in-memory fakes in tests.
 */
@Module
public abstract class CoreModule {

  private CoreModule() {}

  /** The transports to close at shutdown; modules contribute with {@code @IntoSet}. */
  @Multibinds
  @Transports
  abstract Set<AutoCloseable> transports();

  @Provides
  static BrokerIdentity identity(BrokerConfig config) {
    return config.identity();
  }

  @Provides
  @Singleton
  static Clock clock() {
    return Clock.systemUTC();
  }

  @Provides
  static LongSupplier nanoClock() {
    return System::nanoTime;
  }

  @Provides
  @Singleton
  static AgentRegistry registry(BrokerConfig config, Clock clock) {
    return new AgentRegistry(config.routableStates(), clock);
  }

  @Provides
  @Singleton
  static OutstandingWork outstandingWork(BrokerConfig config, Clock clock) {
    return new OutstandingWork(clock, config.outstandingExpiry());
  }

  @Provides
  @Singleton
  static RandomGenerator random() {
    return dev.acs.broker.core.routing.RoutingPolicies.threadSafeRandom();
  }

  @Provides
  @Singleton
  static RoutingPolicy policy(BrokerConfig config, OutstandingWork work, RandomGenerator random) {
    return RoutingPolicies.create(
        config.routingPolicy(), work, random, config.waitForStickyAgent());
  }

  @Provides
  @Singleton
  static MessageRouter router(BrokerConfig config, RoutingPolicy policy) {
    return new MessageRouter(policy, parks(config));
  }

  /** Runs the park timeouts; closed with the transports. */
  @Provides
  @Singleton
  static ScheduledExecutorService parkTimer() {
    return Executors.newSingleThreadScheduledExecutor(
        task -> {
          Thread thread = new Thread(task, "broker-park-timer");
          thread.setDaemon(true);
          return thread;
        });
  }

  @Provides
  @IntoSet
  @Transports
  static AutoCloseable stopParkTimer(ScheduledExecutorService parkTimer) {
    return parkTimer::shutdownNow;
  }

  /**
   * Observers beside the logging one (metrics, in production); modules add with {@code @IntoSet}.
   */
  @Multibinds
  abstract Set<RoutingObserver> extraObservers();

  /** What the broker's lifecycle tells about its run (the admin endpoint, in production). */
  @Multibinds
  abstract Set<LifecycleParticipant> lifecycleParticipants();

  @Provides
  @Singleton
  static RoutingObserver observer(Set<RoutingObserver> extraObservers) {
    List<RoutingObserver> all = new ArrayList<>();
    all.add(new LoggingRoutingObserver());
    all.addAll(extraObservers);
    return CompositeRoutingObserver.of(all);
  }

  @Provides
  @Singleton
  static RoutingService routingService(
      BrokerConfig config,
      BrokerIdentity identity,
      AgentRegistry registry,
      MessageRouter router,
      OutboundPublisher publisher,
      RoutingObserver observer,
      LongSupplier nanoClock,
      Clock clock,
      OutstandingWork work,
      ScheduledExecutorService parkTimer,
      StatusHold hold,
      AgentSuspicion suspicion) {
    RoutingService.Builder builder =
        RoutingService.builder(identity, registry, router, publisher)
            .observer(observer)
            .nanoClock(nanoClock)
            .clock(clock)
            .outstandingWork(work)
            .decisionHeaders(config.publishing().decisionHeaders());
    if (parks(config)) {
      builder.parking(config.parkTimeout(), DelayScheduler.using(parkTimer)).releases(parkTimer);
    }
    Interop.configure(builder, config, hold, suspicion, parkTimer);
    return builder.build();
  }

  private static boolean parks(BrokerConfig config) {
    return !config.parkTimeout().isZero();
  }

  /** Who hears how status updates are taken in (metrics, in production). */
  @Multibinds
  abstract Set<AgentStatusObserver> statusObservers();

  @Provides
  @Singleton
  static StatusHold statusHold(
      BrokerConfig config, Clock clock, ScheduledExecutorService parkTimer) {
    return Interop.statusHold(config, clock, parkTimer);
  }

  @Provides
  @Singleton
  static AgentSuspicion suspicion(
      BrokerConfig config, Clock clock, ScheduledExecutorService parkTimer) {
    return Interop.suspicion(config, clock, parkTimer);
  }

  @Provides
  @Singleton
  static BrokerService brokerService(
      AgentStatusSource statusSource,
      InboundMessages inbound,
      AgentRegistry registry,
      RoutingService routing,
      StatusHold hold,
      AgentSuspicion suspicion,
      Clock clock,
      Set<AgentStatusObserver> statusObservers) {
    AgentStatusObserver observer =
        statusObservers.isEmpty() ? AgentStatusObserver.NONE : statusObservers.iterator().next();
    AgentStatusFeed feed = AgentStatusFeed.onOwnThread(registry, clock, observer);
    Interop.statusWatchers(hold, suspicion).forEach(feed::notifying);
    return new BrokerService(statusSource, inbound, registry, routing, feed);
  }
}
