package dev.acs.broker.core.application;

/**
 * How much of the routing decision the broker explains in transport headers of the messages it
 * sends to the server.
 *
 * <p>The headers are diagnostics (SPEC §3 requires none), and they are not free: RabbitMQ decodes
 * and stores them with every persistent message. Adding the three {@link #FULL} headers to a
 * zero-logic relay cost RabbitMQ about 15 % more CPU per message and 10–30 % of the relay rate
 * (docs/performance.md). Dead letters always carry their full explanation, whatever the value.
 */
public enum DecisionHeaders {
  /** {@code x-routed-by}, {@code x-routing-policy} and {@code x-routing-reason}. */
  FULL,
  /** Only {@code x-routed-by}, the broker's id. */
  ROUTED_BY,
  /**
   * No decision headers at all on messages to the server: the routing decision is then only
   * explained in the broker's logs and metrics. Dead letters keep their full headers.
   */
  NONE
}
