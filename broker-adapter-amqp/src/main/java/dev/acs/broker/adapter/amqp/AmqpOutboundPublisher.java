package dev.acs.broker.adapter.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import dev.acs.broker.adapter.amqp.json.JsonMessageCodec;
import dev.acs.broker.core.message.Destination;
import dev.acs.broker.core.message.OutboundMessage;
import dev.acs.broker.core.message.PublishException;
import dev.acs.broker.core.message.PublishFailure;
import dev.acs.broker.core.port.OutboundPublisher;
import java.io.IOException;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes persistent messages to the default exchange with {@code mandatory} set and confirms
 * tracked asynchronously: the future of a publish completes on the server's basic.ack, and fails on
 * a basic.nack, a basic.return (unroutable), or the loss of the channel.
 *
 * <p>Publishes from several threads are serialized by a short lock around {@code
 * getNextPublishSeqNo} and {@code basicPublish}: confirm sequence numbers are only meaningful in
 * the channel's publish order.
 */
final class AmqpOutboundPublisher extends AmqpEndpoint implements OutboundPublisher {

  private static final Logger LOG = LoggerFactory.getLogger(AmqpOutboundPublisher.class);

  /** Header naming the queue a dead-lettered message was taken from. */
  static final String ORIGINAL_QUEUE_HEADER = "x-original-queue";

  private static final int PERSISTENT = 2;

  /** The channel of one generation with its confirm bookkeeping. */
  private static final class Session {
    final Channel channel;
    final long generation;
    final ConfirmTracker tracker;
    final int frameMax;

    Session(Channel channel, long generation, ConfirmTracker tracker) {
      this.channel = channel;
      this.generation = generation;
      this.tracker = tracker;
      com.rabbitmq.client.Connection connection = channel.getConnection();
      this.frameMax = connection == null ? 0 : connection.getFrameMax();
    }
  }

  private final ReentrantLock publishLock = new ReentrantLock();
  private final AmqpLimits limits;
  private final JsonMessageCodec codec;
  private final ConfirmTracker.Observer confirmObserver;
  private volatile @Nullable Session session;

  AmqpOutboundPublisher(
      String connectionName,
      AmqpSettings settings,
      ConnectionFactory factory,
      ScheduledExecutorService lifecycle,
      AmqpListener listener,
      Runnable onStateChange) {
    this(
        connectionName,
        settings,
        factory,
        lifecycle,
        listener,
        onStateChange,
        AmqpLimits.rabbitMqDefaults(),
        new Random());
  }

  AmqpOutboundPublisher(
      String connectionName,
      AmqpSettings settings,
      ConnectionFactory factory,
      ScheduledExecutorService lifecycle,
      AmqpListener listener,
      Runnable onStateChange,
      AmqpLimits limits,
      Random random) {
    super(
        "publisher", connectionName, settings, factory, lifecycle, listener, onStateChange, random);
    this.limits = limits;
    this.codec = new JsonMessageCodec(settings.maxMessageBytes(), settings.maxJsonDepth());
    this.confirmObserver =
        new ConfirmTracker.Observer() {
          @Override
          public void confirmed(long latencyNanos) {
            listener.confirmed(latencyNanos);
          }

          @Override
          public void failed(String reason) {
            listener.publishFailed(reason);
          }
        };
  }

  @Override
  void opened(Channel channel, long generation) throws IOException {
    declareQueues(channel);
    channel.confirmSelect();
    ConfirmTracker tracker = new ConfirmTracker(System::nanoTime, confirmObserver);
    channel.addConfirmListener(
        (seqNo, multiple) -> AckBatch.run(() -> tracker.ack(seqNo, multiple)),
        (seqNo, multiple) -> AckBatch.run(() -> tracker.nack(seqNo, multiple)));
    channel.addReturnListener(
        returned ->
            tracker.returned(
                returned.getRoutingKey(),
                returned.getBody(),
                "returned as unroutable by the server: "
                    + returned.getReplyCode()
                    + " "
                    + returned.getReplyText()
                    + " (routing key "
                    + returned.getRoutingKey()
                    + ")"));
    session = new Session(channel, generation, tracker);
  }

