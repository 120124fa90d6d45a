package dev.acs.broker.app.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Input messages shaped like SPEC §3's: frontend {@code TEXT} messages from many clients (the
 * sticky policy's conversation key is their {@code _client_id}) and agents' answers without a
 * receiver (SPEC §7; keyed by the sending agent).
 */
final class BenchMessages {

  private BenchMessages() {}

  /**
   * {@code count} messages: four in five from one of {@code clients} frontend clients, the rest
   * from random agents of a fleet of {@code agents} (never {@code excludedAgent}).
   */
  static List<Map<String, Object>> mix(
      String prefix, int count, int clients, int agents, int excludedAgent, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Map<String, Object>> messages = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      if (random.nextInt(5) < 4) {
        messages.add(frontend(prefix + i, String.format("web_%08x", random.nextInt(clients))));
      } else {
        int agent;
        do {
          agent = random.nextInt(agents);
        } while (agent == excludedAgent);
        messages.add(fromAgent(prefix + i, FleetCentralServer.id(agent)));
      }
    }
    return messages;
  }

  static Map<String, Object> frontend(String messageId, String client) {
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("message_id", messageId);
    message.put("sender_id", client);
    message.put("receiver_id", "server");
    message.put("text_payload", "Hello, can you summarise the last report for me? " + messageId);
    message.put("send_timestamp", "18:00:00");
    message.put("message_type", "TEXT");
    message.put("_connection_type", "frontend");
    message.put("_client_id", client);
    message.put("routing_status", "pending");
    return message;
  }

  static Map<String, Object> fromAgent(String messageId, String agent) {
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("message_id", "msg_" + messageId);
    message.put("message_type", "TEXT");
    message.put("sender_id", agent);
    message.put("text_payload", "Here is the summary you asked for. " + messageId);
    message.put("send_timestamp", "18:00:01");
    message.put("routing_status", "pending");
    return message;
  }
}
