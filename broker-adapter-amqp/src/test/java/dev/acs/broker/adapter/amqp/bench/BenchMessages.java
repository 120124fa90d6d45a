package dev.acs.broker.adapter.amqp.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Realistic bodies of about 500 bytes in Python's {@code json.dumps} style: every other message a
 * frontend TEXT (as in SPEC §3), the rest agent REPLY messages with {@code msg_<uuid>} ids. Each
 * carries {@code bench_seq} (for the arrival check) and {@code bench_sent_nanos} (the publish time,
 * for end-to-end latency; 0 in a preloaded backlog), which the broker passes through unchanged.
 */
final class BenchMessages {

  static final String SEQ_FIELD = "\"bench_seq\": ";
  static final String SENT_FIELD = "\"bench_sent_nanos\": ";
  private static final byte[] SEQ_BYTES = SEQ_FIELD.getBytes(UTF_8);
  private static final byte[] SENT_BYTES = SENT_FIELD.getBytes(UTF_8);
  private static final String ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";
  private static final String FILLER =
      "Could you summarise the quarterly figures for the northern region, compare them with last"
          + " year, and list the three biggest changes with one sentence each? Plain text is"
          + " fine; no tables please. Thanks a lot for your help with this — مرحبا, שלום 👋.";

  private final int agents;
  private final int clients;
  private final long seed;

  BenchMessages(int agents, int clients, long seed) {
    this.agents = agents;
    this.clients = clients;
    this.seed = seed;
  }

  /** Message {@code seq}, stamped as sent at {@code sentNanos}. */
  byte[] body(int seq, long sentNanos) {
    SplittableRandom random = new SplittableRandom(seed * 31 + seq);
    String client = String.format("web_%08x", random.nextInt(clients) * 2654435761L & 0xffffffffL);
    String time =
        String.format("%02d:%02d:%02d", random.nextInt(24), random.nextInt(60), random.nextInt(60));
    String text = FILLER.substring(0, 120 + random.nextInt(FILLER.length() - 120));
    StringBuilder json = new StringBuilder(560);
    if (seq % 2 == 0) {
      json.append("{\"message_id\": \"")
          .append(base36Id(random))
          .append("\", \"sender_id\": \"")
          .append(client)
          .append("\", \"receiver_id\": \"server\", \"text_payload\": \"")
          .append(text)
          .append("\", \"send_timestamp\": \"")
          .append(time)
          .append("\", \"message_type\": \"TEXT\", \"_connection_type\": \"frontend\",")
          .append(" \"_client_id\": \"")
          .append(client)
          .append("\", \"routing_status\": \"pending\"");
    } else {
      String agent = "agent-" + (1 + random.nextInt(agents));
      json.append("{\"message_id\": \"msg_")
          .append(new UUID(random.nextLong(), random.nextLong()))
          .append("\", \"message_type\": \"REPLY\", \"sender_id\": \"")
          .append(agent)
          .append("\", \"receiver_id\": \"server\", \"text_payload\": \"")
          .append(text)
          .append("\", \"send_timestamp\": \"2026-01-01T")
          .append(time)
          .append("+00:00\", \"in_reply_to_message_id\": \"")
          .append(base36Id(random))
          .append("\", \"_client_id\": \"")
          .append(client)
          .append("\", \"routing_status\": \"pending\"");
    }
    json.append(", ")
        .append(SEQ_FIELD)
        .append(seq)
        .append(", ")
        .append(SENT_FIELD)
        .append(sentNanos)
        .append('}');
    return json.toString().getBytes(UTF_8);
  }

  private static String base36Id(SplittableRandom random) {
    char[] id = new char[6];
    for (int i = 0; i < id.length; i++) {
      id[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
    }
    return new String(id);
  }

  /** The {@code bench_seq} of a body the broker relayed; -1 if absent. */
  static long seqOf(byte[] body) {
    return numberAfter(body, SEQ_BYTES);
  }

  /** The {@code bench_sent_nanos} of a body; -1 if absent. */
  static long sentNanosOf(byte[] body) {
    return numberAfter(body, SENT_BYTES);
  }

  private static long numberAfter(byte[] body, byte[] key) {
    int at = indexOf(body, key);
    if (at < 0) {
      return -1;
    }
    long value = 0;
    for (int i = at + key.length; i < body.length && body[i] >= '0' && body[i] <= '9'; i++) {
      value = value * 10 + (body[i] - '0');
    }
    return value;
  }

  private static int indexOf(byte[] body, byte[] key) {
    outer:
    for (int i = body.length - key.length; i >= 0; i--) {
      for (int j = 0; j < key.length; j++) {
        if (body[i + j] != key[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
