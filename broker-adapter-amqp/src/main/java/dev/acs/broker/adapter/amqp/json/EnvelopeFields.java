package dev.acs.broker.adapter.amqp.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.acs.broker.core.message.MessageEnvelope;
import dev.acs.broker.core.message.WireFields;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * The top-level string members the envelope reads, collected during the scan; later duplicates win,
 * as in Python's json module. JSON {@code null} counts as absent; another type is a problem ({@code
 * wrong-field-type}), except for {@code original_message_id}, which is carried through.
 */
final class EnvelopeFields {

  private @Nullable String messageId;
  private @Nullable String messageType;
  private @Nullable String senderId;
  private @Nullable String receiverId;
  private @Nullable String routingStatus;
  private @Nullable String clientId;
  private @Nullable String connectionType;
  private @Nullable String originalMessageId;
  private @Nullable String wrongType;

  /**
   * Stores the value when the member is one the envelope reads.
   *
   * @param value the value's first token; the parser stands on it
   * @return a problem with the value's type, or {@code null}
   */
  @Nullable String read(String name, JsonToken value, JsonParser parser) throws IOException {
    switch (name) {
      case WireFields.MESSAGE_ID -> messageId = text(name, value, parser);
      case WireFields.MESSAGE_TYPE -> messageType = text(name, value, parser);
      case WireFields.SENDER_ID -> senderId = text(name, value, parser);
      case WireFields.RECEIVER_ID -> receiverId = text(name, value, parser);
      case WireFields.ROUTING_STATUS -> routingStatus = text(name, value, parser);
      case WireFields.CLIENT_ID -> clientId = text(name, value, parser);
      case WireFields.CONNECTION_TYPE -> connectionType = text(name, value, parser);
      // Only followed for hop counting, never required: another JSON type is carried through as
      // it was before the broker read this field, not dead-lettered.
      case WireFields.ORIGINAL_MESSAGE_ID ->
          originalMessageId = value == JsonToken.VALUE_STRING ? parser.getText() : null;
      default -> {
        return null;
      }
    }
    return wrongType;
  }

  /** The {@code message_type}, or {@code null} when the body has none. */
  @Nullable String messageType() {
    return messageType;
  }

  /** An envelope builder with every field read; the caller adds the status update. */
  MessageEnvelope.Builder toEnvelope(String type) {
    return MessageEnvelope.builder(type)
        .messageId(messageId)
        .senderId(senderId)
        .receiverId(receiverId)
        .routingStatus(routingStatus)
        .clientId(clientId)
        .connectionType(connectionType)
        .originalMessageId(originalMessageId);
  }

  private @Nullable String text(String name, JsonToken value, JsonParser parser)
      throws IOException {
    if (value == JsonToken.VALUE_STRING) {
      return parser.getText();
    }
    if (value != JsonToken.VALUE_NULL) {
      wrongType = name + " must be a string, was a JSON " + describe(value);
    }
    return null;
  }

  /** The JSON type a token starts, as a problem text names it. */
  static String describe(JsonToken token) {
    return switch (token) {
      case START_ARRAY -> "array";
      case START_OBJECT -> "object";
      case VALUE_STRING -> "string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
      case VALUE_TRUE, VALUE_FALSE -> "boolean";
      case VALUE_NULL -> "null";
      default -> token.name();
    };
  }
}
