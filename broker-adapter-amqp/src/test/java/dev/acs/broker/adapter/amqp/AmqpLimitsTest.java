package dev.acs.broker.adapter.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AmqpLimitsTest {

  private static final int FRAME_MAX = 131_072;

  @Test
  void shortString_keepsWhatFits_upTo255BytesOfUtf8() {
    assertThat(AmqpLimits.shortString("k3x9qa")).isEqualTo("k3x9qa");
    assertThat(AmqpLimits.shortString("a".repeat(255))).hasSize(255);
    assertThat(AmqpLimits.shortString("a".repeat(256))).isNull();
    assertThat(AmqpLimits.shortString("é".repeat(127))).isNotNull(); // 254 bytes
    assertThat(AmqpLimits.shortString("é".repeat(128))).isNull(); // 256 bytes
    assertThat(AmqpLimits.shortString("€".repeat(85))).isNotNull(); // 255 bytes
    assertThat(AmqpLimits.shortString("€".repeat(86))).isNull();
    assertThat(AmqpLimits.shortString("😀".repeat(63))).isNotNull(); // 252 bytes
    assertThat(AmqpLimits.shortString("😀".repeat(64))).isNull(); // 256 bytes
    assertThat(AmqpLimits.shortString(null)).isNull();
    assertThat(AmqpLimits.shortString("")).isEmpty();
  }

  @Test
  void shortString_refusesUnpairedSurrogates_whichAmqpClientWouldTurnIntoQuestionMarks() {
    assertThat(AmqpLimits.shortString("id\uD800")).isNull();
    assertThat(AmqpLimits.shortString("\uDC00id")).isNull();
    assertThat(AmqpLimits.shortString("a\uD800b")).isNull();
    assertThat(AmqpLimits.shortString("\uD83D\uDE00")).isEqualTo("😀");
  }

  @Test
  void aBodyJustUnderOrAtTheLimit_fits_oneByteMoreDoesNot() {
    AmqpLimits limits = new AmqpLimits(1024);
    AMQP.BasicProperties none = new AMQP.BasicProperties();

    assertThat(limits.problem(none, new byte[1023], FRAME_MAX)).isNull();
    assertThat(limits.problem(none, new byte[1024], FRAME_MAX)).isNull();
    assertThat(limits.problem(none, new byte[1025], FRAME_MAX))
        .isEqualTo(
            "body of 1025 bytes is larger than RabbitMQ's maximum message size of 1024 bytes");
  }

  @Test
  void theDefaultBodyLimit_isRabbitMq310sMaxMessageSize() {
    assertThat(AmqpLimits.RABBITMQ_MAX_MESSAGE_BYTES).isEqualTo(134_217_728);
  }

  @Test
  void aHeaderTableJustUnderTheFrame_fits_justOverDoesNot() throws Exception {
    AmqpLimits limits = AmqpLimits.rabbitMqDefaults();
    // Find the largest value that fits by encoding, then check the limit's answer on both sides.
    int overhead = headers("").toFrame(0, 2).size(); // the frame with an empty value, in bytes
    int fitting = FRAME_MAX - overhead;

    assertThat(headers("v".repeat(fitting)).toFrame(0, 2).size()).isEqualTo(FRAME_MAX);
    assertThat(limits.problem(headers("v".repeat(fitting)), new byte[2], FRAME_MAX)).isNull();
    assertThat(limits.problem(headers("v".repeat(fitting + 1)), new byte[2], FRAME_MAX))
        .isEqualTo(
            "properties and headers take "
                + (FRAME_MAX + 1)
                + " bytes, more than the frame of 131072 bytes that must hold them");
  }

  @Test
  void aHeaderNameOrPropertyThatIsNoShortString_isAProblem_notAnException() {
    AmqpLimits limits = AmqpLimits.rabbitMqDefaults();
    AMQP.BasicProperties longName =
        new AMQP.BasicProperties.Builder().headers(Map.of("n".repeat(256), "v")).build();
    AMQP.BasicProperties longId =
        new AMQP.BasicProperties.Builder().messageId("i".repeat(5000)).build();

    assertThat(limits.problem(longName, new byte[2], FRAME_MAX))
        .startsWith("a property or header does not fit AMQP: Short string too long");
    assertThat(limits.problem(longId, new byte[2], FRAME_MAX))
        .isEqualTo(
            "a property or header does not fit AMQP: Short string too long; utf-8 encoded"
                + " length = 5000, max = 255.");
  }

  @Test
  void ordinaryMessages_fitWithoutBeingEncoded() {
    AMQP.BasicProperties ordinary =
        new AMQP.BasicProperties.Builder()
            .messageId("k3x9qa")
            .deliveryMode(2)
            .headers(
                Map.of(
                    "x-routed-by", "broker_1",
                    "x-routing-policy", "least-loaded",
                    "x-routing-reason", "least outstanding work"))
            .build();

    assertThat(AmqpLimits.rabbitMqDefaults().problem(ordinary, new byte[100], FRAME_MAX)).isNull();
  }

  @Test
  void aNonPositiveBodyLimit_isRefused() {
    assertThatThrownBy(() -> new AmqpLimits(0)).hasMessageContaining("positive");
  }

  private static AMQP.BasicProperties headers(String value) {
    return new AMQP.BasicProperties.Builder()
        .deliveryMode(2)
        .headers(Map.of("x-big", value))
        .build();
  }
}