  @Override
  void lost(long generation, String reason) {
    Session current = session;
    if (current != null && current.generation == generation) {
      session = null;
      current.tracker.failAll("publisher channel lost before the confirm: " + reason);
    }
  }

  @Override
  public CompletionStage<Void> publish(OutboundMessage message) {
    Map<String, Object> headers;
    String queue;
    boolean withMessageId = true;
    if (message.destination() == Destination.DEAD_LETTER) {
      queue = settings.deadLetterQueue();
      headers = new HashMap<>(message.headers().size() + 2);
      headers.putAll(message.headers());
      headers.computeIfPresent(
          DeadLetters.DEAD_LETTER_DETAIL_HEADER,
          (name, detail) -> DeadLetters.shortDetail(String.valueOf(detail)));
      headers.put(ORIGINAL_QUEUE_HEADER, settings.inputQueue());
    } else {
      queue = settings.outputQueue();
      // BasicProperties copies the table itself; no copy of ours is needed.
      headers = Collections.<String, Object>unmodifiableMap(message.headers());
      withMessageId = settings.publishMessageId();
    }
    AMQP.BasicProperties.Builder properties =
        new AMQP.BasicProperties.Builder().deliveryMode(PERSISTENT);
    if (withMessageId) {
      // An id that cannot be a short string stays in the body only, for every destination.
      properties.messageId(AmqpLimits.shortString(message.messageId()));
    }
    return publish(queue, properties, headers, codec.encode(message));
  }

  /**
   * Publishes {@code body} to {@code queue} with these properties and headers; the future settles
   * with the confirm.
   */
  CompletableFuture<Void> publish(
      String queue,
      AMQP.BasicProperties.Builder properties,
      Map<String, Object> headers,
      byte[] body) {
    Session current = session;
    if (current == null) {
      listener.publishFailed("publisher channel not open");
      return CompletableFuture.failedFuture(
          new ConfirmTracker.PublishFailedException(
              "the publisher channel to " + settings.endpoint() + " is not open"));
    }
    AMQP.BasicProperties built = properties.headers(headers.isEmpty() ? null : headers).build();
    String problem = limits.problem(built, body, current.frameMax);
    if (problem != null) {
      return CompletableFuture.failedFuture(
          new PublishException(new PublishFailure.Unpublishable(problem)));
    }
    publishLock.lock();
    try {
      long seqNo = current.channel.getNextPublishSeqNo();
      CompletableFuture<Void> confirmed = current.tracker.register(seqNo, queue, body);
      try {
        current.channel.basicPublish("", queue, true, built, body);
      } catch (IOException | AlreadyClosedException failure) {
        LOG.debug("publish {} failed locally: {}", seqNo, failure.toString());
        current.tracker.sendFailed(seqNo, "publish failed: " + AmqpFailures.describe(failure));
      } catch (IllegalArgumentException doesNotFit) {
        // A value AmqpLimits did not foresee. amqp-client counted the sequence number before it
        // failed to encode, so this channel's confirms would now be matched to the wrong publishes:
        // replace the channel (its other unconfirmed publishes fail and are retried).
        LOG.warn(
            "A message did not fit AMQP ({}); reopening the publisher channel to keep confirms"
                + " in step",
            doesNotFit.getMessage());
        current.tracker.unpublishable(
            seqNo, "the message does not fit AMQP: " + doesNotFit.getMessage());
        try {
          lifecycle().execute(() -> abortQuietly(current.channel));
        } catch (java.util.concurrent.RejectedExecutionException closing) {
          LOG.debug("transport closing; the channel goes with it");
        }
      }
      return confirmed;
    } finally {
      publishLock.unlock();
    }
  }

  /**
   * Why a publish with these properties and body cannot go out on the current channel, or {@code
   * null} when it fits (or no channel is open: then the publish fails as a transport failure).
   */
  @Nullable String problem(AMQP.BasicProperties properties, byte[] body) {
    Session current = session;
    return limits.problem(properties, body, current == null ? 0 : current.frameMax);
  }

  /** How many publishes await their confirm on the current channel. */
  int outstanding() {
    Session current = session;
    return current == null ? 0 : current.tracker.outstanding();
  }
}
