package dev.acs.broker.app.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import dev.acs.broker.app.BrokerProcess;
import dev.acs.broker.app.RunFixtures;
import dev.acs.broker.app.sandbox.simulate.StandInCentralServer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 19 end to end: the real {@code broker.jar} against the real RabbitMQ, fed inputs whose
 * values do not fit AMQP as they are (over-long ids, unpaired surrogates, bodies and header tables
 * at the limits). Each must come out exactly once, routed or dead-lettered, within a second, and
 * none may be requeued.
 */
class PoisonMessageIT {

  /** The broker's input limit ({@code AmqpSettings.maxMessageBytes}, 1 MiB). */
  private static final int MAX_MESSAGE_BYTES = 1024 * 1024;

  /** RabbitMQ 3.10's default {@code frame_max}. */
  private static final int FRAME_MAX = 131_072;

  private static final Duration WITHIN = Duration.ofSeconds(1);

  private StandInCentralServer central;
  private Rabbit rabbit;
  private Connection connection;
  private Channel channel;
  private BrokerProcess broker;

  @BeforeEach
  void setUp() throws Exception {
    central = RunFixtures.centralWithIdleAgents(1);
    rabbit = new Rabbit("poison");
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost("127.0.0.1");
    connection = factory.newConnection("poison-it");
    channel = connection.createChannel();
    channel.confirmSelect();
    List<String> options = new ArrayList<>(List.of("--drain-timeout", "10s"));
    options.addAll(rabbit.queueOptions());
    List<String> args = RunFixtures.runArgs(central, Duration.ofSeconds(20), options);
    broker = BrokerProcess.start(args, Map.of("BROKER_ID", "broker_poison"));
    broker.awaitReady();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (broker != null) {
      broker.close();
    }
    connection.close();
    rabbit.close();
    central.close();
  }

  /** Where one input came out. */
  private record Outcome(String queue, GetResponse message, long millis) {
    JsonNode body() throws IOException {
      return Rabbit.JSON.readTree(message.getBody());
    }

    String header(String name) {
      Map<String, Object> headers = message.getProps().getHeaders();
      Object value = headers == null ? null : headers.get(name);
      return value == null ? null : value.toString();
    }
  }

  /** A frontend TEXT message, SPEC §3's shape. */
  private static Map<String, Object> text(String messageId) {
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("message_id", messageId);
    message.put("sender_id", "web_1a2b3c4d");
    message.put("receiver_id", "server");
    message.put("text_payload", "hello");
    message.put("message_type", "TEXT");
    message.put("_connection_type", "frontend");
    message.put("_client_id", "web_1a2b3c4d");
    message.put("routing_status", "pending");
    return message;
  }

  private Outcome send(Map<String, Object> message) throws Exception {
    return send(Rabbit.JSON.writeValueAsBytes(message), MessageProperties.PERSISTENT_BASIC);
  }

