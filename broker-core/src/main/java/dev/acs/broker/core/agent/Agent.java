package dev.acs.broker.core.agent;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One agent as the central server last described it.
 *
 * @param id the agent's id
 * @param name the human-readable name; may be empty, see {@link #displayName()}
 * @param state the state parsed from {@code metrics["internal_state"]}
 * @param lastSeen the server's {@code last_seen} text, kept verbatim (its format is not enforced)
 * @param metrics every metric the server sent, unmodified
 */
public record Agent(
    AgentId id, String name, AgentState state, String lastSeen, Map<String, String> metrics) {

  /** Copies the metrics so the record stays immutable. */
  public Agent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(lastSeen, "lastSeen");
    metrics = Map.copyOf(metrics);
  }

  /** Builds an agent from the wire fields, deriving its state from the metrics as SPEC §2 says. */
  public static Agent fromStatus(
      String agentId, String agentName, String lastSeen, Map<String, String> metrics) {
    return new Agent(
        AgentId.of(agentId), agentName, AgentState.fromMetrics(metrics), lastSeen, metrics);
  }

  /** The name to show people: the agent's name, or its id when the server sent no name. */
  public String displayName() {
    return name.isBlank() ? id.value() : name;
  }

  /** The raw {@code internal_state} word, or empty when the server sent none. */
  public Optional<String> rawState() {
    return Optional.ofNullable(metrics.get(AgentState.METRIC_KEY));
  }

  /**
   * {@link #lastSeen} as an instant when it is ISO-8601 with an offset or in UTC; empty for the
   * free-form or zone-less texts some servers send.
   */
  public Optional<Instant> lastSeenInstant() {
    try {
      return Optional.of(OffsetDateTime.parse(lastSeen).toInstant());
    } catch (DateTimeParseException notOffsetDateTime) {
      try {
        return Optional.of(Instant.parse(lastSeen));
      } catch (DateTimeParseException notInstant) {
        return Optional.empty();
      }
    }
  }
}
