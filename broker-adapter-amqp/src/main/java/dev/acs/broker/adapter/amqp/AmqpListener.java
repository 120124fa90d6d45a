package dev.acs.broker.adapter.amqp;

import dev.acs.broker.core.message.DeadLetterReason;

/**
 * Hears what the transport does, for metrics. Callbacks run on RabbitMQ client threads and must be
 * quick; every method defaults to doing nothing.
 */
public interface AmqpListener {

  /** A listener that ignores everything. */
  AmqpListener NONE = new AmqpListener() {};

  /** A connection or channel of {@code role} ("consumer" or "publisher") was lost. */
  default void connectionLost(String role, String reason) {}

  /** A connection or channel of {@code role} was restored after a loss. */
  default void recovered(String role) {}

  /** A publish was confirmed by the server {@code latencyNanos} after it was sent. */
  default void confirmed(long latencyNanos) {}

  /** A publish was refused (nack), returned as unroutable, or lost with its channel. */
  default void publishFailed(String reason) {}

  /** Input the adapter could not read was set aside in the dead-letter queue. */
  default void deadLettered(DeadLetterReason reason) {}
}
