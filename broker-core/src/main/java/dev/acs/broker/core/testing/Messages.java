package dev.acs.broker.core.testing;

import dev.acs.broker.core.message.MessageEnvelope;
import dev.acs.broker.core.message.MessageType;
import dev.acs.broker.core.message.WireFields;

/** Message envelopes for tests, shaped like the ones SPEC §3 shows. */
public final class Messages {

  private Messages() {}

  /** A frontend TEXT message as the server puts it on the input queue. */
  public static MessageEnvelope fromFrontend(String messageId, String clientId) {
    return MessageEnvelope.builder(MessageType.TEXT)
        .messageId(messageId)
        .senderId(clientId)
        .receiverId("server")
        .routingStatus(WireFields.STATUS_PENDING)
        .clientId(clientId)
        .connectionType("frontend")
        .build();
  }

  /** A message of {@code type} from one agent, addressed to {@code receiverId}. */
  public static MessageEnvelope fromAgent(
      MessageType type, String messageId, String senderId, String receiverId) {
    return MessageEnvelope.builder(type)
        .messageId(messageId)
        .senderId(senderId)
        .receiverId(receiverId)
        .routingStatus(WireFields.STATUS_PENDING)
        .build();
  }
}
