package dev.acs.broker.app.wiring;

import dagger.Module;
import dagger.Provides;
import dev.acs.broker.core.port.InboundMessages;
import dev.acs.broker.core.port.OutboundPublisher;

/** Binds the RabbitMQ adapter to the core's input and output ports. */
@Module
public final class AmqpModule {

  private AmqpModule() {}

  @Provides
  static InboundMessages inbound() {
    throw new UnsupportedOperationException("the RabbitMQ adapter has not landed yet");
  }

  @Provides
  static OutboundPublisher outbound() {
    throw new UnsupportedOperationException("the RabbitMQ adapter has not landed yet");
  }
}
