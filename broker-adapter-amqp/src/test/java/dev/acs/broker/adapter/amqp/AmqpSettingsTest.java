package dev.acs.broker.adapter.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AmqpSettingsTest {

  @Test
  void defaults_followSpec() {
    AmqpSettings settings = AmqpSettings.defaults();

    assertThat(settings.inputQueue()).isEqualTo("broker_input_queue");
    assertThat(settings.outputQueue()).isEqualTo("server_input_queue");
    assertThat(settings.deadLetterQueue()).isEqualTo("broker_dead_letter_queue");
    assertThat(settings.port()).isEqualTo(5672);
    assertThat(settings.virtualHost()).isEqualTo("/");
    assertThat(settings.prefetch()).isEqualTo(250);
    assertThat(settings.maxMessageBytes()).isEqualTo(1024 * 1024);
    assertThat(settings.tls()).isFalse();
    assertThat(settings.tlsVerifyHostname()).isTrue();
    assertThat(settings.publishMessageId()).isTrue();
  }

  @Test
  void publishMessageId_canBeTurnedOff_andShowsInToString() {
    AmqpSettings settings = AmqpSettings.builder().publishMessageId(false).build();

    assertThat(settings.publishMessageId()).isFalse();
    assertThat(settings.toString()).contains("publishMessageId=false");
    assertThat(settings.toBuilder().build()).isEqualTo(settings);
    assertThat(AmqpSettings.defaults().toString()).contains("publishMessageId=true");
  }

  @Test
  void toString_neverShowsThePassword() {
    AmqpSettings settings = AmqpSettings.builder().username("svc").password("s3cr3t-pw").build();

    assertThat(settings.toString()).doesNotContain("s3cr3t-pw").contains("svc@127.0.0.1:5672");
  }

  @Test
  void invalidValues_areRejectedWithTheirName() {
    assertThatThrownBy(() -> AmqpSettings.builder().port(0).build()).hasMessageContaining("port");
    assertThatThrownBy(() -> AmqpSettings.builder().prefetch(0).build())
        .hasMessageContaining("prefetch");
    assertThatThrownBy(() -> AmqpSettings.builder().host(" ").build()).hasMessageContaining("host");
    assertThatThrownBy(() -> AmqpSettings.builder().outputQueue("broker_input_queue").build())
        .hasMessageContaining("must differ");
    assertThatThrownBy(() -> AmqpSettings.builder().inputQueue("amq.x").build())
        .hasMessageContaining("inputQueue");
    assertThatThrownBy(
            () ->
                AmqpSettings.builder()
                    .reconnectBackoff(Duration.ofSeconds(5), Duration.ofSeconds(1))
                    .build())
        .hasMessageContaining("reconnectMax");
    assertThatThrownBy(() -> AmqpSettings.builder().maxJsonDepth(0).build())
        .hasMessageContaining("maxJsonDepth");
  }

  @Test
  void heartbeat_defaultsTo15s_acceptsWholeSecondsAndZero_rejectsTheRest() {
    assertThat(AmqpSettings.defaults().heartbeat()).isEqualTo(Duration.ofSeconds(15));
    assertThat(AmqpSettings.builder().heartbeat(Duration.ofSeconds(2)).build().heartbeat())
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(AmqpSettings.builder().heartbeat(Duration.ZERO).build().heartbeat()).isZero();

    assertThatThrownBy(() -> AmqpSettings.builder().heartbeat(Duration.ofMillis(1500)).build())
        .hasMessageContaining("heartbeat");
    assertThatThrownBy(() -> AmqpSettings.builder().heartbeat(Duration.ofSeconds(-1)).build())
        .hasMessageContaining("heartbeat");
    assertThatThrownBy(() -> AmqpSettings.builder().heartbeat(Duration.ofSeconds(65_536)).build())
        .hasMessageContaining("heartbeat");
  }

  @Test
  void toBuilder_keepsEveryValue() {
    AmqpSettings settings =
        AmqpSettings.builder()
            .host("mq")
            .port(5671)
            .tls(true)
            .prefetch(10)
            .maxJsonDepth(8)
            .heartbeat(Duration.ofSeconds(3))
            .publishMessageId(false)
            .build();

    assertThat(settings.toBuilder().build()).isEqualTo(settings);
  }

  @Test
  void addresses_defaultToHostAndPort_andAListReplacesThem() {
    assertThat(AmqpSettings.defaults().addresses())
        .containsExactly(new AmqpAddress("127.0.0.1", 5672));
    AmqpSettings cluster =
        AmqpSettings.builder()
            .addresses(AmqpAddress.parseList("r1:5701,r2:5702,r3", 5672))
            .queueType(QueueType.QUORUM)
            .declareQueues(false)
            .build();

    assertThat(cluster.host()).isEqualTo("r1");
    assertThat(cluster.port()).isEqualTo(5701);
    assertThat(cluster.endpoint()).isEqualTo("r1:5701,r2:5702,r3:5672");
    assertThat(cluster.toString())
        .contains("guest@r1:5701,r2:5702,r3:5672")
        .contains("queueType=quorum")
        .contains("declareQueues=false");
    assertThat(cluster.toBuilder().build()).isEqualTo(cluster);
    assertThat(cluster.toBuilder().port(5800).build().addresses())
        .as("host/port is the one-address form")
        .containsExactly(new AmqpAddress("r1", 5800));
  }

  @Test
  void queueType_parsesTheWordsOperatorsUse() {
    assertThat(QueueType.parse(" Quorum ")).isEqualTo(QueueType.QUORUM);
    assertThat(QueueType.parse("classic")).isEqualTo(QueueType.CLASSIC);
    assertThat(QueueType.CLASSIC.declareArguments()).as("SPEC §3: no arguments").isNull();
    assertThat(QueueType.QUORUM.declareArguments()).containsEntry("x-queue-type", "quorum");
    assertThatThrownBy(() -> QueueType.parse("stream"))
        .hasMessageContaining("'stream'")
        .hasMessageContaining("classic or quorum");
  }
}
