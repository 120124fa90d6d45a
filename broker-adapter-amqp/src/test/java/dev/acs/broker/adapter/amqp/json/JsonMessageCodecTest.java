package dev.acs.broker.adapter.amqp.json;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.acs.broker.core.agent.AgentState;
import dev.acs.broker.core.agent.AgentStatusUpdate;
import dev.acs.broker.core.message.DeadLetterReason;
import dev.acs.broker.core.message.Destination;
import dev.acs.broker.core.message.FieldEdits;
import dev.acs.broker.core.message.MessageEnvelope;
import dev.acs.broker.core.message.MessageType;
import dev.acs.broker.core.message.OutboundMessage;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

public class JsonMessageCodecTest {

  private static final ObjectMapper EXACT =
      new ObjectMapper()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);

  private final JsonMessageCodec codec = new JsonMessageCodec(1024 * 1024, 64);

  private static final String FRONTEND =
      "{\"message_id\":\"k3x9qa\",\"sender_id\":\"web_1a2b3c4d\",\"receiver_id\":\"server\","
          + "\"text_payload\":\"hello\",\"send_timestamp\":\"10:42:07\",\"message_type\":\"TEXT\","
          + "\"_connection_type\":\"frontend\",\"_client_id\":\"web_1a2b3c4d\","
          + "\"routing_status\":\"pending\"}";

  private static final String RICH =
      "{ \"zeta\": 1.0, \"message_type\": \"TEXT\", \"big\": 12345678901234567890,"
          + " \"text_payload\": \"مرحبا 👋 \\u00e9\\n\\\"q\\\" \\u0000 שלום\","
          + " \"nested\": {\"a\": [1, 2.50, {\"b\": null}], \"c\": \"\\ud83d\\ude00\"},"
          + " \"exp\": 1E+3, \"neg\": -0.0, \"receiver_id\": \"server\", \"_broadcast\": true,"
          + " \"routing_status\": \"pending\" }";

  @Test
  void decode_frontendMessage_readsTheEnvelope() {
    MessageEnvelope envelope = accepted(FRONTEND).envelope();

    assertThat(envelope.messageId()).isEqualTo("k3x9qa");
    assertThat(envelope.type()).isEqualTo(MessageType.TEXT);
    assertThat(envelope.senderId()).isEqualTo("web_1a2b3c4d");
    assertThat(envelope.receiverId()).isEqualTo("server");
    assertThat(envelope.routingStatus()).isEqualTo("pending");
    assertThat(envelope.clientId()).isEqualTo("web_1a2b3c4d");
    assertThat(envelope.connectionType()).isEqualTo("frontend");
    assertThat(envelope.statusUpdate()).isNull();
  }

  @Test
  void decode_nullFieldsAndUnknownType_areAbsentAndUnrecognized() {
    MessageEnvelope envelope =
        accepted("{\"message_type\":\"WHATEVER\",\"sender_id\":null,\"message_id\":null}")
            .envelope();

    assertThat(envelope.type()).isEqualTo(MessageType.UNRECOGNIZED);
    assertThat(envelope.rawType()).isEqualTo("WHATEVER");
    assertThat(envelope.senderId()).isNull();
    assertThat(envelope.messageId()).isNull();
  }

  @Test
  @DisplayName("member names with escaped quotes and backslashes, and odd whitespace, are spliced")
  void render_escapedNamesAndWhitespace_areFoundExactly() {
    String body =
        "{\n\t\"a\\\"b\" :\t1 ,\r\n \"c\\\\\":\"x\",\"\":[1,{\"d\":2}] , \"\\\\\\\"\"\n:"
            + " \"y\", \"message_type\" : \"TEXT\" ,\"routing_status\":\"pending\"\n}";
    JsonMessageDocument document = (JsonMessageDocument) accepted(body).document();

    assertThat(document.memberCount()).isEqualTo(6);
    assertThat(
            new String(
                document.render(
                    FieldEdits.builder()
                        .remove("c\\")
                        .set("routing_status", "routed")
                        .set("receiver_id", "agent_1")
                        .build()),
                UTF_8))
        .isEqualTo(
            "{\n\t\"a\\\"b\" :\t1 ,\r\n \"\":[1,{\"d\":2}] ,\r\n \"\\\\\\\"\"\n:"
                + " \"y\" ,\r\n \"message_type\" : \"TEXT\" ,\r\n \"routing_status\":\"routed\" ,\r\n"
                + " \"receiver_id\" :\t\"agent_1\"\n}");
  }

  @Test
  void render_withoutEdits_returnsTheBodyByteForByte() {
    byte[] body = RICH.getBytes(UTF_8);
    assertThat(accepted(body).document().render(FieldEdits.none())).isEqualTo(body);
  }

  @Test
  void render_setExistingField_changesOnlyThatValueInPlace() {
    FieldEdits edits = FieldEdits.builder().set("routing_status", "routed").build();

    String rendered = render(RICH, edits);

    assertThat(rendered).isEqualTo(RICH.replace("\"pending\"", "\"routed\""));
  }

  @Test
  @DisplayName("untouched fields keep numbers, Unicode, escapes, nesting and order exactly")
  void render_reassignment_keepsEveryUntouchedFieldVerbatim() throws Exception {
    FieldEdits edits =
        FieldEdits.builder()
            .remove("_broadcast", "_target_agent_id", "_client_id")
            .set("receiver_id", "agent-7")
            .set("routing_status", "routed")
            .build();

    String rendered = render(RICH, edits);

    assertThat(rendered)
        .contains("\"zeta\": 1.0")
        .contains("\"big\": 12345678901234567890")
        .contains("\"exp\": 1E+3")
        .contains("\"neg\": -0.0")
        .contains("مرحبا 👋 \\u00e9\\n\\\"q\\\" \\u0000 שלום")
        .contains("\"c\": \"\\ud83d\\ude00\"")
        .doesNotContain("_broadcast");
    assertThat(fieldNames(rendered))
        .containsExactly(
            "zeta",
            "message_type",
            "big",
            "text_payload",
            "nested",
            "exp",
            "neg",
            "receiver_id",
            "routing_status");
    assertThat(EXACT.readTree(rendered).get("big").bigIntegerValue())
        .hasToString("12345678901234567890");
  }

  static Stream<Arguments> edits() {
    return Stream.of(
        Arguments.of("none", FieldEdits.none()),
        Arguments.of("set existing", FieldEdits.builder().set("receiver_id", "a1").build()),
        Arguments.of("set new", FieldEdits.builder().set("error_details", "why \"so\"").build()),
        Arguments.of("remove", FieldEdits.builder().remove("nested", "zeta").build()),
        Arguments.of("remove missing", FieldEdits.builder().remove("nope").build()),
        Arguments.of(
            "remove then set appends",
            FieldEdits.builder().remove("receiver_id").set("receiver_id", "x").build()),
        Arguments.of(
            "setIfAbsent present",
            FieldEdits.builder().setIfAbsent("routing_status", "error").build()),
        Arguments.of(
            "setIfAbsent missing", FieldEdits.builder().setIfAbsent("error_x", "error").build()),
        Arguments.of(
            "set and setIfAbsent same field",
            FieldEdits.builder().set("f", "1").setIfAbsent("f", "2").build()),
        Arguments.of(
            "retainOnly",
            FieldEdits.builder()
                .retainOnly("message_id", "text_payload")
                .set("message_type", "ERROR")
                .set("sender_id", "broker_1")
                .set("receiver_id", "web_1")
                .set("routing_status", "error")
                .set("error_details", "No other online agents available to handle the message.")
                .build()),
        Arguments.of(
            "retainOnly nothing present",
            FieldEdits.builder().retainOnly("absent").setIfAbsent("x", "y").build()),
        Arguments.of("retainOnly to empty", FieldEdits.builder().retainOnly("absent").build()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("edits")
  @DisplayName("rendering follows FieldEdits.applyTo, the reference semantics")
  void render_followsTheReferenceSemantics(String name, FieldEdits edits) throws Exception {
    for (String body :
        List.of(
            RICH,
            FRONTEND,
            "{\"message_type\":\"TEXT\"}",
            "{\"message_type\":\"TEXT\",\"message_id\":\"m\",\"text_payload\":\"t\"}")) {
      String rendered = render(body, edits);

      Map<String, JsonNode> expected =
          edits.applyTo(members(body), text -> EXACT.getNodeFactory().textNode(text));
      assertThat(members(rendered)).as(rendered).containsExactlyEntriesOf(expected);
    }
  }

  @Test
  void render_emptyObject_appendsFields() {
    JsonMessageDocument document = documentOf("{ }");

    String rendered =
        new String(document.render(FieldEdits.builder().set("a", "b").build()), UTF_8);

    assertThat(rendered).isEqualTo("{ \"a\":\"b\"}");
  }

  @Test
  void render_pythonStyleSeparators_areReusedForAppendedFields() {
    String body = "{\"message_type\": \"ERROR\", \"message_id\": \"m1\"}";

    String rendered =
        render(body, FieldEdits.builder().setIfAbsent("routing_status", "error").build());

    assertThat(rendered)
        .isEqualTo(
            "{\"message_type\": \"ERROR\", \"message_id\": \"m1\", \"routing_status\": \"error\"}");
  }

  @Test
  void render_duplicateNames_setRewritesFirstAndDropsOthers() throws Exception {
    String body = "{\"message_type\":\"TEXT\",\"r\":\"1\",\"x\":0,\"r\":\"2\"}";

    String rendered = render(body, FieldEdits.builder().set("r", "new").build());

    assertThat(rendered).isEqualTo("{\"message_type\":\"TEXT\",\"r\":\"new\",\"x\":0}");
  }

  @Test
  void render_stringsNeedingEscapes_areValidJson() throws Exception {
    String value = "tab\tquote\"back\\slash\u0001 ünï 😀 \u2028";

    String rendered = render(FRONTEND, FieldEdits.builder().set("error_details", value).build());

    assertThat(EXACT.readTree(rendered).get("error_details").textValue()).isEqualTo(value);
  }

  @Test
  void decode_bom_isStrippedForParsingAndRendering() {
    byte[] body =
        concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, FRONTEND.getBytes(UTF_8));

    DecodedMessage accepted = accepted(body);

    assertThat(accepted.document().original()).isEqualTo(body);
    assertThat(accepted.document().render(FieldEdits.none())).isEqualTo(FRONTEND.getBytes(UTF_8));
    assertThat(
            new String(
                accepted
                    .document()
                    .render(FieldEdits.builder().set("routing_status", "routed").build()),
                UTF_8))
        .isEqualTo(FRONTEND.replace("pending", "routed"));
  }

  static Stream<Arguments> badInput() {
    StringBuilder deep = new StringBuilder("{\"message_type\":\"TEXT\",\"d\":");
    deep.append("[".repeat(10_000)).append("]".repeat(10_000)).append('}');
    return Stream.of(
        Arguments.of("plain text", bytes("hello"), DeadLetterReason.NOT_JSON),
        Arguments.of(
            "truncated", bytes("{\"message_type\":\"TEXT\",\"a\":"), DeadLetterReason.NOT_JSON),
        Arguments.of(
            "truncated string", bytes("{\"message_type\":\"TE"), DeadLetterReason.NOT_JSON),
        Arguments.of("empty body", new byte[0], DeadLetterReason.NOT_JSON),
        Arguments.of("whitespace only", bytes("  \n"), DeadLetterReason.NOT_JSON),
        Arguments.of(
            "trailing garbage", bytes("{\"message_type\":\"TEXT\"} x"), DeadLetterReason.NOT_JSON),
        Arguments.of(
            "two objects", bytes("{\"message_type\":\"TEXT\"}{}"), DeadLetterReason.NOT_JSON),
        Arguments.of("single quotes", bytes("{'message_type':'TEXT'}"), DeadLetterReason.NOT_JSON),
        Arguments.of(
            "broken tail after wrong type",
            bytes("{\"message_type\":1,"),
            DeadLetterReason.NOT_JSON),
        Arguments.of("null", bytes("null"), DeadLetterReason.NOT_AN_OBJECT),
        Arguments.of(
            "array", bytes("[{\"message_type\":\"TEXT\"}]"), DeadLetterReason.NOT_AN_OBJECT),
        Arguments.of("number", bytes("42"), DeadLetterReason.NOT_AN_OBJECT),
        Arguments.of("string", bytes("\"TEXT\""), DeadLetterReason.NOT_AN_OBJECT),
        Arguments.of(
            "missing type", bytes("{\"message_id\":\"m\"}"), DeadLetterReason.MISSING_MESSAGE_TYPE),
        Arguments.of(
            "null type", bytes("{\"message_type\":null}"), DeadLetterReason.MISSING_MESSAGE_TYPE),
        Arguments.of("empty object", bytes("{}"), DeadLetterReason.MISSING_MESSAGE_TYPE),
        Arguments.of(
            "numeric type", bytes("{\"message_type\":1}"), DeadLetterReason.WRONG_FIELD_TYPE),
        Arguments.of(
            "object type",
            bytes("{\"message_type\":{\"a\":1}}"),
            DeadLetterReason.WRONG_FIELD_TYPE),
        Arguments.of(
            "array type",
            bytes("{\"message_type\":[\"TEXT\"]}"),
            DeadLetterReason.WRONG_FIELD_TYPE),
        Arguments.of(
            "boolean type", bytes("{\"message_type\":true}"), DeadLetterReason.WRONG_FIELD_TYPE),
        Arguments.of(
            "numeric sender",
            bytes("{\"message_type\":\"TEXT\",\"sender_id\":7}"),
            DeadLetterReason.WRONG_FIELD_TYPE),
        Arguments.of(
            "object receiver",
            bytes("{\"message_type\":\"TEXT\",\"receiver_id\":{}}"),
            DeadLetterReason.WRONG_FIELD_TYPE),
        Arguments.of(
            "boolean status",
            bytes("{\"message_type\":\"TEXT\",\"routing_status\":false}"),
            DeadLetterReason.WRONG_FIELD_TYPE),
        Arguments.of(
            "numeric id",
            bytes("{\"message_type\":\"TEXT\",\"message_id\":12}"),
            DeadLetterReason.WRONG_FIELD_TYPE),
        Arguments.of(
            "array client",
            bytes("{\"message_type\":\"TEXT\",\"_client_id\":[]}"),
            DeadLetterReason.WRONG_FIELD_TYPE),
        Arguments.of("10,000-deep nesting", bytes(deep.toString()), DeadLetterReason.TOO_DEEP),
        Arguments.of(
            "invalid UTF-8 in unread field",
            concat(
                bytes("{\"message_type\":\"TEXT\",\"x\":\""),
                new byte[] {(byte) 0xC3, 0x28},
                bytes("\"}")),
            DeadLetterReason.NOT_UTF8),
        Arguments.of(
            "overlong UTF-8",
            concat(
                bytes("{\"message_type\":\"TEXT\",\"x\":\""),
                new byte[] {(byte) 0xC0, (byte) 0xAF},
                bytes("\"}")),
            DeadLetterReason.NOT_UTF8),
        Arguments.of(
            "UTF-8 surrogate",
            concat(
                bytes("{\"message_type\":\"TEXT\",\"x\":\""),
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                bytes("\"}")),
            DeadLetterReason.NOT_UTF8),
        Arguments.of(
            "Latin-1 text",
            concat(
                bytes("{\"message_type\":\"TEXT\",\"x\":\"caf"),
                new byte[] {(byte) 0xE9},
                bytes("\"}")),
            DeadLetterReason.NOT_UTF8),
        Arguments.of(
            "raw NUL in unread string",
            concat(bytes("{\"message_type\":\"TEXT\",\"x\":\"a"), new byte[] {0}, bytes("b\"}")),
            DeadLetterReason.NOT_JSON),
        Arguments.of(
            "raw NUL between tokens",
            concat(bytes("{\"message_type\":\"TEXT\","), new byte[] {0}, bytes("\"x\":1}")),
            DeadLetterReason.NOT_JSON),
        Arguments.of(
            "BOM then array",
            concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, bytes("[]")),
            DeadLetterReason.NOT_AN_OBJECT));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInput")
  void decode_badInput_isRejectedWithItsReason(String name, byte[] body, DeadLetterReason reason) {
    MalformedMessageException rejected = rejected(codec, body);

    assertThat(rejected.reason()).as(rejected.detail()).isEqualTo(reason);
    assertThat(rejected.detail()).isNotBlank();
  }

  @Test
  void decode_overSizeLimit_isTooLarge() {
    JsonMessageCodec small = new JsonMessageCodec(100, 64);
    byte[] body = bytes("{\"message_type\":\"TEXT\",\"text_payload\":\"" + "x".repeat(100) + "\"}");

    MalformedMessageException rejected = rejected(small, body);

    assertThat(rejected.reason()).isEqualTo(DeadLetterReason.TOO_LARGE);
    assertThat(rejected.detail()).isEqualTo("body of 141 bytes exceeds the limit of 100");
  }

  @Test
  void decode_escapedNulAndDepthAtLimit_areAccepted() {
    JsonMessageCodec shallow = new JsonMessageCodec(1024, 3);

    assertThat(
            accepted(shallow, bytes("{\"message_type\":\"TEXT\",\"x\":\"a\\u0000b\",\"d\":[[1]]}"))
                .envelope()
                .rawType())
        .isEqualTo("TEXT");
    assertThat(rejected(shallow, bytes("{\"message_type\":\"TEXT\",\"d\":[[[1]]]}")).reason())
        .isEqualTo(DeadLetterReason.TOO_DEEP);
  }

  @Test
  void decode_statusUpdate_readsAgents() {
    String body =
        "{\"message_type\":\"AGENT_STATUS_UPDATE\",\"agents\":[{\"agent_id\":\"a1\","
            + "\"agent_name\":\"Alice\",\"last_seen\":\"2026-01-01T00:00:00+00:00\","
            + "\"metrics\":{\"internal_state\":\"idle\",\"grpc_status\":\"ok\"}},"
            + "{\"agent_id\":\"a2\",\"agent_name\":\"Bob\",\"last_seen\":\"x\","
            + "\"metrics\":{\"internal_state\":\"busy\"}}],\"is_full_update\":true}";

    AgentStatusUpdate update = accepted(body).envelope().statusUpdate();

    assertThat(update).isNotNull();
    assertThat(update.fullSnapshot()).isTrue();
    assertThat(update.agents()).hasSize(2);
    assertThat(update.agents().get(0).id().value()).isEqualTo("a1");
    assertThat(update.agents().get(0).name()).isEqualTo("Alice");
    assertThat(update.agents().get(0).state()).isEqualTo(AgentState.IDLE);
    assertThat(update.agents().get(0).metrics()).containsEntry("grpc_status", "ok");
    assertThat(update.agents().get(1).state()).isEqualTo(AgentState.BUSY);
  }

  @Test
  void decode_statusUpdateWithoutFullFlag_isADelta() {
    AgentStatusUpdate update =
        accepted("{\"agents\":[],\"message_type\":\"AGENT_STATUS_UPDATE\"}")
            .envelope()
            .statusUpdate();

    assertThat(update).isNotNull();
    assertThat(update.fullSnapshot()).isFalse();
    assertThat(update.agents()).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("unreadableStatus")
  void decode_unreadableStatusUpdate_leavesItNull(String agentsAndFlag) {
    MessageEnvelope envelope =
        accepted("{\"message_type\":\"AGENT_STATUS_UPDATE\"" + agentsAndFlag + "}").envelope();

    assertThat(envelope.type()).isEqualTo(MessageType.AGENT_STATUS_UPDATE);
    assertThat(envelope.statusUpdate()).isNull();
  }

  static Stream<String> unreadableStatus() {
    return Stream.of(
        "",
        ",\"agents\":null",
        ",\"agents\":{}",
        ",\"agents\":[1]",
        ",\"agents\":[{\"agent_name\":\"no id\"}]",
        ",\"agents\":[{\"agent_id\":\"  \"}]",
        ",\"agents\":[{\"agent_id\":5}]",
        ",\"agents\":[{\"agent_id\":\"a\",\"metrics\":[]}]",
        ",\"agents\":[{\"agent_id\":\"a\",\"metrics\":{\"k\":{}}}]",
        ",\"agents\":[],\"is_full_update\":\"yes\"");
  }

  @Test
  void encode_isTheBodyTheCoreRendered_whichDecodesToTheEditedEnvelope() {
    DecodedMessage decoded = accepted(FRONTEND);
    byte[] rendered =
        decoded.document().render(FieldEdits.builder().set("routing_status", "routed").build());
    OutboundMessage outbound =
        new OutboundMessage(
            Destination.SERVER, rendered, Map.of("x-routing-reason", "test"), "k3x9qa");

    byte[] wire = codec.encode(outbound);

    assertThat(wire).isSameAs(rendered);
    MessageEnvelope again = accepted(wire).envelope();
    assertThat(again.routingStatus()).isEqualTo("routed");
    assertThat(again.messageId()).isEqualTo("k3x9qa");
    assertThat(new String(wire, UTF_8)).doesNotContain("x-routing-reason");
  }

  @Test
  void malformedMessage_carriesNoStackTrace_soFloodsOfBadInputStayCheap() {
    MalformedMessageException rejected = rejected(codec, bytes("nope"));

    assertThat(rejected.getStackTrace()).isEmpty();
    assertThat(rejected.getMessage()).startsWith("not-json: ");
  }

  @Test
  void limitsThatMakeNoSense_areRefused() {
    assertThatThrownBy(() -> new JsonMessageCodec(1, 64))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxBytes");
    assertThatThrownBy(() -> new JsonMessageCodec(1024, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxDepth");
  }

  // --- helpers

  private DecodedMessage accepted(String body) {
    return accepted(bytes(body));
  }

  private DecodedMessage accepted(byte[] body) {
    return accepted(codec, body);
  }

  private static DecodedMessage accepted(JsonMessageCodec codec, byte[] body) {
    try {
      return codec.decode(body);
    } catch (MalformedMessageException e) {
      throw new AssertionError("expected the body to be accepted, was " + e.getMessage(), e);
    }
  }

  private static MalformedMessageException rejected(JsonMessageCodec codec, byte[] body) {
    MalformedMessageException rejected =
        catchThrowableOfType(MalformedMessageException.class, () -> codec.decode(body));
    assertThat(rejected).as("rejection of the body").isNotNull();
    return rejected;
  }

  private static JsonMessageDocument documentOf(String body) {
    byte[] bytes = bytes(body);
    int close = body.lastIndexOf('}');
    return new JsonMessageDocument(
        bytes, 0, close, 0, new String[0], new int[0], new int[0], new int[0]);
  }

  private String render(String body, FieldEdits edits) {
    return new String(accepted(body).document().render(edits), UTF_8);
  }

  private static Map<String, JsonNode> members(String json) throws Exception {
    Map<String, JsonNode> members = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : ((ObjectNode) EXACT.readTree(json)).properties()) {
      members.put(e.getKey(), e.getValue());
    }
    return members;
  }

  private static List<String> fieldNames(String json) throws Exception {
    List<String> names = new ArrayList<>();
    EXACT.readTree(json).fieldNames().forEachRemaining(names::add);
    return names;
  }

  public static byte[] bytes(String text) {
    return text.getBytes(UTF_8);
  }

  public static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.write(part, 0, part.length);
    }
    return out.toByteArray();
  }
}
