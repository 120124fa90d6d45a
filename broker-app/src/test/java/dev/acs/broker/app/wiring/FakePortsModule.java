package dev.acs.broker.app.wiring;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoSet;
import dev.acs.broker.app.lifecycle.Transports;
import dev.acs.broker.core.port.AgentStatusSource;
import dev.acs.broker.core.port.InboundMessages;
import dev.acs.broker.core.port.OutboundPublisher;
import dev.acs.broker.core.testing.FakeAgentStatusSource;
import dev.acs.broker.core.testing.FakeInboundMessages;
import dev.acs.broker.core.testing.RecordingOutboundPublisher;
import javax.inject.Singleton;

/** Binds the core's in-memory fakes to the ports, in place of the AMQP and gRPC modules. */
@Module
final class FakePortsModule {

  private FakePortsModule() {}

  @Provides
  @Singleton
  static FakeAgentStatusSource fakeStatusSource() {
    return new FakeAgentStatusSource();
  }

  @Provides
  @Singleton
  static FakeInboundMessages fakeInbound() {
    return new FakeInboundMessages();
  }

  @Provides
  @Singleton
  static RecordingOutboundPublisher recordingPublisher() {
    return RecordingOutboundPublisher.confirming();
  }

  @Provides
  @Singleton
  static RecordingTransport transport() {
    return new RecordingTransport();
  }

  @Provides
  static AgentStatusSource statusSource(FakeAgentStatusSource fake) {
    return fake;
  }

  @Provides
  static InboundMessages inbound(FakeInboundMessages fake) {
    return fake;
  }

  @Provides
  static OutboundPublisher publisher(RecordingOutboundPublisher fake) {
    return fake;
  }

  @Provides
  @IntoSet
  @Transports
  static AutoCloseable closeable(RecordingTransport transport) {
    return transport;
  }
}
