package dev.acs.broker.core.port;

import dev.acs.broker.core.message.MessageDocument;
import dev.acs.broker.core.message.MessageEnvelope;
import java.util.Objects;

/**
 * One message taken from the input, not yet settled.
 *
 * @param envelope the fields routing decides on
 * @param document the whole body, rendered onward by the adapter
 * @param acknowledgement settles the message once its outcome is published
 */
public record InboundMessage(
    MessageEnvelope envelope, MessageDocument document, Acknowledgement acknowledgement) {

  /** Requires all three parts. */
  public InboundMessage {
    Objects.requireNonNull(envelope, "envelope");
    Objects.requireNonNull(document, "document");
    Objects.requireNonNull(acknowledgement, "acknowledgement");
  }
}
