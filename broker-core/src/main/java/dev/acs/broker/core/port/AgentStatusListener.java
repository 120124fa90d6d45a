package dev.acs.broker.core.port;

import dev.acs.broker.core.agent.AgentStatusUpdate;

/** Receives the agent status stream from an {@link AgentStatusSource}. */
public interface AgentStatusListener {

  /** One update of the stream, in order; called from one thread at a time. */
  void onStatus(AgentStatusUpdate update);

  /**
   * The stream broke, or an attempt to restore it failed, and the source keeps trying; updates
   * resume with a full snapshot. Called for every failed attempt, so the last reason is current.
   *
   * @param reason what happened, for logs and health checks
   */
  void onInterrupted(String reason);
}
