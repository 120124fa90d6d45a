package dev.acs.broker.core.port;

import dev.acs.broker.core.agent.AgentStatusUpdate;

/** Receives the agent status stream from an {@link AgentStatusSource}. */
public interface AgentStatusListener {

  /** One update of the stream, in order; called from one thread at a time. */
  void onStatus(AgentStatusUpdate update);

  /**
   * The stream broke and the source is trying to restore it; updates resume with a full snapshot.
   *
   * @param reason what happened, for logs and health checks
   */
  void onInterrupted(String reason);
}
