package dev.acs.broker.adapter.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.acs.broker.adapter.amqp.json.DecodedMessage;
import dev.acs.broker.adapter.amqp.json.JsonMessageCodec;
import dev.acs.broker.adapter.amqp.json.MalformedMessageException;
import dev.acs.broker.core.application.RedeliveryGuard;
import dev.acs.broker.core.message.DeadLetterReason;
import dev.acs.broker.core.port.InboundHandler;
import dev.acs.broker.core.port.InboundMessage;
import dev.acs.broker.core.port.InboundMessages;
import dev.acs.broker.core.port.Subscription;
import java.io.IOException;
import java.util.Map;
import java.util.Random;
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

  /** The header in which a RabbitMQ quorum queue counts the earlier deliveries of a message. */
  static final String DELIVERY_COUNT_HEADER = "x-delivery-count";

  private final JsonMessageCodec codec;
  private final DeadLetters deadLetters;
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
      Runnable onStateChange,
      Random random) {
    super(
        "consumer", connectionName, settings, factory, lifecycle, listener, onStateChange, random);
    this.redeliveries = redeliveries;
    this.codec = new JsonMessageCodec(settings.maxMessageBytes(), settings.maxJsonDepth());
    this.deadLetters = new DeadLetters(settings, publisher, redeliveries, listener);
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
      LOG.warn(
          "Could not change consumption of {}: {}",
          settings.inputQueue(),
          AmqpFailures.describe(failure));
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
        deadLetters.redeliveredTooOften(body, properties, verdict, acknowledgement);
        return;
      }
      DecodedMessage decoded;
      try {
        decoded = codec.decode(body);
      } catch (MalformedMessageException malformed) {
        deadLetters.deadLetter(
            body, properties, malformed.reason(), malformed.detail(), acknowledgement);
        return;
      }
      try {
        target.handle(new InboundMessage(decoded.envelope(), decoded.document(), acknowledgement));
      } catch (RuntimeException bug) {
        LOG.error(
            "The handler failed on {}; dead-lettering it", decoded.envelope().describe(), bug);
        deadLetters.deadLetter(
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

  /** The queue's own count of earlier deliveries (quorum queues), or {@code null}. */
  static @Nullable Long deliveryCount(AMQP.BasicProperties properties) {
    Map<String, Object> headers = properties.getHeaders();
    if (headers == null) {
      return null;
    }
    Object count = headers.get(DELIVERY_COUNT_HEADER);
    return count instanceof Number number ? number.longValue() : null;
  }
}