  /**
   * Publishes one input, waits for its one outcome on the output or dead-letter queue, and checks
   * that nothing else came out and the input queue is empty.
   */
  private Outcome send(byte[] body, AMQP.BasicProperties properties) throws Exception {
    channel.basicPublish("", rabbit.inputQueue, properties, body);
    channel.waitForConfirmsOrDie(10_000);
    long sent = System.nanoTime();
    Outcome[] outcome = new Outcome[1];
    await("the input on the output or dead-letter queue")
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              for (String queue : List.of(rabbit.outputQueue, rabbit.deadLetterQueue)) {
                GetResponse got = get(queue);
                if (got != null) {
                  outcome[0] = new Outcome(queue, got, (System.nanoTime() - sent) / 1_000_000);
                  return true;
                }
              }
              return false;
            });
    await("the input acknowledged")
        .atMost(Duration.ofSeconds(5))
        .until(() -> rabbit.depth(rabbit.inputQueue) == 0);
    assertThat(rabbit.depth(rabbit.outputQueue) + rabbit.depth(rabbit.deadLetterQueue))
        .as("nothing but the one outcome")
        .isZero();
    assertThat(Duration.ofMillis(outcome[0].millis())).isLessThanOrEqualTo(WITHIN);
    return outcome[0];
  }

  private GetResponse get(String queue) {
    try {
      return channel.basicGet(queue, true);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void assertNeverRequeued() {
    assertThat(broker.count("returning it to the queue")).as(broker.tail()).isZero();
    assertThat(broker.count("Dead-lettering failed")).as(broker.tail()).isZero();
    assertThat(broker.isAlive()).isTrue();
  }

  @Test
  @DisplayName(
      "Over-long message_id, _client_id and sender_id are routed; the id stays in the body")
  void overLongIds_areRouted_andAnIdThatIsNoShortStringIsLeftOutOfTheProperty() throws Exception {
    String longId = "m".repeat(5000);
    Outcome longMessageId = send(text(longId));
    assertThat(longMessageId.queue()).isEqualTo(rabbit.outputQueue);
    assertThat(longMessageId.body().get("message_id").asText()).isEqualTo(longId);
    assertThat(longMessageId.body().get("routing_status").asText()).isEqualTo("routed");
    assertThat(longMessageId.message().getProps().getMessageId()).isNull();

    Map<String, Object> longClient = text("c1");
    longClient.put("_client_id", "web_" + "c".repeat(5000));
    Outcome client = send(longClient);
    assertThat(client.queue()).isEqualTo(rabbit.outputQueue);
    assertThat(client.message().getProps().getMessageId()).isEqualTo("c1");

    Map<String, Object> longSender = text("s1");
    longSender.put("sender_id", "web_" + "s".repeat(5000));
    Outcome sender = send(longSender);
    assertThat(sender.queue()).isEqualTo(rabbit.outputQueue);
    assertThat(sender.body().get("sender_id").asText()).hasSize(5004);

    Outcome at255 = send(text("i".repeat(255)));
    assertThat(at255.message().getProps().getMessageId()).hasSize(255);
    Outcome at256 = send(text("i".repeat(256)));
    assertThat(at256.queue()).isEqualTo(rabbit.outputQueue);
    assertThat(at256.message().getProps().getMessageId()).isNull();
    Outcome multiByte = send(text("é".repeat(128))); // 128 characters, 256 bytes
    assertThat(multiByte.message().getProps().getMessageId()).isNull();
    assertNeverRequeued();
  }

  @Test
  @DisplayName(
      "Unpaired UTF-16 surrogates in ids are routed unchanged, never as a changed property")
  void unpairedSurrogates_areRoutedUnchanged_andLeftOutOfTheProperty() throws Exception {
    String body =
        "{\"message_id\":\"id\\ud800x\",\"sender_id\":\"web_\\udc00\",\"receiver_id\":\"server\","
            + "\"text_payload\":\"\\ud83d\",\"message_type\":\"TEXT\",\"routing_status\":\"pending\"}";
    Outcome outcome = send(body.getBytes(UTF_8), MessageProperties.PERSISTENT_BASIC);

    assertThat(outcome.queue()).isEqualTo(rabbit.outputQueue);
    assertThat(outcome.message().getProps().getMessageId()).isNull();
    String routed = new String(outcome.message().getBody(), UTF_8);
    assertThat(routed)
        .contains("\"message_id\":\"id\\ud800x\"")
        .contains("\"sender_id\":\"web_\\udc00\"")
        .contains("\"text_payload\":\"\\ud83d\"");
    assertNeverRequeued();
  }

  @Test
  @DisplayName("A body at the 1 MiB limit is routed; one byte more is dead-lettered as too-large")
  void bodiesJustUnderAndJustOverTheLimit_endInOnePlaceEach() throws Exception {
    Outcome under =
        send(bodyOfSize("under", MAX_MESSAGE_BYTES), MessageProperties.PERSISTENT_BASIC);
    assertThat(under.queue()).isEqualTo(rabbit.outputQueue);
    assertThat(under.body().get("message_id").asText()).isEqualTo("under");

    byte[] overBody = bodyOfSize("over", MAX_MESSAGE_BYTES + 1);
    Outcome over = send(overBody, MessageProperties.PERSISTENT_BASIC);
    assertThat(over.queue()).isEqualTo(rabbit.deadLetterQueue);
    assertThat(over.header("x-dead-letter-reason")).isEqualTo("too-large");
    assertThat(over.message().getBody()).isEqualTo(overBody);
    assertNeverRequeued();
  }

  @Test
  @DisplayName("Values that would overflow the header frame are cut or dropped, never looped on")
  void headerFrameOverflow_isCutOrDropped_andTheMessageDeadLetteredOnce() throws Exception {
    // The detail names the type; 200,000 characters of it once broke the dead letter's frame.
    Map<String, Object> hugeType = text("t1");
    hugeType.put("message_type", "X".repeat(200_000));
    Outcome unhandled = send(hugeType);
    assertThat(unhandled.queue()).isEqualTo(rabbit.deadLetterQueue);
    assertThat(unhandled.header("x-dead-letter-reason")).isEqualTo("unhandled-message-type");
    assertThat(unhandled.header("x-dead-letter-detail")).hasSize(200);

    // Input whose own header table nearly fills a frame: with the broker's headers added to it the
    // dead letter would not fit, so the original headers are dropped and that is said.
    AMQP.BasicProperties bigHeaders =
        MessageProperties.PERSISTENT_BASIC
            .builder()
            .messageId("h1")
            .headers(Map.of("x-big", "b".repeat(FRAME_MAX - 200)))
            .build();
    Outcome notJson = send("{not json".getBytes(UTF_8), bigHeaders);
    assertThat(notJson.queue()).isEqualTo(rabbit.deadLetterQueue);
    assertThat(notJson.header("x-dead-letter-reason")).isEqualTo("not-json");
    assertThat(notJson.header("x-big")).isNull();
    assertThat(notJson.header("x-original-headers-dropped")).contains("frame");
    assertThat(notJson.message().getProps().getMessageId()).isEqualTo("h1");
    assertNeverRequeued();
  }

  /** A TEXT message padded with {@code text_payload} to exactly {@code size} bytes. */
  private static byte[] bodyOfSize(String messageId, int size) throws IOException {
    Map<String, Object> message = text(messageId);
    message.put("text_payload", "");
    int empty = Rabbit.JSON.writeValueAsBytes(message).length;
    message.put("text_payload", "p".repeat(size - empty));
    byte[] body = Rabbit.JSON.writeValueAsBytes(message);
    assertThat(body).hasSize(size);
    return body;
  }
}
