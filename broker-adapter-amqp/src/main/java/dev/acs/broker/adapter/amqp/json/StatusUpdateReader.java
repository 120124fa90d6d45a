package dev.acs.broker.adapter.amqp.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.acs.broker.core.agent.Agent;
import dev.acs.broker.core.agent.AgentStatusUpdate;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads the agents of an {@code AGENT_STATUS_UPDATE} body (SPEC §3): {@code agents}, an array of
 * {@code {agent_id, agent_name, last_seen, metrics}}, and {@code is_full_update}. Only these two
 * members are parsed into a tree, from the byte ranges the top-level scan found. Thread-safe.
 */
final class StatusUpdateReader {

  private final ObjectMapper mapper;

  /**
   * @param mapper shares the codec's limits (nesting depth)
   */
  StatusUpdateReader(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /**
   * The update, or {@code null} when it cannot be read (the core then dead-letters the message). A
   * missing {@code is_full_update} means a delta, which removes nobody.
   *
   * @param members the top-level members of the body
   * @param agentsIndex the member index of {@code agents}, or -1 when absent
   * @param fullUpdateIndex the member index of {@code is_full_update}, or -1 when absent
   */
  @Nullable AgentStatusUpdate read(
      byte[] body, TopLevelMembers members, int agentsIndex, int fullUpdateIndex) {
    if (agentsIndex < 0) {
      return null;
    }
    try {
      JsonNode agents = tree(body, members, agentsIndex);
      boolean full = false;
      if (fullUpdateIndex >= 0) {
        JsonNode flag = tree(body, members, fullUpdateIndex);
        if (!flag.isBoolean()) {
          return null;
        }
        full = flag.booleanValue();
      }
      return agents.isArray() ? toUpdate(agents, full) : null;
    } catch (IOException | IllegalArgumentException unreadable) {
      return null;
    }
  }

  private JsonNode tree(byte[] body, TopLevelMembers members, int index) throws IOException {
    int from = members.valueStart[index];
    return mapper.readTree(body, from, members.valueEnd[index] - from);
  }

  private static @Nullable AgentStatusUpdate toUpdate(JsonNode agents, boolean full) {
    List<Agent> list = new ArrayList<>(agents.size());
    for (JsonNode agent : agents) {
      if (!agent.isObject()) {
        return null;
      }
      JsonNode id = agent.get("agent_id");
      if (id == null || !id.isTextual()) {
        return null;
      }
      String name = optionalText(agent.get("agent_name"));
      String lastSeen = optionalText(agent.get("last_seen"));
      if (name == null || lastSeen == null) {
        return null;
      }
      Map<String, String> metrics = new LinkedHashMap<>();
      JsonNode metricsNode = agent.get("metrics");
      if (metricsNode != null && !metricsNode.isNull()) {
        if (!metricsNode.isObject()) {
          return null;
        }
        for (Map.Entry<String, JsonNode> metric : metricsNode.properties()) {
          JsonNode value = metric.getValue();
          if (value.isValueNode() && !value.isNull()) {
            metrics.put(metric.getKey(), value.asText());
          } else if (!value.isNull()) {
            return null; // the contract's metrics are map<string,string>
          }
        }
      }
      list.add(Agent.fromStatus(id.textValue(), name, lastSeen, metrics));
    }
    return new AgentStatusUpdate(list, full);
  }

  /** Text of an optional string member: "" when absent or null, {@code null} when not text. */
  private static @Nullable String optionalText(@Nullable JsonNode node) {
    if (node == null || node.isNull()) {
      return "";
    }
    return node.isTextual() ? node.textValue() : null;
  }
}
