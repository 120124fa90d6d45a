package dev.acs.broker.core.port;

/**
 * The broker's input ({@code broker_input_queue} in production): a source of messages that are
 * settled only after their outcome is published.
 *
 * <p>A source handles malformed input itself (it cannot build an envelope for it) by setting it
 * aside with a reason, never by redelivering it forever; everything it can read reaches the
 * handler. It bounds the number of unsettled messages (the AMQP prefetch, say).
 */
@FunctionalInterface
public interface InboundMessages {

  /**
   * Starts delivering messages to {@code handler}; returns at once. Cancelling stops new
   * deliveries; messages already delivered can still be acknowledged.
   */
  Subscription start(InboundHandler handler);
}
