package dev.acs.broker.core.testing;

import dev.acs.broker.core.message.FieldEdits;
import dev.acs.broker.core.message.MessageDocument;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A {@link MessageDocument} of ordered string fields, encoded as one {@code name<TAB>value} line
 * per field with backslash escapes. It is deliberately not JSON: the core has no JSON library, and
 * the fakes only need a faithful, inspectable round trip. {@link #decode} reads what {@link
 * #render} wrote.
 */
public final class FlatDocument implements MessageDocument {

  private final Map<String, String> fields;

  private FlatDocument(Map<String, String> fields) {
    this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  /** A document with these fields, in iteration order. */
  public static FlatDocument of(Map<String, String> fields) {
    return new FlatDocument(fields);
  }

  /** The fields, in order. */
  public Map<String, String> fields() {
    return fields;
  }

  @Override
  public byte[] original() {
    return encode(fields);
  }

  @Override
  public byte[] render(FieldEdits edits) {
    return encode(edits.applyTo(fields, Function.identity()));
  }

  /** Encodes ordered fields in this document's format. */
  public static byte[] encode(Map<String, String> fields) {
    StringBuilder out = new StringBuilder();
    fields.forEach(
        (name, value) -> out.append(escape(name)).append('\t').append(escape(value)).append('\n'));
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Decodes a body written by {@link #encode}, keeping field order. */
  public static Map<String, String> decode(byte[] body) {
    Map<String, String> fields = new LinkedHashMap<>();
    String text = new String(body, StandardCharsets.UTF_8);
    for (String line : text.split("\n", -1)) {
      if (line.isEmpty()) {
        continue;
      }
      int tab = line.indexOf('\t');
      if (tab < 0) {
        throw new IllegalArgumentException("not a flat document line: '" + line + "'");
      }
      fields.put(unescape(line.substring(0, tab)), unescape(line.substring(tab + 1)));
    }
    return fields;
  }

  private static String escape(String text) {
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n");
  }

  private static String unescape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' && i + 1 < text.length()) {
        char next = text.charAt(++i);
        out.append(next == 't' ? '\t' : next == 'n' ? '\n' : next);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
