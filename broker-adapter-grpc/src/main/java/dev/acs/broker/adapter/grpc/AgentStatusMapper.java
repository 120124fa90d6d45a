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

  /** How much of a server-sent text a log line shows. */
  static final int MAX_LOGGED_CHARS = 80;

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
      // The name is cut and its control characters replaced, and only the metric count is shown:
      // the server's text must not flood or forge log lines (found by StatusMessageFuzzTest).
      LOG.warn(
          "Skipping an agent without an id in the status update (name '{}', {} metrics)",
          printable(info.getAgentName()),
          info.getMetricsCount());
      return Optional.empty();
    }
    return Optional.of(
        Agent.fromStatus(
            info.getAgentId(), info.getAgentName(), info.getLastSeen(), info.getMetricsMap()));
  }

  /** At most {@value #MAX_LOGGED_CHARS} characters of {@code text}, control characters as '?'. */
  static String printable(String text) {
    String cut =
        text.length() <= MAX_LOGGED_CHARS ? text : text.substring(0, MAX_LOGGED_CHARS) + "...";
    StringBuilder out = new StringBuilder(cut.length());
    cut.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return out.toString();
  }
}
