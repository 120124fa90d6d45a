package dev.acs.broker.core.port;

/**
 * Settles one inbound message with the transport that delivered it. Exactly one of the two methods
 * is called, once, from any thread.
 */
public interface Acknowledgement {

  /** Everything the message caused is safely published: the transport may forget the message. */
  void ack();

  /**
   * The outcome could not be published (a negative confirm, a lost connection): the transport must
   * deliver the message again, to this broker or another.
   */
  void requeue();
}
