package dev.acs.broker.app.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import dev.acs.broker.core.agent.Agent;
import dev.acs.broker.core.agent.AgentId;
import dev.acs.broker.core.agent.AgentState;
import dev.acs.broker.core.agent.AgentView;
import dev.acs.broker.core.agent.Availability;
import dev.acs.broker.core.message.MessageEnvelope;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What {@code broker route} is asked about: one message and the agents as a broker saw them, read
 * from the input document {@code {"message": {...}, "agents": [...]}}. The agents are in the format
 * of {@code /agents} (or {@code broker agents --json}), so an operator can paste what a running
 * broker showed; their {@code outstanding} counts and {@code suspected} reasons come along.
 *
 * @param message the message, as the broker's codec would read it
 * @param view every agent, under the routable states given
 * @param suspects the agents the broker suspected dead, with why, in id order
 * @param outstanding messages routed to each agent and not answered yet
 */
record RouteQuestion(
    MessageEnvelope message,
    AgentView view,
    Map<AgentId, String> suspects,
    Map<AgentId, Integer> outstanding) {

  /** The snapshot's time: fixed, so that the dry run's output never depends on the clock. */
  static final Instant AT = Instant.parse("2000-01-01T00:00:00Z");

  /**
   * Reads the input document.
   *
   * @throws IllegalArgumentException saying what is missing or malformed
   */
  static RouteQuestion read(JsonNode input, Availability availability) {
    JsonNode messageNode = input.path("message");
    if (!messageNode.isObject()) {
      throw new IllegalArgumentException(
          "the file needs a \"message\" object (a message as on broker_input_queue)");
    }
    JsonNode agentsNode = input.path("agents");
    if (agentsNode.isObject()) {
      agentsNode = agentsNode.path("agents"); // the whole /agents document
    }
    if (!agentsNode.isArray()) {
      throw new IllegalArgumentException(
          "the file needs an \"agents\" array (the format of /agents or 'broker agents --json')");
    }
    List<Agent> agents = new ArrayList<>();
    Map<AgentId, Integer> outstanding = new HashMap<>();
    Map<AgentId, String> suspects = new TreeMap<>();
    int index = 0;
    for (JsonNode agentNode : agentsNode) {
      Agent agent = agent(agentNode, index);
      agents.add(agent);
      outstanding.put(agent.id(), agentNode.path("outstanding").asInt(0));
      String suspected = text(agentNode, "suspected");
      if (suspected != null && !suspected.isBlank()) {
        suspects.put(agent.id(), suspected);
      }
      index++;
    }
    return new RouteQuestion(
        envelope(messageNode), AgentView.of(1, AT, availability, agents), suspects, outstanding);
  }

  /** One agent of the array; both the {@code /agents} names and the wire names are read. */
  private static Agent agent(JsonNode agentNode, int index) {
    String id = text(agentNode, "id", "agent_id");
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("agents[" + index + "] has no \"id\"");
    }
    Map<String, String> metrics = new LinkedHashMap<>();
    agentNode
        .path("metrics")
        .properties()
        .forEach(entry -> metrics.put(entry.getKey(), entry.getValue().asText()));
    String state = text(agentNode, "rawState", "state");
    if (state != null && !metrics.containsKey(AgentState.METRIC_KEY)) {
      metrics.put(AgentState.METRIC_KEY, state);
    }
    String name = text(agentNode, "name", "agent_name");
    String lastSeen = text(agentNode, "lastSeen", "last_seen");
    return Agent.fromStatus(
        id, name == null ? "" : name, lastSeen == null ? "" : lastSeen, metrics);
  }

  private static MessageEnvelope envelope(JsonNode node) {
    String type = text(node, "message_type");
    if (type == null) {
      throw new IllegalArgumentException(
          "the message has no message_type; the broker would dead-letter it"
              + " (missing-message-type)");
    }
    return MessageEnvelope.builder(type)
        .messageId(text(node, "message_id"))
        .senderId(text(node, "sender_id"))
        .receiverId(text(node, "receiver_id"))
        .routingStatus(text(node, "routing_status"))
        .clientId(text(node, "_client_id"))
        .connectionType(text(node, "_connection_type"))
        .build();
  }

  private static @Nullable String text(JsonNode node, String... names) {
    for (String name : names) {
      JsonNode value = node.get(name);
      if (value != null && !value.isNull()) {
        return value.asText();
      }
    }
    return null;
  }
}
