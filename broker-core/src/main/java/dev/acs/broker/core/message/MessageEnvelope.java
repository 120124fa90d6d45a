package dev.acs.broker.core.message;

import dev.acs.broker.core.agent.AgentId;
import dev.acs.broker.core.agent.AgentStatusUpdate;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The fields of an inbound message that routing decides on; adapters extract it from the wire
 * format and keep the rest of the message in its {@link MessageDocument}.
 *
 * <p>Optional wire fields are {@code null} when absent; an empty string is kept as sent.
 *
 * @param messageId {@code message_id}
 * @param type the parsed {@code message_type}
 * @param rawType {@code message_type} as sent, for error texts
 * @param senderId {@code sender_id}
 * @param receiverId {@code receiver_id}
 * @param routingStatus {@code routing_status}
 * @param clientId {@code _client_id}, the frontend connection a conversation belongs to
 * @param connectionType {@code _connection_type}
 * @param originalMessageId {@code original_message_id}: on an agent's answer, the id of the message
 *     it answers (SPEC §7)
 * @param statusUpdate the agents of an {@code AGENT_STATUS_UPDATE} message, or {@code null}
 */
public record MessageEnvelope(
    @Nullable String messageId,
    MessageType type,
    String rawType,
    @Nullable String senderId,
    @Nullable String receiverId,
    @Nullable String routingStatus,
    @Nullable String clientId,
    @Nullable String connectionType,
    @Nullable String originalMessageId,
    @Nullable AgentStatusUpdate statusUpdate) {

  /** Requires a type; a status update only on {@code AGENT_STATUS_UPDATE}. */
  public MessageEnvelope {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(rawType, "rawType");
    if (statusUpdate != null && type != MessageType.AGENT_STATUS_UPDATE) {
      throw new IllegalArgumentException(
          "a status update belongs only to AGENT_STATUS_UPDATE, not to " + rawType);
    }
  }

  /** Starts an envelope of the given type. */
  public static Builder builder(MessageType type) {
    return new Builder(type, type.name());
  }

  /** Starts an envelope whose type word is {@code rawType} as sent. */
  public static Builder builder(String rawType) {
    return new Builder(MessageType.parse(rawType), rawType);
  }

  /** The receiver as an agent id, when one is named. */
  public Optional<AgentId> receiverAgent() {
    return receiverId == null || receiverId.isBlank()
        ? Optional.empty()
        : Optional.of(AgentId.of(receiverId));
  }

  /** The sender as an agent id, when one is named (it may also be a frontend or the server). */
  public Optional<AgentId> senderAgent() {
    return senderId == null || senderId.isBlank()
        ? Optional.empty()
        : Optional.of(AgentId.of(senderId));
  }

  /** Whether the message already carries {@code routing_status = "error"}. */
  public boolean hasErrorStatus() {
    return WireFields.STATUS_ERROR.equals(routingStatus);
  }

  /**
   * The key that identifies the conversation, for sticky routing: the frontend client ({@code
   * _client_id}) when present, otherwise the sender; empty when neither is known.
   */
  public Optional<String> affinityKey() {
    if (clientId != null && !clientId.isBlank()) {
      return Optional.of(clientId);
    }
    if (senderId != null && !senderId.isBlank()) {
      return Optional.of(senderId);
    }
    return Optional.empty();
  }

  /** A short description for logs: type, id and sender, never the payload. */
  public String describe() {
    return rawType + " " + (messageId == null ? "(no id)" : messageId) + " from " + senderId;
  }

  /** Builds envelopes field by field; unset optional fields stay absent. */
  public static final class Builder {
    private final MessageType type;
    private final String rawType;
    private @Nullable String messageId;
    private @Nullable String senderId;
    private @Nullable String receiverId;
    private @Nullable String routingStatus;
    private @Nullable String clientId;
    private @Nullable String connectionType;
    private @Nullable String originalMessageId;
    private @Nullable AgentStatusUpdate statusUpdate;

    private Builder(MessageType type, String rawType) {
      this.type = type;
      this.rawType = rawType;
    }

    /** Sets {@code message_id}. */
    public Builder messageId(@Nullable String value) {
      this.messageId = value;
      return this;
    }

    /** Sets {@code sender_id}. */
    public Builder senderId(@Nullable String value) {
      this.senderId = value;
      return this;
    }

    /** Sets {@code receiver_id}. */
    public Builder receiverId(@Nullable String value) {
      this.receiverId = value;
      return this;
    }

    /** Sets {@code routing_status}. */
    public Builder routingStatus(@Nullable String value) {
      this.routingStatus = value;
      return this;
    }

    /** Sets {@code _client_id}. */
    public Builder clientId(@Nullable String value) {
      this.clientId = value;
      return this;
    }

    /** Sets {@code _connection_type}. */
    public Builder connectionType(@Nullable String value) {
      this.connectionType = value;
      return this;
    }

    /** Sets {@code original_message_id}. */
    public Builder originalMessageId(@Nullable String value) {
      this.originalMessageId = value;
      return this;
    }

    /** Sets the agents of an {@code AGENT_STATUS_UPDATE}. */
    public Builder statusUpdate(@Nullable AgentStatusUpdate value) {
      this.statusUpdate = value;
      return this;
    }

    /** The envelope. */
    public MessageEnvelope build() {
      return new MessageEnvelope(
          messageId,
          type,
          rawType,
          senderId,
          receiverId,
          routingStatus,
          clientId,
          connectionType,
          originalMessageId,
          statusUpdate);
    }
  }
}
