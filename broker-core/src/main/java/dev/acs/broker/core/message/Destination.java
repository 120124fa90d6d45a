package dev.acs.broker.core.message;

/** Where an outbound message goes; adapters map each to a queue name. */
public enum Destination {
  /** The server's queue ({@code server_input_queue}): routed messages and routing errors. */
  SERVER,
  /** The broker's own dead-letter queue: input it cannot or must not route, with the reason. */
  DEAD_LETTER
}
