package dev.acs.broker.app.wiring;

import dagger.Binds;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoSet;
import dev.acs.broker.adapter.amqp.AmqpListener;
import dev.acs.broker.adapter.grpc.GrpcListener;
import dev.acs.broker.app.config.BrokerConfig;
import dev.acs.broker.app.metrics.AgentStatusMetrics;
import dev.acs.broker.app.metrics.BrokerMetrics;
import dev.acs.broker.core.port.AgentStatusObserver;
import dev.acs.broker.core.port.RoutingObserver;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import javax.inject.Singleton;

/**
 * The Prometheus meter registry and the metrics that the core (through its {@link RoutingObserver}
 * port) and the adapters (through their listeners) report into.
 */
@Module
public abstract class MetricsModule {

  private MetricsModule() {}

  @Provides
  @Singleton
  static PrometheusMeterRegistry meterRegistry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  @Provides
  @Singleton
  static BrokerMetrics metrics(PrometheusMeterRegistry registry, BrokerConfig config) {
    return new BrokerMetrics(registry, config.routingPolicy());
  }

  @Binds
  @IntoSet
  abstract RoutingObserver metricsObserver(BrokerMetrics metrics);

  @Provides
  @IntoSet
  static AgentStatusObserver agentStatusMetrics(PrometheusMeterRegistry registry) {
    return new AgentStatusMetrics(registry, Clock.systemUTC());
  }

  @Provides
  @Singleton
  static AmqpListener amqpListener(BrokerMetrics metrics) {
    return metrics.amqpListener();
  }

  @Provides
  @Singleton
  static GrpcListener grpcListener(BrokerMetrics metrics) {
    return metrics.grpcListener();
  }
}
