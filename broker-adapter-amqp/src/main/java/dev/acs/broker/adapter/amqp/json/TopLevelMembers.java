package dev.acs.broker.adapter.amqp.json;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.base.ParserBase;
import dev.acs.broker.core.message.DeadLetterReason;
import java.io.IOException;
import java.util.Arrays;

/**
 * Where each top-level member of a JSON object body starts and ends, found in one streaming pass
 * that also hands the members the envelope reads to {@link EnvelopeFields}. Nested values are
 * skipped, not parsed into objects; the offsets let {@link JsonMessageDocument} splice the body.
 *
 * <p>One instance per body; not thread-safe. The arrays are shared with the document, not copied.
 */
final class TopLevelMembers {

  int count;
  String[] names = new String[16];
  int[] nameStart = new int[16];
  int[] valueStart = new int[16];
  int[] valueEnd = new int[16];

  /** The offset of the object's closing brace. */
  int closeBrace;

  private TopLevelMembers() {}

  /**
   * Scans the whole body: one JSON object, nothing after it.
   *
   * @param parser a parser over {@code body} from {@code start} that has not read a token yet
   * @param start the first byte of the JSON text (after a byte order mark)
   * @throws MalformedMessageException when the body is empty, not an object, or a member the
   *     envelope reads has the wrong type
   * @throws IOException when the body is not JSON (Jackson's exceptions)
   */
  static TopLevelMembers scan(JsonParser parser, byte[] body, int start, EnvelopeFields fields)
      throws IOException, MalformedMessageException {
    JsonToken first = parser.nextToken();
    if (first == null) {
      throw new MalformedMessageException(DeadLetterReason.NOT_JSON, "empty body");
    }
    if (first != JsonToken.START_OBJECT) {
      // Read the rest, so "[1" is not-json rather than not-an-object.
      parser.skipChildren();
      requireEnd(parser);
      throw new MalformedMessageException(
          DeadLetterReason.NOT_AN_OBJECT,
          "body is a JSON " + EnvelopeFields.describe(first) + ", not an object");
    }
    TopLevelMembers members = new TopLevelMembers();
    JsonToken token;
    while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken value = parser.nextToken();
      int valueOffset = offset(parser, start);
      members.add(name, nameStartBefore(body, valueOffset), valueOffset, body);
      String problem = fields.read(name, value, parser);
      if (problem != null) {
        parser.skipChildren();
        drain(parser);
        throw new MalformedMessageException(DeadLetterReason.WRONG_FIELD_TYPE, problem);
      }
      parser.skipChildren();
    }
    if (token != JsonToken.END_OBJECT) {
      throw new IllegalStateException("object member expected, found " + token);
    }
    members.closeBrace = offset(parser, start);
    if (members.count > 0) {
      members.valueEnd[members.count - 1] = endBefore(body, members.closeBrace);
    }
    requireEnd(parser);
    return members;
  }

  /** The index of the last member named {@code name} (the one that counts), or -1. */
  int lastIndexOf(String name) {
    for (int i = count - 1; i >= 0; i--) {
      if (names[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** The document over {@code body} that these members describe. */
  JsonMessageDocument document(byte[] body, int start) {
    return new JsonMessageDocument(
        body, start, closeBrace, count, names, nameStart, valueStart, valueEnd);
  }

  /** Records a member; the previous member's value ends before this member's name. */
  private void add(String name, int memberStart, int memberValueStart, byte[] body) {
    if (count > 0) {
      valueEnd[count - 1] = endBefore(body, memberStart);
    }
    if (count == names.length) {
      int capacity = count * 2;
      names = Arrays.copyOf(names, capacity);
      nameStart = Arrays.copyOf(nameStart, capacity);
      valueStart = Arrays.copyOf(valueStart, capacity);
      valueEnd = Arrays.copyOf(valueEnd, capacity);
    }
    names[count] = name;
    nameStart[count] = memberStart;
    valueStart[count] = memberValueStart;
    count++;
  }

  private static void requireEnd(JsonParser parser) throws IOException {
    JsonToken extra = parser.nextToken();
    if (extra != null) {
      throw new JsonParseException(parser, "trailing content after the JSON value: " + extra);
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
    if (parser instanceof ParserBase base) {
      return (int) (base.getTokenCharacterOffset() - 1) + start;
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
}
