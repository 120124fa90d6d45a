package dev.acs.broker.app.e2e;

import java.util.LinkedHashMap;
import java.util.Map;

/** Input messages as a frontend sends them, for the end-to-end tests. */
final class FrontendMessages {

  private FrontendMessages() {}

  /**
   * A frontend TEXT message to the server, shaped like SPEC §3's example; a mutable map, so a test
   * can change or add fields.
   */
  static Map<String, Object> text(String messageId, String payload) {
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("message_id", messageId);
    message.put("sender_id", "web_1a2b3c4d");
    message.put("receiver_id", "server");
    message.put("text_payload", payload);
    message.put("send_timestamp", "10:42:07");
    message.put("message_type", "TEXT");
    message.put("_connection_type", "frontend");
    message.put("_client_id", "web_1a2b3c4d");
    message.put("routing_status", "pending");
    return message;
  }
}
