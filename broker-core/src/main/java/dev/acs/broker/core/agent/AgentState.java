package dev.acs.broker.core.agent;

import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An agent's lifecycle state as reported in {@code metrics["internal_state"]}.
 *
 * <p>The server's vocabulary is closed but may grow; a word the broker does not know maps to {@link
 * #UNRECOGNIZED}, which no availability rule treats as routable unless told to. Real agents report
 * {@code starting} before {@code idle} (SPEC §7); it means the same as {@code initializing} and is
 * read as {@link #INITIALIZING}.
 */
public enum AgentState {
  INITIALIZING("initializing"),
  IDLE("idle"),
  BUSY("busy"),
  PAUSED("paused"),
  SHUTTING_DOWN("shutting_down"),
  ERROR("error"),
  UNKNOWN_STATUS("unknown_status"),
  OFFLINE("offline"),
  UNAVAILABLE("unavailable"),
  /** A state word that is not part of the contract. */
  UNRECOGNIZED("unrecognized");

  /** The metrics key that carries the state. */
  public static final String METRIC_KEY = "internal_state";

  /** The real agents' word for {@link #INITIALIZING} (SPEC §7). */
  public static final String STARTING = "starting";

  private final String wireName;

  AgentState(String wireName) {
    this.wireName = wireName;
  }

  /** The word the central server uses for this state. */
  public String wireName() {
    return wireName;
  }

  /**
   * Parses a state word: surrounding blanks and letter case are ignored; {@code starting} means
   * {@link #INITIALIZING}; {@code null} or an empty word means {@link #UNKNOWN_STATUS}, any other
   * unknown word {@link #UNRECOGNIZED}.
   */
  public static AgentState parse(@Nullable String word) {
    if (word == null || word.isBlank()) {
      return UNKNOWN_STATUS;
    }
    String normalized = word.strip().toLowerCase(Locale.ROOT);
    if (normalized.equals(STARTING)) {
      return INITIALIZING;
    }
    for (AgentState state : values()) {
      if (state != UNRECOGNIZED && state.wireName.equals(normalized)) {
        return state;
      }
    }
    return UNRECOGNIZED;
  }

  /** Reads the state from an agent's metrics; a missing key means {@link #UNKNOWN_STATUS}. */
  public static AgentState fromMetrics(Map<String, String> metrics) {
    return parse(metrics.get(METRIC_KEY));
  }
}
