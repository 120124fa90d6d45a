package dev.acs.broker.app.wiring;

import dagger.BindsInstance;
import dagger.Component;
import dev.acs.broker.app.config.BrokerConfig;
import dev.acs.broker.app.lifecycle.BrokerRunner;
import dev.acs.broker.core.application.BrokerService;
import dev.acs.broker.core.testing.FakeAgentStatusSource;
import dev.acs.broker.core.testing.FakeInboundMessages;
import dev.acs.broker.core.testing.RecordingOutboundPublisher;
import javax.inject.Singleton;

/** The production core graph over the in-memory fakes of the ports. */
@Singleton
@Component(modules = {CoreModule.class, FakePortsModule.class})
public interface TestBrokerComponent {

  /** The runner, as production uses it. */
  BrokerRunner runner();

  /** The broker service. */
  BrokerService brokerService();

  /** The fake status stream. */
  FakeAgentStatusSource statusSource();

  /** The fake input. */
  FakeInboundMessages inbound();

  /** The recording output. */
  RecordingOutboundPublisher publisher();

  /** The transport closed at shutdown. */
  RecordingTransport transport();

  /** A graph for a configuration. */
  static TestBrokerComponent create(BrokerConfig config) {
    return DaggerTestBrokerComponent.factory().create(config);
  }

  /** Creates the component. */
  @Component.Factory
  interface Factory {
    /** A graph for this configuration. */
    TestBrokerComponent create(@BindsInstance BrokerConfig config);
  }
}
