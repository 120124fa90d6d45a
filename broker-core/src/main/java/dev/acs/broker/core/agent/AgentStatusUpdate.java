package dev.acs.broker.core.agent;

import java.util.List;

/**
 * One message of the agent status stream, whatever transport brought it.
 *
 * @param agents the agents it describes, in the server's order
 * @param fullSnapshot {@code true} when the list replaces the whole view (agents not listed are
 *     gone); {@code false} for a delta that only upserts
 */
public record AgentStatusUpdate(List<Agent> agents, boolean fullSnapshot) {

  /** Copies the list so the update stays immutable. */
  public AgentStatusUpdate {
    agents = List.copyOf(agents);
  }

  /** A full snapshot: exactly these agents exist. */
  public static AgentStatusUpdate snapshot(List<Agent> agents) {
    return new AgentStatusUpdate(agents, true);
  }

  /** A delta: these agents are added or replaced, nobody is removed. */
  public static AgentStatusUpdate delta(List<Agent> agents) {
    return new AgentStatusUpdate(agents, false);
  }
}
