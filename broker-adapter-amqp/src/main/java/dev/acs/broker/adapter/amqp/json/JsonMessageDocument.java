package dev.acs.broker.adapter.amqp.json;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.acs.broker.core.message.FieldEdits;
import dev.acs.broker.core.message.MessageDocument;
import java.util.Arrays;
import java.util.Map;
import org.jspecify.annotations.Nullable;

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
    // Two passes over the same plan: the first only counts, so the second writes into an array of
    // exactly the body's size (no growth, no final copy).
    Out counter = new Out(null);
    boolean[] written = new boolean[count];
    splice(edits, counter, written);
    byte[] body = new byte[counter.length];
    Arrays.fill(written, false);
    splice(edits, new Out(body), written);
    return body;
  }

  private void splice(FieldEdits edits, Out out, boolean[] written) {
    int memberSeparatorFrom = count < 2 ? -1 : valueEnd[0];
    int memberSeparatorTo = count < 2 ? -1 : nameStart[1];
    int nameSeparatorFrom = count == 0 ? -1 : nameSeparatorStart();
    int nameSeparatorTo = count == 0 ? -1 : valueStart[0];
    Map<String, String> set = edits.set();
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
        memberSeparator(out, memberSeparatorFrom, memberSeparatorTo);
      }
      first = false;
      if (replacement == null) {
        out.write(original, nameStart[i], valueEnd[i] - nameStart[i]);
      } else {
        out.write(original, nameStart[i], valueStart[i] - nameStart[i]);
        out.writeString(replacement);
      }
      written[i] = true;
    }
    for (Map.Entry<String, String> field : set.entrySet()) {
      if (!present(field.getKey(), written)) {
        first =
            append(
                out,
                first,
                memberSeparatorFrom,
                memberSeparatorTo,
                nameSeparatorFrom,
                nameSeparatorTo,
                field);
      }
    }
    for (Map.Entry<String, String> field : edits.setIfAbsent().entrySet()) {
      if (!present(field.getKey(), written) && !set.containsKey(field.getKey())) {
        first =
            append(
                out,
                first,
                memberSeparatorFrom,
                memberSeparatorTo,
                nameSeparatorFrom,
                nameSeparatorTo,
                field);
      }
    }
    int tail = count == 0 ? closeBrace : valueEnd[count - 1];
    out.write(original, tail, original.length - tail);
  }

  /**
   * Writes into an exact-size array, or (without one) only counts the bytes it would write. Strings
   * that need no escaping (the usual case) are written without an intermediate array.
   */
  private static final class Out {
    final byte @Nullable [] bytes;
    int length;

    Out(byte @Nullable [] bytes) {
      this.bytes = bytes;
    }

    void write(byte[] from, int offset, int n) {
      if (bytes != null) {
        System.arraycopy(from, offset, bytes, length, n);
      }
      length += n;
    }

    void write(byte b) {
      if (bytes != null) {
        bytes[length] = b;
      }
      length++;
    }

    void writeString(String value) {
      write((byte) '"');
      if (isPlainAscii(value)) {
        int n = value.length();
        if (bytes != null) {
          for (int i = 0; i < n; i++) {
            bytes[length + i] = (byte) value.charAt(i);
          }
        }
        length += n;
      } else {
        byte[] escaped = JsonStringEncoder.getInstance().quoteAsUTF8(value);
        write(escaped, 0, escaped.length);
      }
      write((byte) '"');
    }

    /** Printable ASCII without a quote or backslash: JSON-escapes to itself. */
    private static boolean isPlainAscii(String value) {
      for (int i = 0, n = value.length(); i < n; i++) {
        char c = value.charAt(i);
        if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
          return false;
        }
      }
      return true;
    }
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

  private boolean append(
      Out out,
      boolean first,
      int memberSeparatorFrom,
      int memberSeparatorTo,
      int nameSeparatorFrom,
      int nameSeparatorTo,
      Map.Entry<String, String> field) {
    if (!first) {
      memberSeparator(out, memberSeparatorFrom, memberSeparatorTo);
    }
    out.writeString(field.getKey());
    if (nameSeparatorFrom < 0) {
      out.write((byte) ':');
    } else {
      out.write(original, nameSeparatorFrom, nameSeparatorTo - nameSeparatorFrom);
    }
    out.writeString(field.getValue());
    return false;
  }

  /** The bytes between the first two members (e.g. {@code ", "} from Python), or a comma. */
  private void memberSeparator(Out out, int from, int to) {
    if (from < 0) {
      out.write((byte) ',');
    } else {
      out.write(original, from, to - from);
    }
  }

  /**
   * Where the bytes between the first member's name and value (e.g. {@code ": "}) start; they end
   * at the first value.
   */
  private int nameSeparatorStart() {
    int end = valueStart[0];
    int colon = end - 1;
    while (colon > nameStart[0] && original[colon] != ':') {
      colon--;
    }
    int from = colon;
    while (from > nameStart[0] && isWhitespace(original[from - 1])) {
      from--;
    }
    return from;
  }

  static boolean isWhitespace(byte b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r';
  }
}
