package dev.acs.broker.adapter.amqp.json;

import dev.acs.broker.core.message.MessageDocument;
import dev.acs.broker.core.message.MessageEnvelope;
import java.util.Objects;

/**
 * A body the codec could read: what routing decides on, and the document that renders the onward
 * body. A transport wraps the two, with its own acknowledgement, in the core's {@code
 * InboundMessage}.
 *
 * @param envelope the fields that decide where the message goes
 * @param document the whole body, rendered onward with the core's edits spliced in; its {@link
 *     MessageDocument#original()} is the body exactly as received
 */
public record DecodedMessage(MessageEnvelope envelope, MessageDocument document) {

  /** Checks both parts are present. */
  public DecodedMessage {
    Objects.requireNonNull(envelope, "envelope");
    Objects.requireNonNull(document, "document");
  }
}
