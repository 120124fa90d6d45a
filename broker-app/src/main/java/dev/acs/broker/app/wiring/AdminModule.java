package dev.acs.broker.app.wiring;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.ElementsIntoSet;
import dev.acs.broker.adapter.amqp.AmqpTransport;
import dev.acs.broker.adapter.grpc.GrpcCentralServer;
import dev.acs.broker.app.admin.AdminServer;
import dev.acs.broker.app.admin.BrokerStatus;
import dev.acs.broker.app.config.BrokerConfig;
import dev.acs.broker.app.config.VersionProvider;
import dev.acs.broker.app.lifecycle.LifecycleParticipant;
import dev.acs.broker.app.metrics.BrokerGauges;
import dev.acs.broker.app.metrics.InteropGauges;
import dev.acs.broker.core.agent.AgentRegistry;
import dev.acs.broker.core.application.RoutingService;
import dev.acs.broker.core.application.StatusHold;
import dev.acs.broker.core.routing.AgentSuspicion;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.Set;
import javax.inject.Singleton;

/**
 * The admin endpoint ({@code --admin-port}, off when 0): metrics, health and agents over HTTP,
 * opened and closed by the broker's lifecycle.
 */
@Module
public final class AdminModule {

  private AdminModule() {}

  @Provides
  @Singleton
  static BrokerStatus status(
      BrokerConfig config,
      AgentRegistry registry,
      RoutingService routing,
      GrpcCentralServer centralServer,
      AmqpTransport transport,
      Clock clock,
      StatusHold hold,
      AgentSuspicion suspicion) {
    return new BrokerStatus(
            config.identity(),
            VersionProvider.version(),
            config.routingPolicy(),
            registry,
            routing.outstandingWork(),
            centralServer::health,
            transport::health,
            config.admin().readinessStaleness(),
            clock)
        .watching(hold, suspicion);
  }

  @Provides
  @ElementsIntoSet
  static Set<LifecycleParticipant> adminServer(
      BrokerConfig config,
      BrokerStatus status,
      PrometheusMeterRegistry meters,
      AgentRegistry registry,
      RoutingService routing,
      GrpcCentralServer centralServer,
      AmqpTransport transport,
      StatusHold hold,
      AgentSuspicion suspicion,
      Clock clock) {
    if (!config.admin().enabled()) {
      return Set.of();
    }
    BrokerGauges.bind(
        meters,
        routing,
        registry,
        centralServer::health,
        transport::health,
        VersionProvider.version(),
        config.routingPolicy());
    BrokerGauges.bindProbes(meters, centralServer::probeCounts);
    InteropGauges.bind(meters, hold, suspicion, clock);
    return Set.of(
        new AdminServer(
            config.admin().bindAddress(), config.admin().port(), status, meters::scrape));
  }
}
