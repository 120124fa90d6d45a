package dev.acs.broker.core.agent;

import java.util.Objects;

/**
 * The central server's identifier of an agent; also the value the broker writes into {@code
 * receiver_id}.
 */
public record AgentId(String value) implements Comparable<AgentId> {

  /** Rejects blank ids: the server never issues one and routing to it would be meaningless. */
  public AgentId {
    Objects.requireNonNull(value, "value");
    if (value.isBlank()) {
      throw new IllegalArgumentException("agent id must not be blank");
    }
  }

  /** Shorthand for {@code new AgentId(value)}. */
  public static AgentId of(String value) {
    return new AgentId(value);
  }

  @Override
  public int compareTo(AgentId other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
