package dev.acs.broker.app.sandbox.simulate;

import dev.acs.broker.proto.status.AgentInfo;

/**
 * An agent as the central server reports it on the status stream (SPEC §2): id, name, {@code
 * last_seen}, and the metrics every report carries. Shared by the stand-in servers (this package's
 * and the fleet benchmarks'), which add the metrics they care about.
 */
public final class AgentReports {

  /** The metrics key holding an agent's state (SPEC §2). */
  public static final String STATE_KEY = "internal_state";

  private AgentReports() {}

  /**
   * A registered agent's report in {@code state}, to be completed with further metrics.
   *
   * @param lastSeen as the server writes it (the real one: ISO-8601 without an offset)
   */
  public static AgentInfo.Builder registered(
      String agentId, String agentName, String state, String lastSeen) {
    return AgentInfo.newBuilder()
        .setAgentId(agentId)
        .setAgentName(agentName)
        .setLastSeen(lastSeen)
        .putMetrics(STATE_KEY, state)
        .putMetrics("agent_name", agentName)
        .putMetrics("registration_status", "registered");
  }
}
