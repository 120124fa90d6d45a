package dev.acs.broker.core.port;

/** Takes the messages an {@link InboundMessages} source delivers. */
@FunctionalInterface
public interface InboundHandler {

  /**
   * Handles one message. Called on the source's delivery thread, so it must not block; it owns the
   * message's {@link InboundMessage#acknowledgement()} from now on.
   */
  void handle(InboundMessage message);
}
