package dev.acs.broker.core.message;

import org.jspecify.annotations.Nullable;

/** The {@code message_type} values of SPEC §3; the broker acts on the first five only. */
public enum MessageType {
  TEXT,
  REPLY,
  SYSTEM,
  ERROR,
  AGENT_STATUS_UPDATE,
  CLIENT_DISCONNECTED,
  REGISTER_FRONTEND,
  REGISTER_FRONTEND_RESPONSE,
  REQUEST_AGENT_STATUS,
  PAUSE_AGENT,
  RESUME_AGENT,
  DEREGISTER_AGENT,
  REREGISTER_AGENT,
  PAUSE_ALL_AGENTS,
  RESUME_ALL_AGENTS,
  DEREGISTER_ALL_AGENTS,
  REREGISTER_ALL_AGENTS,
  RESET_ALL_QUEUES,
  /** A word outside the contract. */
  UNRECOGNIZED;

  /** {@link #values()} copies its array on every call; this copy is never handed out. */
  private static final MessageType[] VALUES = values();

  /**
   * Parses the wire word exactly (the contract's words are upper case); anything else is {@link
   * #UNRECOGNIZED}.
   */
  public static MessageType parse(@Nullable String word) {
    if (word == null) {
      return UNRECOGNIZED;
    }
    for (MessageType type : VALUES) {
      if (type != UNRECOGNIZED && type.name().equals(word)) {
        return type;
      }
    }
    return UNRECOGNIZED;
  }

  /** Whether the broker chooses a receiver for this type (TEXT, REPLY, SYSTEM). */
  public boolean isRoutable() {
    return this == TEXT || this == REPLY || this == SYSTEM;
  }
}
