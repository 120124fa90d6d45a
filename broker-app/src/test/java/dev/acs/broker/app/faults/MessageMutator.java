package dev.acs.broker.app.faults;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generates hostile variants of frontend and agent messages from a seed: byte flips, truncation,
 * junk, wrong field types, deep nesting, duplicate keys, odd Unicode, over-long values, sizes at
 * the limit. Every body starts with {@code {"message_id":"<id>",} untouched, so each input can be
 * recognised wherever it comes out (the routed body keeps the field; a dead letter keeps the AMQP
 * message-id the test sets to the same id). Deterministic for a seed.
 */
final class MessageMutator {

  /** What was done to a message. */
  enum Mutation {
    VALID,
    BYTE_FLIPS,
    TRUNCATED,
    JUNK_BYTES,
    WRONG_FIELD_TYPE,
    DEEP_NESTING,
    DUPLICATE_KEYS,
    ODD_UNICODE,
    INVALID_UTF8,
    LONG_VALUES,
    UNKNOWN_TYPE,
    OVERSIZED
  }

  /** One generated input. */
  record Input(String id, Mutation mutation, byte[] body) {}

  private static final List<String> TYPES = List.of("TEXT", "REPLY", "SYSTEM", "ERROR");
  private static final List<String> READ_FIELDS =
      List.of(
          "message_type",
          "sender_id",
          "receiver_id",
          "routing_status",
          "_client_id",
          "_connection_type");
  private static final List<String> ODD_TEXTS =
      List.of(
          "\\ud800",
          "\\udfff",
          "\\ud83d\\ude00",
          "\\u0000",
          "\\uffff",
          "\\ufeff",
          "\u202e\u202d",
          "e\u0301\u0301\u0301",
          "\ud83d\ude00\ud83d\ude00",
          "\u0000".replace("\u0000", "\\u0000") + "x",
          "\\\"quoted\\\"",
          "\u4e2d\u6587\u00e9");

  private final SplittableRandom random;
  private final int maxBytes;

  /**
   * @param seed the seed; the same seed gives the same inputs
   * @param maxBytes the broker's input limit, for bodies just under and just over it
   */
  MessageMutator(long seed, int maxBytes) {
    this.random = new SplittableRandom(seed);
    this.maxBytes = maxBytes;
  }

  /** The next input, with {@code id} as its message id. */
  Input next(String id) {
    Mutation mutation = pick();
    String prefix = "{\"message_id\":\"" + id + "\",";
    byte[] head = prefix.getBytes(UTF_8);
    byte[] tail = tail(mutation).getBytes(UTF_8);
    if (mutation == Mutation.OVERSIZED) {
      // Exactly at the broker's limit, or one byte over it.
      int size = maxBytes + (random.nextBoolean() ? 1 : 0);
      String pad = "p".repeat(size - head.length - tail.length);
      tail =
          tail(mutation)
              .replace("\"text_payload\":\"\"", "\"text_payload\":\"" + pad + "\"")
              .getBytes(UTF_8);
    }
    switch (mutation) {
      case BYTE_FLIPS -> flip(tail);
      case TRUNCATED -> tail = java.util.Arrays.copyOf(tail, random.nextInt(tail.length));
      case JUNK_BYTES -> tail = junk(tail);
      case INVALID_UTF8 -> tail = invalidUtf8(tail);
      default -> {}
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream(head.length + tail.length);
    body.writeBytes(head);
    body.writeBytes(tail);
    return new Input(id, mutation, body.toByteArray());
  }

  private Mutation pick() {
    int roll = random.nextInt(1000);
    if (roll < 5) {
      return Mutation.OVERSIZED; // 0.5 %: a megabyte each
    }
    Mutation[] kinds = Mutation.values();
    return kinds[random.nextInt(kinds.length - 1)]; // every kind but OVERSIZED, evenly
  }

  /** The rest of the object after the id, as JSON text (before any byte-level damage). */
  private String tail(Mutation mutation) {
    String type = TYPES.get(random.nextInt(TYPES.size()));
    String sender = random.nextBoolean() ? "web_1a2b3c4d" : "agent_" + (1 + random.nextInt(3));
    String receiver = random.nextInt(3) == 0 ? "agent_" + (1 + random.nextInt(3)) : "server";
    String text = "hello " + random.nextInt(1_000_000);
    StringBuilder json = new StringBuilder(256);
    switch (mutation) {
      case WRONG_FIELD_TYPE -> {
        String field = READ_FIELDS.get(random.nextInt(READ_FIELDS.size()));
        String wrong =
            List.of("42", "true", "[1,2]", "{\"a\":1}", "1.5e300").get(random.nextInt(5));
        json.append(member("message_type", type))
            .append(',')
            .append(member("text_payload", text))
            .append(",\"")
            .append(field)
            .append("\":")
            .append(wrong);
      }
      case DEEP_NESTING -> {
        int depth = 1 + random.nextInt(200);
        json.append(member("message_type", type)).append(',').append(member("sender_id", sender));
        json.append(",\"x_deep\":").append("[".repeat(depth)).append("]".repeat(depth));
      }
      case DUPLICATE_KEYS -> {
        String field = READ_FIELDS.get(random.nextInt(READ_FIELDS.size()));
        json.append(member("message_type", type))
            .append(',')
            .append(member("sender_id", sender))
            .append(',')
            .append(member("receiver_id", receiver))
            .append(',')
            .append(member(field, "first"))
            .append(',')
            .append(member(field, random.nextBoolean() ? "TEXT" : "second"));
      }
      case ODD_UNICODE -> {
        String odd = ODD_TEXTS.get(random.nextInt(ODD_TEXTS.size()));
        String where =
            List.of("sender_id", "receiver_id", "text_payload", "_client_id")
                .get(random.nextInt(4));
        json.append(member("message_type", type)).append(',');
        if (!where.equals("sender_id")) {
          json.append(member("sender_id", sender)).append(',');
        }
        json.append(member(where, odd + text + odd));
      }
      case LONG_VALUES -> {
        String field =
            List.of("sender_id", "_client_id", "receiver_id", "text_payload")
                .get(random.nextInt(4));
        json.append(member("message_type", type))
            .append(',')
            .append(member(field, "v".repeat(256 + random.nextInt(10_000))));
      }
      case UNKNOWN_TYPE -> {
        String unknown =
            List.of("REGISTER_FRONTEND", "PAUSE_AGENT", "text", "", "T".repeat(300_000))
                .get(random.nextInt(5));
        json.append(member("message_type", unknown))
            .append(',')
            .append(member("sender_id", sender));
      }
      case OVERSIZED ->
          json.append(member("message_type", "TEXT"))
              .append(',')
              .append(member("sender_id", "web_1a2b3c4d"))
              .append(',')
              .append(member("text_payload", ""));
      default -> {
        json.append(member("message_type", type))
            .append(',')
            .append(member("sender_id", sender))
            .append(',')
            .append(member("receiver_id", receiver))
            .append(',')
            .append(member("text_payload", text))
            .append(',')
            .append(member("routing_status", "pending"));
      }
    }
    return json.append('}').toString();
  }

  private static String member(String name, String value) {
    return "\"" + name + "\":\"" + value + "\"";
  }

  private void flip(byte[] tail) {
    int flips = 1 + random.nextInt(5);
    for (int i = 0; i < flips && tail.length > 0; i++) {
      int at = random.nextInt(tail.length);
      tail[at] ^= (byte) (1 + random.nextInt(255));
    }
  }

  private byte[] junk(byte[] tail) {
    byte[] junk = new byte[1 + random.nextInt(64)];
    for (int i = 0; i < junk.length; i++) {
      junk[i] = (byte) random.nextInt(256);
    }
    int at = random.nextInt(tail.length + 1);
    ByteArrayOutputStream out = new ByteArrayOutputStream(tail.length + junk.length);
    out.write(tail, 0, at);
    out.writeBytes(junk);
    out.write(tail, at, tail.length - at);
    return out.toByteArray();
  }

  /** Overlong forms, encoded surrogates, stray continuation bytes, bytes above U+10FFFF. */
  private byte[] invalidUtf8(byte[] tail) {
    byte[][] bad = {
      {(byte) 0xC0, (byte) 0xAF},
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
      {(byte) 0x80},
      {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
      {(byte) 0xFF}
    };
    byte[] chosen = bad[random.nextInt(bad.length)];
    // Inside the text of the first value, so the JSON stays well-formed otherwise.
    int at = Math.max(0, indexOf(tail, (byte) ':') + 2);
    ByteArrayOutputStream out = new ByteArrayOutputStream(tail.length + chosen.length);
    out.write(tail, 0, Math.min(at, tail.length));
    out.writeBytes(chosen);
    out.write(tail, Math.min(at, tail.length), tail.length - Math.min(at, tail.length));
    return out.toByteArray();
  }

  private static int indexOf(byte[] bytes, byte wanted) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == wanted) {
        return i;
      }
    }
    return -1;
  }
}
