package dev.acs.broker.adapter.amqp;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Realistic message bodies and the comparisons the integration tests make. */
final class TestMessages {

  static final ObjectMapper EXACT =
      new ObjectMapper()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);

  /** Fields routing changes on a reassignment (SPEC §4.1). */
  static final Set<String> CHANGED =
      Set.of("receiver_id", "routing_status", "_client_id", "_broadcast", "_target_agent_id");

  private TestMessages() {}

  /** A frontend TEXT message of roughly 500 bytes, with extra fields that must survive. */
  static byte[] frontend(int seq) {
    String id = Integer.toString(seq, 36);
    return ("{\"message_id\": \""
            + id
            + "\", \"sender_id\": \"web_1a2b3c4d\", \"receiver_id\": \"server\","
            + " \"text_payload\": \"Hello agent, message "
            + seq
            + ": مرحبا שלום 👋 — please summarise the"
            + " quarterly figures and reply in plain text.\", \"send_timestamp\": \"10:42:07\","
            + " \"message_type\": \"TEXT\", \"_connection_type\": \"frontend\", \"_client_id\": \"web_1a2b3c4d\","
            + " \"routing_status\": \"pending\", \"seq\": "
            + seq
            + ", \"score\": 1.0, \"big\": 12345678901234567890,"
            + " \"meta\": {\"tags\": [\"a\", \"b\"], \"ratio\": 2.50, \"nested\": {\"deep\": null}},"
            + " \"_broadcast\": false}")
        .getBytes(UTF_8);
  }

  static int seqOf(byte[] body) throws IOException {
    return EXACT.readTree(body).get("seq").intValue();
  }

  /** The body as a tree without the fields routing may change. */
  static JsonNode withoutChanged(byte[] body) throws IOException {
    ObjectNode tree = (ObjectNode) EXACT.readTree(body);
    tree.remove(CHANGED);
    return tree;
  }

  /** Field names in order, without the changed ones. */
  static List<String> orderWithoutChanged(byte[] body) throws IOException {
    List<String> names = new ArrayList<>();
    EXACT
        .readTree(body)
        .fieldNames()
        .forEachRemaining(
            n -> {
              if (!CHANGED.contains(n)) {
                names.add(n);
              }
            });
    return names;
  }

  static String text(byte[] body) {
    return new String(body, UTF_8);
  }
}
