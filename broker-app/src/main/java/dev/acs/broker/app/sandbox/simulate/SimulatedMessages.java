package dev.acs.broker.app.sandbox.simulate;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The two messages the simulation writes onto the broker's input queue, shaped as SPEC §3 shows
 * them: a frontend's TEXT question and an agent's REPLY. Field order follows the real senders', so
 * a message in the management UI reads like one from the system.
 */
final class SimulatedMessages {

  /** The prefix of the frontends' sender ids (SPEC §3: {@code web_<8 hex>}). */
  static final String FRONTEND_PREFIX = "web_";

  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

  private SimulatedMessages() {}

  /** A frontend's TEXT message to the server, the {@code number}th the frontends send. */
  static Map<String, Object> question(String messageId, String client, long number) {
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("message_id", messageId);
    message.put("sender_id", client);
    message.put("receiver_id", "server");
    message.put("text_payload", "simulated question " + number);
    message.put("send_timestamp", LocalTime.now().format(CLOCK));
    message.put("message_type", "TEXT");
    message.put("_connection_type", "frontend");
    message.put("_client_id", client);
    message.put("routing_status", "pending");
    return message;
  }

  /** An agent's REPLY to {@code question}, back to the frontend that sent it. */
  static Map<String, Object> reply(
      String messageId, String agentId, String frontend, Map<String, Object> question) {
    Map<String, Object> reply = new LinkedHashMap<>();
    reply.put("message_id", messageId);
    reply.put("message_type", "REPLY");
    reply.put("sender_id", agentId);
    reply.put("receiver_id", frontend);
    reply.put("text_payload", "answer to: " + question.get("text_payload"));
    reply.put("send_timestamp", LocalTime.now().format(CLOCK));
    reply.put("in_reply_to_message_id", question.get("message_id"));
    reply.put("routing_status", "pending");
    return reply;
  }
}
