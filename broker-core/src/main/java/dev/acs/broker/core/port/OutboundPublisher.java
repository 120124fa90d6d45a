package dev.acs.broker.core.port;

import dev.acs.broker.core.message.OutboundMessage;
import dev.acs.broker.core.message.PublishException;
import dev.acs.broker.core.message.PublishFailure;
import java.util.concurrent.CompletionStage;

/** Publishes the broker's output ({@code server_input_queue} and its dead-letter queue). */
@FunctionalInterface
public interface OutboundPublisher {

  /**
   * Publishes one message. The returned stage completes normally only once the transport has taken
   * responsibility for the message (a publisher confirm, in AMQP), and exceptionally when it
   * refused it, returned it, or lost the connection first. A failure caused by the message itself
   * (a value that does not fit the transport) completes it with a {@link PublishException} carrying
   * {@link PublishFailure.Unpublishable}; any other failure counts as the transport's. May block
   * briefly under transport flow control, never for the confirm.
   */
  CompletionStage<Void> publish(OutboundMessage message);
}
