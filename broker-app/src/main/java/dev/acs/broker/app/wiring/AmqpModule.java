package dev.acs.broker.app.wiring;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoSet;
import dev.acs.broker.adapter.amqp.AmqpListener;
import dev.acs.broker.adapter.amqp.AmqpSettings;
import dev.acs.broker.adapter.amqp.AmqpTransport;
import dev.acs.broker.app.config.BrokerConfig;
import dev.acs.broker.app.lifecycle.Transports;
import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.application.RedeliveryGuard;
import dev.acs.broker.core.port.InboundMessages;
import dev.acs.broker.core.port.OutboundPublisher;
import java.time.Clock;
import javax.inject.Singleton;

/**
 * Binds the RabbitMQ adapter to the core's input and output ports.
 *
 * <p>The transport connects (and declares the queues) only when the core starts consuming, that is
 * after the first agent snapshot arrived: the start-up order of SPEC §6 (register, subscribe,
 * connect RabbitMQ, consume), and messages waiting in RabbitMQ meet a real view of the agents.
 */
@Module
public final class AmqpModule {

  private AmqpModule() {}

  /** The settings {@code broker run}'s options made, as they are. */
  @Provides
  static AmqpSettings settings(BrokerConfig config) {
    return config.rabbitMq();
  }

  @Provides
  @Singleton
  static RedeliveryGuard redeliveryGuard(BrokerConfig config, Clock clock) {
    return new RedeliveryGuard(config.redelivery().maxDeliveries(), clock);
  }

  @Provides
  @Singleton
  static AmqpTransport transport(
      AmqpSettings settings,
      BrokerIdentity identity,
      AmqpListener listener,
      RedeliveryGuard redeliveries) {
    return new AmqpTransport(settings, identity, listener, redeliveries);
  }

  @Provides
  @Singleton
  static InboundMessages inbound(AmqpTransport transport, AmqpSettings settings) {
    return new ConnectingInboundMessages(transport, settings.endpoint());
  }

  @Provides
  static OutboundPublisher outbound(AmqpTransport transport) {
    return transport.outbound();
  }

  @Provides
  @IntoSet
  @Transports
  static AutoCloseable closeRabbitMq(AmqpTransport transport) {
    return transport;
  }
}
