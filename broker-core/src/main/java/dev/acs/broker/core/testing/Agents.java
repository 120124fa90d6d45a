package dev.acs.broker.core.testing;

import dev.acs.broker.core.agent.Agent;
import dev.acs.broker.core.agent.AgentId;
import dev.acs.broker.core.agent.AgentState;
import java.util.Map;

/** Agents for tests, e.g. {@code Agents.idle("a1")}. */
public final class Agents {

  private static final String LAST_SEEN = "2026-01-01T00:00:00+00:00";

  private Agents() {}

  /** An agent in {@code state}, named {@code "Agent <id>"}. */
  public static Agent inState(String id, AgentState state) {
    return named(id, "Agent " + id, state);
  }

  /** An agent with a given name and state. */
  public static Agent named(String id, String name, AgentState state) {
    return new Agent(
        AgentId.of(id), name, state, LAST_SEEN, Map.of(AgentState.METRIC_KEY, state.wireName()));
  }

  /** An idle agent. */
  public static Agent idle(String id) {
    return inState(id, AgentState.IDLE);
  }

  /** A busy agent. */
  public static Agent busy(String id) {
    return inState(id, AgentState.BUSY);
  }

  /** A paused agent. */
  public static Agent paused(String id) {
    return inState(id, AgentState.PAUSED);
  }

  /** An offline agent. */
  public static Agent offline(String id) {
    return inState(id, AgentState.OFFLINE);
  }
}
