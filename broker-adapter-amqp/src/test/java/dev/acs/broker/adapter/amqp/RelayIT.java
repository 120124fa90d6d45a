package dev.acs.broker.adapter.amqp;

import static dev.acs.broker.adapter.amqp.json.JsonMessageCodecTest.bytes;
import static dev.acs.broker.adapter.amqp.json.JsonMessageCodecTest.concat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import dev.acs.broker.core.message.DeadLetterReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RelayIT {

  @AutoClose private RelayHarness harness;

  @BeforeEach
  void setUp() throws Exception {
    harness = new RelayHarness();
  }

  @Test
  void tenThousandMessages_areRelayedOnceEachWithUntouchedFieldsIntact() throws Exception {
    int count = 10_000;
    List<byte[]> inputs = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      inputs.add(TestMessages.frontend(i));
    }
    harness.start();

    harness.feed(inputs);
    List<RelayHarness.Received> outputs =
        harness.drain(harness.settings.outputQueue(), count, Duration.ofSeconds(120));
    harness.assertSettledAndEmpty();

    assertThat(outputs).hasSize(count);
    Map<Integer, RelayHarness.Received> bySeq = new HashMap<>();
    for (RelayHarness.Received output : outputs) {
      assertThat(bySeq.put(TestMessages.seqOf(output.body()), output)).as("duplicate").isNull();
    }
    for (int i = 0; i < count; i++) {
      byte[] in = inputs.get(i);
      RelayHarness.Received out = bySeq.get(i);
      assertThat(out).as("message %d", i).isNotNull();
      assertThat(TestMessages.withoutChanged(out.body()))
          .isEqualTo(TestMessages.withoutChanged(in));
      assertThat(TestMessages.orderWithoutChanged(out.body()))
          .isEqualTo(TestMessages.orderWithoutChanged(in));
      JsonNode tree = TestMessages.EXACT.readTree(out.body());
      assertThat(tree.get("routing_status").textValue()).isEqualTo("routed");
      assertThat(RelayHarness.AGENTS).contains(tree.get("receiver_id").textValue());
      assertThat(tree.has("_client_id")).isFalse();
      assertThat(out.text())
          .contains("\"score\": 1.0", "\"big\": 12345678901234567890", "\"ratio\": 2.50");
      assertThat(out.properties().getDeliveryMode()).isEqualTo(2);
      assertThat(out.headerText("x-routed-by")).isEqualTo(harness.identity.id());
    }
    assertThat(harness.messageCount(harness.settings.deadLetterQueue())).isZero();
    assertThat(harness.transport.health().ready()).isTrue();
  }

  @Test
  void badInput_isDeadLetteredOnceWithItsReason_andGoodMessagesPassUnchanged() throws Exception {
    Map<String, Object> bad = new LinkedHashMap<>(); // label -> body, expected reason
    List<Object[]> matrix = new ArrayList<>();
    String deep =
        "{\"message_type\":\"TEXT\",\"d\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}";
    matrix.add(new Object[] {"plain text", bytes("hello"), DeadLetterReason.NOT_JSON});
    matrix.add(
        new Object[] {
          "truncated", bytes("{\"message_type\":\"TEXT\",\"a\":"), DeadLetterReason.NOT_JSON
        });
    matrix.add(new Object[] {"empty", new byte[0], DeadLetterReason.NOT_JSON});
    matrix.add(new Object[] {"null", bytes("null"), DeadLetterReason.NOT_AN_OBJECT});
    matrix.add(new Object[] {"array", bytes("[1,2]"), DeadLetterReason.NOT_AN_OBJECT});
    matrix.add(new Object[] {"number", bytes("42"), DeadLetterReason.NOT_AN_OBJECT});
    matrix.add(
        new Object[] {
          "missing type", bytes("{\"message_id\":\"x\"}"), DeadLetterReason.MISSING_MESSAGE_TYPE
        });
    matrix.add(
        new Object[] {
          "numeric type", bytes("{\"message_type\":5}"), DeadLetterReason.WRONG_FIELD_TYPE
        });
    matrix.add(
        new Object[] {
          "object sender",
          bytes("{\"message_type\":\"TEXT\",\"sender_id\":{}}"),
          DeadLetterReason.WRONG_FIELD_TYPE
        });
    matrix.add(new Object[] {"too deep", bytes(deep), DeadLetterReason.TOO_DEEP});
    matrix.add(
        new Object[] {
          "too large",
          bytes("{\"message_type\":\"TEXT\",\"t\":\"" + "x".repeat(1024 * 1024) + "\"}"),
          DeadLetterReason.TOO_LARGE
        });
    matrix.add(
        new Object[] {
          "invalid utf-8",
          concat(
              bytes("{\"message_type\":\"TEXT\",\"x\":\""), new byte[] {(byte) 0xFF}, bytes("\"}")),
          DeadLetterReason.NOT_UTF8
        });
    matrix.add(
        new Object[] {
          "raw NUL",
          concat(bytes("{\"message_type\":\"TEXT\",\"x\":\"a"), new byte[] {0}, bytes("\"}")),
          DeadLetterReason.NOT_JSON
        });
    matrix.add(
        new Object[] {
          "unknown type",
          bytes("{\"message_type\":\"NOPE\",\"message_id\":\"u1\"}"),
          DeadLetterReason.UNHANDLED_MESSAGE_TYPE
        });
    matrix.add(
        new Object[] {
          "malformed status",
          bytes("{\"message_type\":\"AGENT_STATUS_UPDATE\",\"agents\":7}"),
          DeadLetterReason.MALFORMED_STATUS_UPDATE
        });
    harness.start();

    int good = 0;
    List<byte[]> goods = new ArrayList<>();
    for (Object[] row : matrix) {
      byte[] goodBody = TestMessages.frontend(good++);
      goods.add(goodBody);
      harness.feed(List.of(goodBody));
      harness.feed(
          (byte[]) row[1],
          new AMQP.BasicProperties.Builder()
              .deliveryMode(2)
              .messageId((String) row[0])
              .headers(Map.of("x-origin", "it"))
              .build());
      bad.put((String) row[0], row[2]);
    }

    List<RelayHarness.Received> dead =
        harness.drain(harness.settings.deadLetterQueue(), matrix.size(), Duration.ofSeconds(60));
    List<RelayHarness.Received> routed =
        harness.drain(harness.settings.outputQueue(), goods.size(), Duration.ofSeconds(60));
    harness.assertSettledAndEmpty();

    assertThat(dead).hasSize(matrix.size());
    assertThat(harness.messageCount(harness.settings.deadLetterQueue())).isZero();
    Map<String, RelayHarness.Received> deadById = new HashMap<>();
    for (RelayHarness.Received d : dead) {
      String id = d.properties().getMessageId();
      if (id == null || !bad.containsKey(id)) {
        id = "unknown type".equals(id) ? id : labelOf(d, matrix);
      }
      assertThat(deadById.put(id, d)).as("dead-lettered twice: %s", id).isNull();
    }
    for (Object[] row : matrix) {
      RelayHarness.Received d = deadById.get((String) row[0]);
      assertThat(d).as("%s in the dead-letter queue", row[0]).isNotNull();
      assertThat(d.body()).as("%s body", row[0]).isEqualTo((byte[]) row[1]);
      assertThat(d.headerText("x-dead-letter-reason"))
          .as("%s reason", row[0])
          .isEqualTo(((DeadLetterReason) row[2]).code());
      assertThat(d.headerText("x-original-queue")).isEqualTo(harness.settings.inputQueue());
      assertThat(d.headerText("x-dead-letter-detail")).isNotBlank().hasSizeLessThanOrEqualTo(200);
    }
    assertThat(routed).hasSize(goods.size());
    for (RelayHarness.Received r : routed) {
      byte[] in = goods.get(TestMessages.seqOf(r.body()));
      assertThat(TestMessages.withoutChanged(r.body())).isEqualTo(TestMessages.withoutChanged(in));
    }
  }

  /** The core's dead letters carry no message id property; find the row by body. */
  private static String labelOf(RelayHarness.Received d, List<Object[]> matrix) {
    for (Object[] row : matrix) {
      if (java.util.Arrays.equals((byte[]) row[1], d.body())) {
        return (String) row[0];
      }
    }
    return "?";
  }

  @Test
  void queues_areDeclaredDurableWithoutArguments() throws Exception {
    harness.start();

    String listing =
        RabbitCtl.run(
            "list_queues", "-q", "name", "durable", "auto_delete", "exclusive", "arguments");

    for (String queue :
        List.of(
            harness.settings.inputQueue(),
            harness.settings.outputQueue(),
            harness.settings.deadLetterQueue())) {
      assertThat(listing).containsPattern(queue + "\\s+true\\s+false\\s+false\\s+\\[\\]");
    }
    String node = harness.settings.endpoint();
    assertThat(harness.transport.health())
        .isEqualTo(new AmqpHealth(true, true, true, 0, null, node, node));
  }

  @Test
  void publishToAQueueThatIsGone_failsWhenReturned_andOtherPublishesStillConfirm()
      throws Exception {
    harness.start();
    harness.deleteQueue(harness.settings.outputQueue());
    AmqpOutboundPublisher publisher = (AmqpOutboundPublisher) harness.transport.outbound();
    AMQP.BasicProperties.Builder persistent = new AMQP.BasicProperties.Builder().deliveryMode(2);

    var unroutable =
        publisher
            .publish(harness.settings.outputQueue(), persistent, new HashMap<>(), bytes("{}"))
            .toCompletableFuture();
    var routed =
        publisher
            .publish(harness.settings.deadLetterQueue(), persistent, new HashMap<>(), bytes("{}"))
            .toCompletableFuture();

    assertThat(routed.get(10, java.util.concurrent.TimeUnit.SECONDS)).isNull();
    assertThat(unroutable)
        .failsWithin(Duration.ofSeconds(10))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withMessageContaining("unroutable");
  }
}
