package dev.acs.broker.app.wiring;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoSet;
import dagger.multibindings.Multibinds;
import dev.acs.broker.app.config.BrokerConfig;
import dev.acs.broker.app.config.RoutingPolicies;
import dev.acs.broker.app.lifecycle.LifecycleParticipant;
import dev.acs.broker.app.lifecycle.Transports;
import dev.acs.broker.app.logging.AgentChangeLog;
import dev.acs.broker.app.logging.LoggingRoutingObserver;
import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.agent.AgentRegistry;
import dev.acs.broker.core.application.BrokerCore;
import dev.acs.broker.core.application.BrokerCoreBuilder;
import dev.acs.broker.core.application.BrokerService;
import dev.acs.broker.core.application.RoutingService;
import dev.acs.broker.core.application.StatusHold;
import dev.acs.broker.core.port.AgentStatusObserver;
import dev.acs.broker.core.port.AgentStatusSource;
import dev.acs.broker.core.port.InboundMessages;
import dev.acs.broker.core.port.OutboundPublisher;
import dev.acs.broker.core.port.RoutingObserver;
import dev.acs.broker.core.routing.AgentSuspicion;
import dev.acs.broker.core.routing.OutstandingWork;
import java.time.Clock;
import java.util.Set;
import java.util.random.RandomGenerator;
import javax.inject.Singleton;

/**
 * The core, built by {@link BrokerCore} from the configuration: this module only maps {@link
 * BrokerConfig} onto the core's builder and hands out the parts that metrics, the admin endpoint
 * and the lifecycle read. The ports ({@link AgentStatusSource}, {@link InboundMessages}, {@link
 * OutboundPublisher}) come from another module: the adapters' in production, the in-memory fakes in
 * tests.
 */
@Module
public abstract class CoreModule {

  private CoreModule() {}

  /** The transports to close at shutdown; modules contribute with {@code @IntoSet}. */
  @Multibinds
  @Transports
  abstract Set<AutoCloseable> transports();

  /**
   * Observers beside the logging one (metrics, in production); modules add with {@code @IntoSet}.
   */
  @Multibinds
  abstract Set<RoutingObserver> extraObservers();

  /** What the broker's lifecycle tells about its run (the admin endpoint, in production). */
  @Multibinds
  abstract Set<LifecycleParticipant> lifecycleParticipants();

  /** Who hears how status updates are taken in (metrics, in production). */
  @Multibinds
  abstract Set<AgentStatusObserver> statusObservers();

  @Provides
  static BrokerIdentity identity(BrokerConfig config) {
    return config.identity();
  }

  @Provides
  @Singleton
  static Clock clock() {
    return Clock.systemUTC();
  }

  /** The random source of the policies and of the gRPC adapter's backoff jitter. */
  @Provides
  @Singleton
  static RandomGenerator random() {
    return dev.acs.broker.core.routing.RoutingPolicies.threadSafeRandom();
  }

  @Provides
  @Singleton
  static BrokerCore core(
      BrokerConfig config,
      Clock clock,
      RandomGenerator random,
      AgentStatusSource statusSource,
      InboundMessages inbound,
      OutboundPublisher publisher,
      Set<RoutingObserver> extraObservers,
      Set<AgentStatusObserver> statusObservers) {
    BrokerConfig.Interop interop = config.interop();
    BrokerCoreBuilder core =
        BrokerCore.builder(config.identity())
            .statusSource(statusSource)
            .inbound(inbound)
            .publisher(publisher)
            .policy(RoutingPolicies.normalize(config.routingPolicy()))
            .waitForStickyAgent(config.waitForStickyAgent())
            .random(random)
            .outstandingExpiry(config.outstandingExpiry())
            .availability(config.routableStates())
            .parkTimeout(config.parkTimeout())
            .decisionHeaders(config.decisionHeaders())
            .statusHold(interop.statusHold(), interop.statusHoldGrace())
            .suspicion(interop.suspicion())
            .errorReceiver(interop.errorReceiver())
            .answers(interop.maxHops(), interop.answersToClient())
            .clock(clock)
            .observer(new LoggingRoutingObserver())
            .statusWatcher(new AgentChangeLog());
    extraObservers.forEach(core::observer);
    statusObservers.forEach(core::statusObserver);
    return core.build();
  }

  /** The core's timer thread ends with the transports, after the service has drained. */
  @Provides
  @IntoSet
  @Transports
  static AutoCloseable closeCore(BrokerCore core) {
    return core;
  }

  @Provides
  static AgentRegistry registry(BrokerCore core) {
    return core.registry();
  }

  @Provides
  static OutstandingWork outstandingWork(BrokerCore core) {
    return core.outstandingWork();
  }

  @Provides
  static RoutingService routingService(BrokerCore core) {
    return core.routing();
  }

  @Provides
  static StatusHold statusHold(BrokerCore core) {
    return core.statusHold();
  }

  @Provides
  static AgentSuspicion suspicion(BrokerCore core) {
    return core.suspicion();
  }

  @Provides
  static BrokerService brokerService(BrokerCore core) {
    return core.service();
  }
}
