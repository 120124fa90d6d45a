package dev.acs.broker.app.wiring;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.Multibinds;
import dev.acs.broker.app.config.BrokerConfig;
import dev.acs.broker.app.logging.LoggingRoutingObserver;
import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.agent.AgentRegistry;
import dev.acs.broker.core.application.BrokerService;
import dev.acs.broker.core.application.RoutingService;
import dev.acs.broker.core.port.AgentStatusSource;
import dev.acs.broker.core.port.InboundMessages;
import dev.acs.broker.core.port.OutboundPublisher;
import dev.acs.broker.core.port.RoutingObserver;
import dev.acs.broker.core.routing.MessageRouter;
import dev.acs.broker.core.routing.RoutingPolicy;
import java.time.Clock;
import java.util.Set;
import java.util.function.LongSupplier;
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
  static RoutingPolicy policy(BrokerConfig config) {
    return RoutingPolicies.create(config.routingPolicy());
  }

  @Provides
  @Singleton
  static MessageRouter router(RoutingPolicy policy) {
    return new MessageRouter(policy);
  }

  @Provides
  @Singleton
  static RoutingObserver observer() {
    return new LoggingRoutingObserver();
  }

  @Provides
  @Singleton
  static RoutingService routingService(
      BrokerIdentity identity,
      AgentRegistry registry,
      MessageRouter router,
      OutboundPublisher publisher,
      RoutingObserver observer,
      LongSupplier nanoClock) {
    return new RoutingService(identity, registry, router, publisher, observer, nanoClock);
  }

  @Provides
  @Singleton
  static BrokerService brokerService(
      AgentStatusSource statusSource,
      InboundMessages inbound,
      AgentRegistry registry,
      RoutingService routing) {
    return new BrokerService(statusSource, inbound, registry, routing);
  }
}
