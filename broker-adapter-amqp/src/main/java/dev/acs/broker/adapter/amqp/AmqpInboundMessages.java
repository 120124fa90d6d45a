package dev.acs.broker.adapter.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.acs.broker.core.application.RedeliveryGuard;
import dev.acs.broker.core.message.DeadLetterReason;
import dev.acs.broker.core.port.InboundHandler;
import dev.acs.broker.core.port.InboundMessage;
import dev.acs.broker.core.port.InboundMessages;
import dev.acs.broker.core.port.Subscription;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the input queue with manual acknowledgements and a bounded prefetch. Readable messages
 * go to the handler; unreadable ones are republished, with confirms, to the dead-letter queue with
 * the reason in headers, and acknowledged only once that publish is confirmed.
 *
 * <p>The consumer is registered only while a handler is set, the subscription is not cancelled and
 * the publisher is open: without a publisher every delivery would fail and be requeued in a tight
 * loop, so the adapter stops taking messages instead.
 */
final class AmqpInboundMessages extends AmqpEndpoint implements InboundMessages {

  private static final Logger LOG = LoggerFactory.getLogger(AmqpInboundMessages.class);

  static final String DEAD_LETTER_REASON_HEADER = "x-dead-letter-reason";
  static final String DEAD_LETTER_DETAIL_HEADER = "x-dead-letter-detail";
  static final int MAX_DETAIL_LENGTH = 200;

  /** Set on a dead letter whose original headers did not fit beside the broker's own. */
  static final String ORIGINAL_HEADERS_DROPPED_HEADER = "x-original-headers-dropped";

  /** The header in which a RabbitMQ quorum queue counts the earlier deliveries of a message. */
  static final String DELIVERY_COUNT_HEADER = "x-delivery-count";

  private static final int PERSISTENT = 2;

  private final JsonMessageCodec codec;
  private final AmqpOutboundPublisher publisher;
  private final String consumerTagPrefix;
  private final RedeliveryGuard redeliveries;

  private volatile @Nullable ConsumerSession session;
  private volatile @Nullable InboundHandler handler;
  private volatile boolean cancelled;
  private volatile boolean publisherOpen;
  // Lifecycle thread only:
  private @Nullable String consumerTag;
  private @Nullable ConsumerSession consumingOn;

  AmqpInboundMessages(
      String connectionName,
      String consumerTagPrefix,
      AmqpSettings settings,
      ConnectionFactory factory,
      ScheduledExecutorService lifecycle,
      AmqpListener listener,
      AmqpOutboundPublisher publisher,
      RedeliveryGuard redeliveries,
      Runnable onStateChange) {
    super("consumer", connectionName, settings, factory, lifecycle, listener, onStateChange);
    this.redeliveries = redeliveries;
    this.codec = new JsonMessageCodec(settings.maxMessageBytes(), settings.maxJsonDepth());
    this.publisher = publisher;
    this.consumerTagPrefix = consumerTagPrefix;
  }

  @Override
  public Subscription start(InboundHandler handler) {
    if (this.handler != null) {
      throw new IllegalStateException("the input queue is already being consumed");
    }
    this.handler = handler;
    lifecycle().execute(this::updateConsumption);
    return this::cancel;
  }

