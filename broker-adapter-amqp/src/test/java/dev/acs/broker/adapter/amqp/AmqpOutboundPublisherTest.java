package dev.acs.broker.adapter.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import dev.acs.broker.core.message.Destination;
import dev.acs.broker.core.message.OutboundMessage;
import dev.acs.broker.core.message.PublishFailure;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** The properties the publisher hands to {@code basic.publish}, at the amqp-client edge. */
class AmqpOutboundPublisherTest {

  private static final byte[] BODY = "{\"message_id\":\"k3x9qa\"}".getBytes(StandardCharsets.UTF_8);

  private final ScheduledExecutorService lifecycle = Executors.newSingleThreadScheduledExecutor();
  private final Channel channel = mock(Channel.class);

  @AfterEach
  void stopLifecycle() {
    lifecycle.shutdownNow();
  }

  private AMQP.BasicProperties published(AmqpSettings settings, OutboundMessage message)
      throws Exception {
    when(channel.getNextPublishSeqNo()).thenReturn(1L);
    AmqpOutboundPublisher publisher =
        new AmqpOutboundPublisher(
            "broker test publisher",
            settings,
            mock(ConnectionFactory.class),
            lifecycle,
            AmqpListener.NONE,
            () -> {});
    publisher.opened(channel, 1);

    publisher.publish(message);

    ArgumentCaptor<AMQP.BasicProperties> properties =
        ArgumentCaptor.forClass(AMQP.BasicProperties.class);
    String queue =
        message.destination() == Destination.DEAD_LETTER
            ? settings.deadLetterQueue()
            : settings.outputQueue();
    verify(channel).basicPublish(eq(""), eq(queue), eq(true), properties.capture(), eq(BODY));
    return properties.getValue();
  }

  private static OutboundMessage toServer() {
    return new OutboundMessage(
        Destination.SERVER, BODY, Map.of("x-routed-by", "broker_1"), "k3x9qa");
  }

  @Test
  void byDefault_messagesToTheServerCarryTheMessageIdProperty() throws Exception {
    AMQP.BasicProperties properties = published(AmqpSettings.defaults(), toServer());

    assertThat(properties.getMessageId()).isEqualTo("k3x9qa");
    assertThat(properties.getDeliveryMode()).isEqualTo(2);
    assertThat(properties.getHeaders()).containsKey("x-routed-by");
  }

  @Test
  void withoutPublishMessageId_messagesToTheServerHaveNoMessageIdProperty() throws Exception {
    AMQP.BasicProperties properties =
        published(AmqpSettings.builder().publishMessageId(false).build(), toServer());

    assertThat(properties.getMessageId()).isNull();
    assertThat(properties.getDeliveryMode()).isEqualTo(2);
    assertThat(properties.getHeaders()).containsKey("x-routed-by");
  }

  @Test
  void withoutPublishMessageId_deadLettersKeepTheirMessageId() throws Exception {
    OutboundMessage deadLetter =
        new OutboundMessage(
            Destination.DEAD_LETTER, BODY, Map.of("x-dead-letter-reason", "bad_json"), "k3x9qa");

    AMQP.BasicProperties properties =
        published(AmqpSettings.builder().publishMessageId(false).build(), deadLetter);

    assertThat(properties.getMessageId()).isEqualTo("k3x9qa");
    assertThat(properties.getHeaders())
        .containsKeys("x-dead-letter-reason", AmqpOutboundPublisher.ORIGINAL_QUEUE_HEADER);
  }

  @Test
  void anIdThatIsNoShortString_isLeftOutOfTheProperty_forEveryDestination() throws Exception {
    for (String id : new String[] {"x".repeat(5000), "é".repeat(128), "id\uD800"}) {
      for (Destination destination : Destination.values()) {
        org.mockito.Mockito.reset(channel);
        OutboundMessage message = new OutboundMessage(destination, BODY, Map.of(), id);

        assertThat(published(AmqpSettings.defaults(), message).getMessageId())
            .as("%s to %s", id.length(), destination)
            .isNull();
      }
    }
    org.mockito.Mockito.reset(channel);
    OutboundMessage longest =
        new OutboundMessage(Destination.SERVER, BODY, Map.of(), "x".repeat(255));
    assertThat(published(AmqpSettings.defaults(), longest).getMessageId()).hasSize(255);
  }

  @Test
  void aMessageOverTheLimits_failsAsUnpublishable_withoutTouchingTheChannel() throws Exception {
    AmqpOutboundPublisher publisher = openPublisher(new AmqpLimits(BODY.length - 1));

    CompletableFuture<Void> result = publisher.publish(toServer()).toCompletableFuture();

    assertThat(result).isCompletedExceptionally();
    assertThat(failureOf(result))
        .isInstanceOf(PublishFailure.Unpublishable.class)
        .extracting(PublishFailure::detail)
        .asString()
        .startsWith("body of " + BODY.length + " bytes is larger than");
    verify(channel, never())
        .basicPublish(any(), any(), anyBoolean(), any(AMQP.BasicProperties.class), any());
  }

  @Test
  void basicPublishRefusingTheMessage_failsItAsUnpublishable_andReplacesTheChannel()
      throws Exception {
    AmqpOutboundPublisher publisher = openPublisher(AmqpLimits.rabbitMqDefaults());
    doThrow(new IllegalArgumentException("Short string too long"))
        .when(channel)
        .basicPublish(any(), any(), anyBoolean(), any(AMQP.BasicProperties.class), any());
    when(channel.isOpen()).thenReturn(true);

    CompletableFuture<Void> result = publisher.publish(toServer()).toCompletableFuture();

    assertThat(failureOf(result))
        .isEqualTo(
            new PublishFailure.Unpublishable(
                "the message does not fit AMQP: Short string too long"));
    // The client counted a sequence number the server never saw: the channel must go.
    verify(channel, timeout(5_000)).abort();
  }

  private AmqpOutboundPublisher openPublisher(AmqpLimits limits) throws Exception {
    when(channel.getNextPublishSeqNo()).thenReturn(1L);
    AmqpOutboundPublisher publisher =
        new AmqpOutboundPublisher(
            "broker test publisher",
            AmqpSettings.defaults(),
            mock(ConnectionFactory.class),
            lifecycle,
            AmqpListener.NONE,
            () -> {},
            limits,
            new Random(1));
    publisher.opened(channel, 1);
    return publisher;
  }

  private static PublishFailure failureOf(CompletableFuture<Void> result) {
    try {
      result.join();
    } catch (java.util.concurrent.CompletionException failed) {
      return PublishFailure.of(failed);
    }
    throw new AssertionError("the publish did not fail");
  }

  @Test
  void noHeaders_publishNoHeaderTable() throws Exception {
    OutboundMessage bare = new OutboundMessage(Destination.SERVER, BODY, Map.of(), "k3x9qa");

    AMQP.BasicProperties properties =
        published(AmqpSettings.builder().publishMessageId(false).build(), bare);

    assertThat(properties.getHeaders()).isNull();
    assertThat(properties.getMessageId()).isNull();
  }
}
