package dev.acs.broker.app.wiring;

import dev.acs.broker.adapter.amqp.AmqpTransport;
import dev.acs.broker.core.port.InboundHandler;
import dev.acs.broker.core.port.InboundMessages;
import dev.acs.broker.core.port.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RabbitMQ input, connected on first use: {@link #start} connects the transport (blocking,
 * retrying until RabbitMQ is up and the queues are declared), then starts consuming.
 *
 * <p>This bends the port's "returns at once" on purpose: {@code BrokerService.start} calls it on
 * the starting thread right after the first agent snapshot, which is exactly where SPEC §6 places
 * the RabbitMQ connection. A stop requested meanwhile interrupts that thread; the interruption is
 * kept and surfaces as an {@link IllegalStateException}.
 */
final class ConnectingInboundMessages implements InboundMessages {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectingInboundMessages.class);

  private final AmqpTransport transport;
  private final String endpoint;

  ConnectingInboundMessages(AmqpTransport transport, String endpoint) {
    this.transport = transport;
    this.endpoint = endpoint;
  }

  @Override
  public Subscription start(InboundHandler handler) {
    LOG.info("Connecting to RabbitMQ at {} and declaring the queues", endpoint);
    try {
      transport.connect();
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while connecting to RabbitMQ", interrupted);
    }
    LOG.info("Connected to RabbitMQ at {}; starting to consume", endpoint);
    return transport.inbound().start(handler);
  }
}
