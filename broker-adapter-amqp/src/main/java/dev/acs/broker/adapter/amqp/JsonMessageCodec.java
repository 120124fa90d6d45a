package dev.acs.broker.adapter.amqp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.base.ParserBase;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.acs.broker.core.agent.Agent;
import dev.acs.broker.core.agent.AgentStatusUpdate;
import dev.acs.broker.core.message.DeadLetterReason;
import dev.acs.broker.core.message.MessageEnvelope;
import dev.acs.broker.core.message.MessageType;
import dev.acs.broker.core.message.WireFields;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads a message body: validates it (size, strict UTF-8, one JSON object, nesting depth, the types
 * of the fields the broker reads) in one streaming pass over the top level, and yields either the
 * envelope plus a splicing {@link JsonMessageDocument}, or the dead-letter reason.
 *
 * <p>A UTF-8 byte order mark at the start is tolerated (RFC 8259 §8.1 allows a parser to ignore it)
 * and not rendered onward; {@link JsonMessageDocument#original()} still has it. JSON {@code null}
 * in a field the broker reads counts as absent. Thread-safe.
 */
final class JsonMessageCodec {

  private static final int BOM_LENGTH = 3;

  private final int maxBytes;
  private final JsonFactory factory;
  private final ObjectMapper mapper;

  JsonMessageCodec(int maxBytes, int maxDepth) {
    this.maxBytes = maxBytes;
    this.factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(maxDepth).build())
            .build();
    this.mapper = new ObjectMapper(factory);
  }

  /** The outcome of reading one body. */
  sealed interface Decoded permits Accepted, Rejected {}

  /** A readable message. */
  record Accepted(MessageEnvelope envelope, JsonMessageDocument document) implements Decoded {}

  /** A body to set aside, with why. */
  record Rejected(DeadLetterReason reason, String detail) implements Decoded {}

  Decoded decode(byte[] body) {
    if (body.length > maxBytes) {
      return new Rejected(
          DeadLetterReason.TOO_LARGE,
          "body of " + body.length + " bytes exceeds the limit of " + maxBytes);
    }
    int start = hasBom(body) ? BOM_LENGTH : 0;
    int invalid = Utf8.firstInvalid(body, start, body.length);
    if (invalid >= 0) {
      return new Rejected(
          DeadLetterReason.NOT_UTF8, "invalid UTF-8 sequence at byte offset " + invalid);
    }
    try (JsonParser parser = factory.createParser(body, start, body.length - start)) {
      return parse(parser, body, start);
    } catch (StreamConstraintsException tooDeep) {
      DeadLetterReason reason =
          String.valueOf(tooDeep.getMessage()).contains("nesting depth")
              ? DeadLetterReason.TOO_DEEP
              : DeadLetterReason.NOT_JSON;
      return new Rejected(reason, firstLine(tooDeep));
    } catch (JsonProcessingException notJson) {
      return new Rejected(DeadLetterReason.NOT_JSON, firstLine(notJson));
    } catch (IOException impossible) {
      return new Rejected(DeadLetterReason.NOT_JSON, String.valueOf(impossible));
    }
  }

  private Decoded parse(JsonParser parser, byte[] body, int start) throws IOException {
    JsonToken first = parser.nextToken();
    if (first == null) {
      return new Rejected(DeadLetterReason.NOT_JSON, "empty body");
    }
    if (first != JsonToken.START_OBJECT) {
      // Read the rest, so "[1" is not-json rather than not-an-object.
      parser.skipChildren();
      requireEnd(parser);
      return new Rejected(
          DeadLetterReason.NOT_AN_OBJECT, "body is a JSON " + describe(first) + ", not an object");
    }
    int capacity = 16;
    String[] names = new String[capacity];
    int[] nameStart = new int[capacity];
    int[] valueStart = new int[capacity];
    int[] valueEnd = new int[capacity];
    int count = 0;
    Fields fields = new Fields();
    int agentsIndex = -1;
    int fullUpdateIndex = -1;
    JsonToken token;
    while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken value = parser.nextToken();
      int valueOffset = offset(parser, start);
      int tokenStart = nameStartBefore(body, valueOffset);
      if (count > 0) {
        valueEnd[count - 1] = endBefore(body, tokenStart);
      }
      if (count == capacity) {
        capacity *= 2;
        names = Arrays.copyOf(names, capacity);
        nameStart = Arrays.copyOf(nameStart, capacity);
        valueStart = Arrays.copyOf(valueStart, capacity);
        valueEnd = Arrays.copyOf(valueEnd, capacity);
      }
      names[count] = name;
      nameStart[count] = tokenStart;
      valueStart[count] = valueOffset;
      String problem = fields.read(name, value, parser);
      if (problem != null) {
        parser.skipChildren();
        drain(parser);
        return new Rejected(DeadLetterReason.WRONG_FIELD_TYPE, problem);
      }
      if (WireFields.AGENTS.equals(name)) {
        agentsIndex = count;
      } else if (WireFields.IS_FULL_UPDATE.equals(name)) {
        fullUpdateIndex = count;
      }
      parser.skipChildren();
      count++;
    }
    if (token != JsonToken.END_OBJECT) {
      throw new IllegalStateException("object member expected, found " + token);
    }
    int closeBrace = offset(parser, start);
    if (count > 0) {
      valueEnd[count - 1] = endBefore(body, closeBrace);
    }
    requireEnd(parser);
    if (fields.messageType == null) {
      return new Rejected(DeadLetterReason.MISSING_MESSAGE_TYPE, "message_type is missing");
    }
    MessageEnvelope.Builder envelope =
        MessageEnvelope.builder(fields.messageType)
            .messageId(fields.messageId)
            .senderId(fields.senderId)
            .receiverId(fields.receiverId)
            .routingStatus(fields.routingStatus)
            .clientId(fields.clientId)
            .connectionType(fields.connectionType)
            .originalMessageId(fields.originalMessageId);
    if (MessageType.parse(fields.messageType) == MessageType.AGENT_STATUS_UPDATE) {
      envelope.statusUpdate(statusUpdate(body, agentsIndex, fullUpdateIndex, valueStart, valueEnd));
    }
    return new Accepted(
        envelope.build(),
        new JsonMessageDocument(
            body, start, closeBrace, count, names, nameStart, valueStart, valueEnd));
  }

  /**
   * The agents of an {@code AGENT_STATUS_UPDATE}, or {@code null} when they cannot be read (the
   * core then dead-letters the message). A missing {@code is_full_update} means a delta, which
   * removes nobody.
   */
  private @Nullable AgentStatusUpdate statusUpdate(
      byte[] body, int agentsIndex, int fullUpdateIndex, int[] valueStart, int[] valueEnd) {
    if (agentsIndex < 0) {
      return null;
    }
    try {
      JsonNode agents =
          mapper.readTree(
              body, valueStart[agentsIndex], valueEnd[agentsIndex] - valueStart[agentsIndex]);
      boolean full = false;
      if (fullUpdateIndex >= 0) {
        JsonNode flag =
            mapper.readTree(
                body,
                valueStart[fullUpdateIndex],
                valueEnd[fullUpdateIndex] - valueStart[fullUpdateIndex]);
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

  /** The fields the envelope reads; later duplicates win, as in Python's json module. */
  private static final class Fields {
    @Nullable String messageId;
    @Nullable String messageType;
    @Nullable String senderId;
    @Nullable String receiverId;
    @Nullable String routingStatus;
    @Nullable String clientId;
    @Nullable String connectionType;
    @Nullable String originalMessageId;

    /** Stores the value when the member is one the envelope reads; returns a problem or null. */
    @Nullable String read(String name, JsonToken value, JsonParser parser) throws IOException {
      switch (name) {
        case WireFields.MESSAGE_ID:
          messageId = text(name, value, parser);
          break;
        case WireFields.MESSAGE_TYPE:
          messageType = text(name, value, parser);
          break;
        case WireFields.SENDER_ID:
          senderId = text(name, value, parser);
          break;
        case WireFields.RECEIVER_ID:
          receiverId = text(name, value, parser);
          break;
        case WireFields.ROUTING_STATUS:
          routingStatus = text(name, value, parser);
          break;
        case WireFields.CLIENT_ID:
          clientId = text(name, value, parser);
          break;
        case WireFields.CONNECTION_TYPE:
          connectionType = text(name, value, parser);
          break;
        case WireFields.ORIGINAL_MESSAGE_ID:
          // Only followed for hop counting, never required: another JSON type is carried through
          // as it was before the broker read this field, not dead-lettered.
          originalMessageId = value == JsonToken.VALUE_STRING ? parser.getText() : null;
          break;
        default:
          return null;
      }
      return wrongType;
    }

    private @Nullable String wrongType;

    private @Nullable String text(String name, JsonToken value, JsonParser parser)
        throws IOException {
      if (value == JsonToken.VALUE_STRING) {
        return parser.getText();
      }
      if (value != JsonToken.VALUE_NULL) {
        wrongType = name + " must be a string, was a JSON " + describe(value);
      }
      return null;
    }
  }

  private static void requireEnd(JsonParser parser) throws IOException {
    JsonToken extra = parser.nextToken();
    if (extra != null) {
      throw new com.fasterxml.jackson.core.JsonParseException(
          parser, "trailing content after the JSON value: " + extra);
    }
  }

  /** Reads to the end so that a broken tail still counts as not-json. */
  private static void drain(JsonParser parser) throws IOException {
    while (parser.nextToken() != null) {
      parser.skipChildren();
    }
  }

  /**
   * The byte offset in the body of the current token, which must not be a field name. Jackson's
   * byte-array parser ({@link ParserBase}) keeps it as {@code getTokenCharacterOffset}, one past
   * the token's first byte, which unlike {@code currentTokenLocation} allocates nothing.
   */
  private static int offset(JsonParser parser, int start) {
    if (parser instanceof ParserBase) {
      return (int) (((ParserBase) parser).getTokenCharacterOffset() - 1) + start;
    }
    return (int) parser.currentTokenLocation().getByteOffset() + start;
  }

  /**
   * The offset of the opening quote of the member name before the value at {@code valueStart}: back
   * over whitespace, the colon, whitespace, the closing quote, then to the first quote not escaped
   * by an odd run of backslashes (the parser has already checked the name is a valid JSON string;
   * UTF-8 continuation bytes never equal an ASCII quote or backslash).
   */
  private static int nameStartBefore(byte[] body, int valueStart) {
    int i = valueStart - 1;
    while (JsonMessageDocument.isWhitespace(body[i])) {
      i--;
    }
    i--; // the colon
    while (JsonMessageDocument.isWhitespace(body[i])) {
      i--;
    }
    i--; // the closing quote
    while (true) {
      if (body[i] == '"') {
        int backslashes = 0;
        while (body[i - 1 - backslashes] == '\\') {
          backslashes++;
        }
        if ((backslashes & 1) == 0) {
          return i;
        }
      }
      i--;
    }
  }

  /** The end of the value before {@code next}: back over whitespace, one comma, whitespace. */
  private static int endBefore(byte[] body, int next) {
    int i = next;
    while (JsonMessageDocument.isWhitespace(body[i - 1])) {
      i--;
    }
    if (body[i - 1] == ',') {
      i--;
      while (JsonMessageDocument.isWhitespace(body[i - 1])) {
        i--;
      }
    }
    return i;
  }

  private static boolean hasBom(byte[] body) {
    return body.length >= BOM_LENGTH
        && body[0] == (byte) 0xEF
        && body[1] == (byte) 0xBB
        && body[2] == (byte) 0xBF;
  }

  private static String describe(JsonToken token) {
    switch (token) {
      case START_ARRAY:
        return "array";
      case START_OBJECT:
        return "object";
      case VALUE_STRING:
        return "string";
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return "number";
      case VALUE_TRUE:
      case VALUE_FALSE:
        return "boolean";
      case VALUE_NULL:
        return "null";
      default:
        return token.name();
    }
  }

  private static String firstLine(Exception e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
