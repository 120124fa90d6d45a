/**
 * The RabbitMQ adapter: consumes {@code broker_input_queue} and publishes to {@code
 * server_input_queue} (SPEC §3) with publisher confirms, manual acknowledgements and its own
 * reconnection. {@link dev.acs.broker.adapter.amqp.AmqpTransport} is the entry point.
 */
@NullMarked
package dev.acs.broker.adapter.amqp;

import org.jspecify.annotations.NullMarked;
