package dev.acs.broker.adapter.amqp;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.acs.broker.core.message.FieldEdits;
import dev.acs.broker.core.message.MessageDocument;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Map;

/**
 * A JSON object body kept as the bytes that arrived, plus where each top-level member starts and
 * ends. Rendering splices: members the edits do not name are copied byte for byte (numbers such as
 * {@code 1.0}, escapes, Unicode, nested objects, whitespace inside them), so nothing the broker
 * does not touch can change.
 *
 * <p>Edits follow {@link FieldEdits#applyTo}. Duplicate member names (legal but unusual JSON) are
 * kept as they are unless an edit names them: {@code remove}/{@code retainOnly} drop every
 * occurrence, and {@code set} rewrites the first occurrence and drops the others, as a map would.
 */
final class JsonMessageDocument implements MessageDocument {

  private static final byte[] DEFAULT_MEMBER_SEPARATOR = {','};
  private static final byte[] DEFAULT_NAME_SEPARATOR = {':'};

  private final byte[] original;
  private final int start; // first byte of the JSON text, after a stripped BOM
  private final int closeBrace; // offset of the object's closing brace
  private final int count;
  private final String[] names;
  private final int[] nameStart;
  private final int[] valueStart;
  private final int[] valueEnd;

  JsonMessageDocument(
      byte[] original,
      int start,
      int closeBrace,
      int count,
      String[] names,
      int[] nameStart,
      int[] valueStart,
      int[] valueEnd) {
    this.original = original;
    this.start = start;
    this.closeBrace = closeBrace;
    this.count = count;
    this.names = names;
    this.nameStart = nameStart;
    this.valueStart = valueStart;
    this.valueEnd = valueEnd;
  }

  @Override
  public byte[] original() {
    return original;
  }

  /** The number of top-level members, duplicates counted. */
  int memberCount() {
    return count;
  }

  @Override
  public byte[] render(FieldEdits edits) {
    if (edits.isEmpty()) {
      return start == 0 ? original : Arrays.copyOfRange(original, start, original.length);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(original.length + 64);
    byte[] memberSeparator = memberSeparator();
    byte[] nameSeparator = nameSeparator();
    Map<String, String> set = edits.set();
    boolean[] written = new boolean[count];
    boolean first = true;
    if (count == 0) {
      out.write(original, start, closeBrace - start);
    } else {
      out.write(original, start, nameStart[0] - start);
    }
    for (int i = 0; i < count; i++) {
      String name = names[i];
      if (!kept(edits, name)) {
        continue;
      }
      String replacement = set.get(name);
      if (replacement != null && seenEarlier(edits, i)) {
        continue; // a duplicate of a member already rewritten
      }
      if (!first) {
        out.write(memberSeparator, 0, memberSeparator.length);
      }
      first = false;
      if (replacement == null) {
        out.write(original, nameStart[i], valueEnd[i] - nameStart[i]);
      } else {
        out.write(original, nameStart[i], valueStart[i] - nameStart[i]);
        writeString(out, replacement);
      }
      written[i] = true;
    }
    for (Map.Entry<String, String> field : set.entrySet()) {
      if (!present(field.getKey(), written)) {
        first = append(out, first, memberSeparator, nameSeparator, field);
      }
    }
    for (Map.Entry<String, String> field : edits.setIfAbsent().entrySet()) {
      if (!present(field.getKey(), written) && !set.containsKey(field.getKey())) {
        first = append(out, first, memberSeparator, nameSeparator, field);
      }
    }
    int tail = count == 0 ? closeBrace : valueEnd[count - 1];
    out.write(original, tail, original.length - tail);
    return out.toByteArray();
  }

  private static boolean kept(FieldEdits edits, String name) {
    var retainOnly = edits.retainOnly();
    return (retainOnly == null || retainOnly.contains(name)) && !edits.remove().contains(name);
  }

  private boolean seenEarlier(FieldEdits edits, int index) {
    for (int j = 0; j < index; j++) {
      if (names[j].equals(names[index]) && kept(edits, names[j])) {
        return true;
      }
    }
    return false;
  }

  private boolean present(String name, boolean[] written) {
    for (int i = 0; i < count; i++) {
      if (written[i] && names[i].equals(name)) {
        return true;
      }
    }
    return false;
  }

  private static boolean append(
      ByteArrayOutputStream out,
      boolean first,
      byte[] memberSeparator,
      byte[] nameSeparator,
      Map.Entry<String, String> field) {
    if (!first) {
      out.write(memberSeparator, 0, memberSeparator.length);
    }
    writeString(out, field.getKey());
    out.write(nameSeparator, 0, nameSeparator.length);
    writeString(out, field.getValue());
    return false;
  }

  private static void writeString(ByteArrayOutputStream out, String value) {
    byte[] escaped = JsonStringEncoder.getInstance().quoteAsUTF8(value);
    out.write('"');
    out.write(escaped, 0, escaped.length);
    out.write('"');
  }

  /** The bytes between the first two members (e.g. {@code ", "} from Python), or a comma. */
  private byte[] memberSeparator() {
    if (count < 2) {
      return DEFAULT_MEMBER_SEPARATOR;
    }
    return Arrays.copyOfRange(original, valueEnd[0], nameStart[1]);
  }

  /** The bytes between the first member's name and value (e.g. {@code ": "}), or a colon. */
  private byte[] nameSeparator() {
    if (count == 0) {
      return DEFAULT_NAME_SEPARATOR;
    }
    int end = valueStart[0];
    int colon = end - 1;
    while (colon > nameStart[0] && original[colon] != ':') {
      colon--;
    }
    int from = colon;
    while (from > nameStart[0] && isWhitespace(original[from - 1])) {
      from--;
    }
    return Arrays.copyOfRange(original, from, end);
  }

  static boolean isWhitespace(byte b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r';
  }
}