  private void cancel() {
    if (cancelled) {
      return;
    }
    cancelled = true;
    try {
      Future<?> done = lifecycle().submit(this::updateConsumption);
      done.get(settings.connectionTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException
        | TimeoutException
        | java.util.concurrent.RejectedExecutionException e) {
      LOG.debug("cancelling the consumer: {}", e.toString());
    }
  }

  /** Whether a consumer is registered right now. */
  boolean consuming() {
    ConsumerSession on = consumingOn;
    return on != null && on.isAlive();
  }

  /** The publisher opened or lost its channel: take messages only while it can publish. */
  void publisherAvailable(boolean open) {
    if (publisherOpen != open) {
      publisherOpen = open;
      try {
        lifecycle().execute(this::updateConsumption);
      } catch (java.util.concurrent.RejectedExecutionException closing) {
        LOG.debug("transport closing; consumption left as is");
      }
    }
  }

  @Override
  void opened(Channel channel, long generation) throws IOException {
    declareQueues(channel);
    channel.basicQos(settings.prefetch());
    session = new ConsumerSession(channel, generation, this::generation);
    consumerTag = null;
    consumingOn = null;
    updateConsumption();
  }

  @Override
  void lost(long generation, String reason) {
    ConsumerSession current = session;
    if (current != null && current.generation() == generation) {
      current.markDead();
      session = null;
    }
  }

  /** Registers or cancels the consumer to match the wanted state; lifecycle thread only. */
  private void updateConsumption() {
    ConsumerSession current = session;
    boolean wanted =
        handler != null && !cancelled && publisherOpen && current != null && !isClosed();
    if (consumingOn != null && consumingOn != current) {
      consumerTag = null; // its channel is gone, and the consumer with it
      consumingOn = null;
    }
    try {
      if (wanted && consumingOn == null && current != null) {
        consumerTag =
            current
                .channel()
                .basicConsume(
                    settings.inputQueue(),
                    false,
                    consumerTagPrefix + "-" + current.generation(),
                    new Consumer(current));
        consumingOn = current;
        LOG.info("Consuming {} (prefetch {})", settings.inputQueue(), settings.prefetch());
      } else if (!wanted && consumingOn != null && consumerTag != null) {
        String tag = consumerTag;
        ConsumerSession on = consumingOn;
        consumerTag = null;
        consumingOn = null;
        on.channel().basicCancel(tag);
        LOG.info(
            "Stopped consuming {} ({})",
            settings.inputQueue(),
            cancelled ? "cancelled" : publisherOpen ? "closing" : "publisher not open");
      }
    } catch (IOException | AlreadyClosedException failure) {
      LOG.warn("Could not change consumption of {}: {}", settings.inputQueue(), describe(failure));
    }
  }

  private final class Consumer extends DefaultConsumer {
    private final ConsumerSession on;

    Consumer(ConsumerSession on) {
      super(on.channel());
      this.on = on;
    }

    @Override
    public void handleDelivery(
        String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
      on.delivered(envelope.getDeliveryTag());
      DeliveryAcknowledgement acknowledgement =
          new DeliveryAcknowledgement(on, envelope.getDeliveryTag());
      InboundHandler target = handler;
      if (target == null || cancelled) {
        acknowledgement.requeue();
        return;
      }
      RedeliveryGuard.Verdict verdict =
          redeliveries.admit(body, envelope.isRedeliver(), deliveryCount(properties));
      if (!verdict.allowed()) {
        redeliveredTooOften(body, properties, verdict, acknowledgement);
        return;
      }
      JsonMessageCodec.Decoded decoded = codec.decode(body);
      if (decoded instanceof JsonMessageCodec.Rejected) {
        JsonMessageCodec.Rejected rejected = (JsonMessageCodec.Rejected) decoded;
        deadLetter(body, properties, rejected.reason(), rejected.detail(), acknowledgement);
        return;
      }
      JsonMessageCodec.Accepted accepted = (JsonMessageCodec.Accepted) decoded;
      try {
        target.handle(
            new InboundMessage(accepted.envelope(), accepted.document(), acknowledgement));
      } catch (RuntimeException bug) {
        LOG.error(
            "The handler failed on {}; dead-lettering it", accepted.envelope().describe(), bug);
        deadLetter(
            body, properties, DeadLetterReason.INTERNAL_ERROR, bug.toString(), acknowledgement);
      }
    }

    @Override
    public void handleCancel(String tag) {
      // The server cancelled us (the queue was deleted, say): reopen the channel, which declares
      // the queue again and consumes anew.
      LOG.warn("The server cancelled consumer {} on {}", tag, settings.inputQueue());
      lifecycle().execute(() -> abortQuietly(on.channel()));
    }
  }

  /** A dead-letter detail cut to {@link #MAX_DETAIL_LENGTH} characters, never inside a pair. */
  static String shortDetail(String detail) {
    if (detail.length() <= MAX_DETAIL_LENGTH) {
      return detail;
    }
    int end = MAX_DETAIL_LENGTH;
    if (Character.isHighSurrogate(detail.charAt(end - 1))) {
      end--;
    }
    return detail.substring(0, end);
  }

  /** The queue's own count of earlier deliveries (quorum queues), or {@code null}. */
  static @Nullable Long deliveryCount(AMQP.BasicProperties properties) {
    Map<String, Object> headers = properties.getHeaders();
    if (headers == null) {
      return null;
    }
    Object count = headers.get(DELIVERY_COUNT_HEADER);
    return count instanceof Number number ? number.longValue() : null;
  }

  /** Sets aside a message that keeps coming back, whatever made it come back. */
  private void redeliveredTooOften(
      byte[] body,
      AMQP.BasicProperties properties,
      RedeliveryGuard.Verdict verdict,
      DeliveryAcknowledgement acknowledgement) {
    deadLetter(
        body,
        properties,
        DeadLetterReason.REDELIVERED_TOO_OFTEN,
        "delivered "
            + verdict.attempt()
            + " times, more than the limit of "
            + redeliveries.maxDeliveries()
            + " (--max-deliveries); earlier attempts were returned to the queue",
        acknowledgement);
  }

  /** Republishes unreadable input to the dead-letter queue, then acks it; requeues on failure. */
  private void deadLetter(
      byte[] body,
      AMQP.BasicProperties original,
      DeadLetterReason reason,
      String detail,
      DeliveryAcknowledgement acknowledgement) {
    String shortDetail = shortDetail(detail);
    LOG.warn(
        "Dead-lettering a message from {} (message id {}): {}: {}",
        settings.inputQueue(),
        AmqpLimits.shortString(original.getMessageId()),
        reason.code(),
        shortDetail);
    Map<String, Object> ours = new HashMap<>();
    ours.put(DEAD_LETTER_REASON_HEADER, reason.code());
    ours.put(DEAD_LETTER_DETAIL_HEADER, shortDetail);
    ours.put(AmqpOutboundPublisher.ORIGINAL_QUEUE_HEADER, settings.inputQueue());
    Map<String, Object> headers = new HashMap<>();
    if (original.getHeaders() != null) {
      headers.putAll(original.getHeaders());
    }
    headers.putAll(ours);
    // user-id is checked against the publishing user and expiration would delete the evidence.
    // amqp-client decoded the short strings leniently (invalid UTF-8 as U+FFFD), so one may no
    // longer fit: such a property is left out rather than break the dead-lettering.
    AMQP.BasicProperties.Builder properties =
        new AMQP.BasicProperties.Builder()
            .contentType(AmqpLimits.shortString(original.getContentType()))
            .contentEncoding(AmqpLimits.shortString(original.getContentEncoding()))
            .priority(original.getPriority())
            .correlationId(AmqpLimits.shortString(original.getCorrelationId()))
            .replyTo(AmqpLimits.shortString(original.getReplyTo()))
            .messageId(AmqpLimits.shortString(original.getMessageId()))
            .timestamp(original.getTimestamp())
            .type(AmqpLimits.shortString(original.getType()))
            .appId(AmqpLimits.shortString(original.getAppId()))
            .deliveryMode(PERSISTENT);
    String problem = publisher.problem(properties.headers(headers).build(), body);
    if (problem != null) {
      // The original headers plus ours no longer fit: keep the body and the reason, which is what
      // the dead-letter queue is for, and say what was dropped.
      headers = new HashMap<>(ours);
      headers.put(ORIGINAL_HEADERS_DROPPED_HEADER, shortDetail(problem));
    }
    publisher
        .publish(settings.deadLetterQueue(), properties, headers, body)
        .whenComplete(
            (ignored, failure) -> {
              if (failure == null) {
                if (reason == DeadLetterReason.REDELIVERED_TOO_OFTEN) {
                  redeliveries.forget(body);
                }
                listener.deadLettered(reason);
                acknowledgement.ack();
              } else {
                LOG.warn(
                    "Dead-lettering failed, returning the message to its queue: {}",
                    failure.toString());
                acknowledgement.requeue();
              }
            });
  }
}
