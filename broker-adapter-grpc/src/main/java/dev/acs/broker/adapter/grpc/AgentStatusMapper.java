package dev.acs.broker.adapter.grpc;

import dev.acs.broker.core.agent.Agent;
import dev.acs.broker.core.agent.AgentStatusUpdate;
import dev.acs.broker.proto.status.AgentInfo;
import dev.acs.broker.proto.status.AgentStatusResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Translates the central server's status messages into the core's {@link AgentStatusUpdate}.
 *
 * <p>One bad agent does not spoil a snapshot: an agent without an id (which the core cannot
 * represent) is skipped with a warning and the rest is applied. Everything else is passed through
 * as the server sent it; the core derives the state and keeps {@code last_seen} verbatim.
 */
final class AgentStatusMapper {

  private static final Logger LOG = LoggerFactory.getLogger(AgentStatusMapper.class);

  /** The update carried by one response of the stream or of the liveness probe. */
  AgentStatusUpdate toUpdate(AgentStatusResponse response) {
    List<Agent> agents = new ArrayList<>(response.getAgentsCount());
    for (AgentInfo info : response.getAgentsList()) {
      toAgent(info).ifPresent(agents::add);
    }
    return new AgentStatusUpdate(agents, response.getIsFullUpdate());
  }

  /** The agent described by {@code info}, or empty when it has no usable id. */
  Optional<Agent> toAgent(AgentInfo info) {
    if (info.getAgentId().isBlank()) {
      LOG.warn(
          "Skipping an agent without an id in the status update (name '{}', metrics {})",
          info.getAgentName(),
          info.getMetricsMap());
      return Optional.empty();
    }
    return Optional.of(
        Agent.fromStatus(
            info.getAgentId(), info.getAgentName(), info.getLastSeen(), info.getMetricsMap()));
  }
}
