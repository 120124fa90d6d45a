package dev.acs.broker.adapter.amqp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.acs.broker.adapter.amqp.json.DecodedMessage;
import dev.acs.broker.adapter.amqp.json.JsonMessageCodec;
import dev.acs.broker.adapter.amqp.json.MalformedMessageException;
import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.agent.AgentRegistry;
import dev.acs.broker.core.agent.AgentStatusUpdate;
import dev.acs.broker.core.agent.Availability;
import dev.acs.broker.core.application.RoutingService;
import dev.acs.broker.core.message.Destination;
import dev.acs.broker.core.message.OutboundMessage;
import dev.acs.broker.core.port.Acknowledgement;
import dev.acs.broker.core.port.InboundMessage;
import dev.acs.broker.core.routing.MessageRouter;
import dev.acs.broker.core.routing.RandomRoutingPolicy;
import dev.acs.broker.core.testing.Agents;
import dev.acs.broker.core.testing.RecordingOutboundPublisher;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Hostile bodies through the codec and the routing service, in process: valid messages mutated byte
 * by byte, random bytes, deep nesting, long strings, invalid UTF-8 inside strings, numbers beyond
 * {@code long} and {@code double}, duplicate keys, huge objects and arrays, and status updates with
 * broken agent lists. Seeded, so a failure names the seed that reproduces it.
 *
 * <p>For every input: nothing escapes as an exception; it ends exactly once, either dead-lettered
 * by the adapter (the codec's rejection) or settled by the routing service after at most one
 * publish; what goes to the server is strict UTF-8 JSON; and nothing stays in flight.
 */
class HostileInputFuzzTest {

  private static final int CASES = 2_000;
  private static final int MAX_BYTES = 64 * 1024;
  private static final int MAX_DEPTH = 64;
  private static final ObjectMapper STRICT = new ObjectMapper();

  private static final String VALID =
      "{\"message_id\":\"k3x9qa\",\"sender_id\":\"web_1a2b3c4d\",\"receiver_id\":\"server\","
          + "\"text_payload\":\"hello\",\"send_timestamp\":\"10:42:07\",\"message_type\":\"TEXT\","
          + "\"_connection_type\":\"frontend\",\"_client_id\":\"web_1a2b3c4d\","
          + "\"routing_status\":\"pending\"}";

  private static final String[] TYPES = {
    "TEXT", "REPLY", "SYSTEM", "ERROR", "AGENT_STATUS_UPDATE", "PAUSE_AGENT", "text", "", "\u0000"
  };

  private final JsonMessageCodec codec = new JsonMessageCodec(MAX_BYTES, MAX_DEPTH);
  private final AgentRegistry registry =
      new AgentRegistry(Availability.reference(), Clock.systemUTC());
  private final RecordingOutboundPublisher publisher = RecordingOutboundPublisher.confirming();
  private final RoutingService service =
      RoutingService.builder(
              new BrokerIdentity("broker_fuzz", "Broker-fuzz"),
              registry,
              new MessageRouter(new RandomRoutingPolicy(new SplittableRandom(3))),
              publisher)
          .build();

  /** Outcomes by kind of input, for the table in docs/reliability.md. */
  private final Map<Kind, Map<String, Integer>> outcomes = new EnumMap<>(Kind.class);

  enum Kind {
    MUTATED,
    RANDOM_BYTES,
    DEEP_NESTING,
    LONG_STRING,
    INVALID_UTF8,
    HUGE_NUMBER,
    DUPLICATE_KEYS,
    HUGE_OBJECT,
    HOSTILE_STATUS_UPDATE,
    ODD_FIELD_VALUES
  }

  @Test
  void everyHostileBody_endsExactlyOnce_andNothingEscapes() {
    registry.apply(
        AgentStatusUpdate.snapshot(
            List.of(Agents.idle("agent_1"), Agents.idle("agent_2"), Agents.busy("agent_3"))));
    for (int seed = 1; seed <= CASES; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
      byte[] body = generate(kind, random);
      try {
        handleOnce(kind, body);
      } catch (RuntimeException | AssertionError failure) {
        throw new AssertionError(
            "seed " + seed + " (" + kind + ", " + body.length + " bytes) failed: " + failure,
            failure);
      }
    }
    assertThat(service.inFlight()).isZero();
    assertThat(service.parkedCount()).isZero();
    // Status updates from the queue may add agents; only as many as their bodies could hold.
    assertThat(registry.view().size()).isLessThan(100_000);
    System.out.println("Hostile input outcomes (" + CASES + " seeded cases): " + outcomes);
  }

  private void handleOnce(Kind kind, byte[] body) {
    int publishedBefore = publisher.published().size();
    DecodedMessage accepted;
    try {
      accepted = codec.decode(body);
    } catch (MalformedMessageException rejected) {
      // The adapter dead-letters exactly this with the reason; nothing reaches routing.
      assertThat(rejected.reason()).isNotNull();
      assertThat(rejected.detail()).isNotNull().hasSizeLessThan(10_000);
      count(kind, "dead-lettered: " + rejected.reason().code());
      return;
    }
    CountingAcknowledgement acknowledgement = new CountingAcknowledgement();
    service.handle(new InboundMessage(accepted.envelope(), accepted.document(), acknowledgement));

    List<OutboundMessage> published = publisher.published();
    int publishes = published.size() - publishedBefore;
    assertThat(publishes).as("publishes for one input").isLessThanOrEqualTo(1);
    assertThat(acknowledgement.acks.get()).as("acks").isEqualTo(1);
    assertThat(acknowledgement.requeues.get()).as("requeues").isZero();
    if (publishes == 0) {
      count(kind, "acked without output (" + accepted.envelope().type() + ")");
      return;
    }
    OutboundMessage out = published.get(published.size() - 1);
    if (out.destination() == Destination.SERVER) {
      assertStrictJson(out.body());
      count(kind, "published to the server");
    } else {
      String reason = out.headers().getOrDefault(DeadLetters.DEAD_LETTER_REASON_HEADER, "?");
      count(kind, "dead-lettered by routing: " + reason);
    }
  }

  private static void assertStrictJson(byte[] body) {
    try {
      assertThat(STRICT.readTree(body).isObject()).isTrue();
    } catch (java.io.IOException notJson) {
      throw new AssertionError(
          "published a body that is not strict JSON: " + notJson.getMessage(), notJson);
    }
  }

  private void count(Kind kind, String outcome) {
    outcomes.computeIfAbsent(kind, k -> new TreeMap<>()).merge(outcome, 1, Integer::sum);
  }

  private static byte[] generate(Kind kind, SplittableRandom random) {
    switch (kind) {
      case MUTATED:
        return mutate(VALID.getBytes(UTF_8), random);
      case RANDOM_BYTES:
        return randomBytes(random, random.nextInt(0, 2_000));
      case DEEP_NESTING:
        return deep(random.nextInt(1, 3 * MAX_DEPTH), random);
      case LONG_STRING:
        return withField(
            "text_payload", quoted(longText(random, random.nextInt(1_000, MAX_BYTES + 10_000))));
      case INVALID_UTF8:
        return invalidUtf8(random);
      case HUGE_NUMBER:
        return withField(
            random.nextBoolean() ? "message_id" : "x_number",
            List.of(
                    "123456789012345678901234567890",
                    "-99999999999999999999999999999999999999",
                    "1e400",
                    "-1E-400",
                    "9223372036854775808",
                    "0.000000000000000000000000000000000000000001")
                .get(random.nextInt(6)));
      case DUPLICATE_KEYS:
        return (VALID.substring(0, VALID.length() - 1)
                + ",\"message_type\":\""
                + TYPES[random.nextInt(TYPES.length)]
                + "\",\"receiver_id\":\"agent_"
                + random.nextInt(5)
                + "\",\"routing_status\":\"error\"}")
            .getBytes(UTF_8);
      case HUGE_OBJECT:
        return hugeObject(random);
      case HOSTILE_STATUS_UPDATE:
        return statusUpdate(random);
      case ODD_FIELD_VALUES:
      default:
        return oddFields(random);
    }
  }

  private static byte[] mutate(byte[] valid, SplittableRandom random) {
    byte[] body = valid.clone();
    int edits = random.nextInt(1, 8);
    for (int i = 0; i < edits && body.length > 0; i++) {
      int at = random.nextInt(body.length);
      switch (random.nextInt(4)) {
        case 0 -> body[at] = (byte) random.nextInt(256);
        case 1 -> body = java.util.Arrays.copyOf(body, at);
        case 2 -> {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          out.write(body, 0, at);
          out.writeBytes(randomBytes(random, random.nextInt(1, 16)));
          out.write(body, at, body.length - at);
          body = out.toByteArray();
        }
        default -> {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          out.write(body, 0, at);
          int skip = Math.min(body.length - at, random.nextInt(1, 10));
          out.write(body, at + skip, body.length - at - skip);
          body = out.toByteArray();
        }
      }
    }
    return body;
  }

  private static byte[] randomBytes(SplittableRandom random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  private static byte[] deep(int depth, SplittableRandom random) {
    StringBuilder value = new StringBuilder();
    for (int i = 0; i < depth; i++) {
      value.append(random.nextBoolean() ? "[" : "{\"k\":");
    }
    value.append("1");
    // Close in reverse; a third of the time leave it unclosed.
    if (random.nextInt(3) > 0) {
      String opened = value.toString();
      for (int i = opened.length() - 2; i >= 0; i--) {
        char c = opened.charAt(i);
        if (c == '[') {
          value.append(']');
        } else if (c == '{') {
          value.append('}');
        }
      }
    }
    return withField("x_nested", value.toString());
  }

  private static String longText(SplittableRandom random, int length) {
    StringBuilder text = new StringBuilder(length);
    String alphabet = "abcXYZ 0123456789\u00e9\u4e2d\ud83d\ude00";
    while (text.length() < length) {
      text.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    // Never end on half a surrogate pair.
    if (Character.isHighSurrogate(text.charAt(text.length() - 1))) {
      text.setLength(text.length() - 1);
    }
    return text.toString();
  }

  private static String quoted(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static byte[] invalidUtf8(SplittableRandom random) {
    byte[][] bad = {
      {(byte) 0xC3, 0x28},
      {(byte) 0xFF},
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // an encoded lone surrogate
      {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // beyond U+10FFFF
      {(byte) 0xC0, (byte) 0xAF}, // overlong '/'
      {(byte) 0xE2, (byte) 0x82} // truncated sequence
    };
    String field =
        List.of("text_payload", "message_id", "sender_id", "receiver_id", "message_type", "x_k")
            .get(random.nextInt(6));
    byte[] valid = VALID.getBytes(UTF_8);
    String marker = "\"" + field + "\":\"";
    int at = VALID.indexOf(marker);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (at < 0) {
      out.write(valid, 0, valid.length - 1);
      out.writeBytes((",\"" + field + "\":\"a").getBytes(UTF_8));
      out.writeBytes(bad[random.nextInt(bad.length)]);
      out.writeBytes("b\"}".getBytes(UTF_8));
    } else {
      int insert = at + marker.length();
      out.write(valid, 0, insert);
      out.writeBytes(bad[random.nextInt(bad.length)]);
      out.write(valid, insert, valid.length - insert);
    }
    return out.toByteArray();
  }

  private static byte[] hugeObject(SplittableRandom random) {
    int entries = random.nextInt(1_000, 20_000);
    StringBuilder value = new StringBuilder(random.nextBoolean() ? "{" : "[");
    boolean object = value.charAt(0) == '{';
    for (int i = 0; i < entries; i++) {
      if (i > 0) {
        value.append(',');
      }
      value.append(object ? "\"k" + (random.nextInt(4) == 0 ? 0 : i) + "\":" : "").append(i);
    }
    value.append(object ? '}' : ']');
    return withField("x_huge", value.toString());
  }

  private static byte[] statusUpdate(SplittableRandom random) {
    StringBuilder agents = new StringBuilder("[");
    int count = random.nextInt(0, 50);
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        agents.append(',');
      }
      switch (random.nextInt(6)) {
        case 0 -> agents.append("null");
        case 1 -> agents.append("\"not an agent\"");
        case 2 -> agents.append("{\"agent_id\":\"\",\"metrics\":{\"internal_state\":\"idle\"}}");
        case 3 -> agents.append("{\"agent_id\":\"dup\",\"metrics\":{\"internal_state\":\"idle\"}}");
        case 4 -> agents.append("{\"agent_id\":12,\"metrics\":[1,2]}");
        default ->
            agents
                .append("{\"agent_id\":\"q")
                .append(random.nextInt(1_000))
                .append("\",\"agent_name\":")
                .append(random.nextBoolean() ? "null" : "\"n\"")
                .append(",\"metrics\":{\"internal_state\":\"")
                .append(random.nextBoolean() ? "idle" : "no-such-state")
                .append("\"}}");
      }
    }
    agents.append(']');
    String full = List.of("true", "false", "\"yes\"", "null").get(random.nextInt(4));
    return ("{\"message_type\":\"AGENT_STATUS_UPDATE\",\"agents\":"
            + (random.nextInt(5) == 0 ? "{\"a\":1}" : agents)
            + ",\"is_full_update\":"
            + full
            + "}")
        .getBytes(UTF_8);
  }

  private static byte[] oddFields(SplittableRandom random) {
    String[] values = {
      "null",
      "1",
      "true",
      "[]",
      "{}",
      "\"\"",
      "\"server\"",
      "\"agent_1\"",
      "\"agent_3\"",
      "\"error\"",
      "\"routed\"",
      "\"" + TYPES[random.nextInt(TYPES.length)] + "\""
    };
    StringBuilder body = new StringBuilder("{");
    String[] fields = {
      "message_id",
      "message_type",
      "sender_id",
      "receiver_id",
      "routing_status",
      "text_payload",
      "_broadcast",
      "_target_agent_id",
      "_client_id",
      "original_message_id",
      "in_reply_to_message_id"
    };
    boolean first = true;
    for (String field : fields) {
      if (random.nextInt(4) == 0) {
        continue;
      }
      body.append(first ? "" : ",").append('"').append(field).append("\":");
      body.append(
          field.equals("message_type") && random.nextBoolean()
              ? "\"" + TYPES[random.nextInt(5)] + "\""
              : values[random.nextInt(values.length)]);
      first = false;
    }
    return body.append('}').toString().getBytes(UTF_8);
  }

  private static byte[] withField(String field, String rawValue) {
    return (VALID.substring(0, VALID.length() - 1) + ",\"" + field + "\":" + rawValue + "}")
        .getBytes(UTF_8);
  }

  private static final class CountingAcknowledgement implements Acknowledgement {
    final AtomicInteger acks = new AtomicInteger();
    final AtomicInteger requeues = new AtomicInteger();

    @Override
    public void ack() {
      acks.incrementAndGet();
    }

    @Override
    public void requeue() {
      requeues.incrementAndGet();
    }
  }
}
