package dev.acs.broker.app.wiring;

import dagger.BindsInstance;
import dagger.Component;
import dev.acs.broker.app.config.BrokerConfig;
import dev.acs.broker.app.lifecycle.BrokerRunner;
import javax.inject.Singleton;

/**
 * The production object graph: the core wired to the RabbitMQ and gRPC adapters, built from the
 * parsed configuration.
 */
@Singleton
@Component(
    modules = {
      CoreModule.class,
      AmqpModule.class,
      GrpcModule.class,
      MetricsModule.class,
      AdminModule.class
    })
public interface BrokerComponent {

  /** The runner of the whole broker. */
  BrokerRunner runner();

  /** Creates the component. */
  @Component.Factory
  interface Factory {
    /** A graph for this configuration. */
    BrokerComponent create(@BindsInstance BrokerConfig config);
  }
}
