package dev.acs.broker.adapter.amqp;

import com.rabbitmq.client.AMQP;
import dev.acs.broker.core.application.RedeliveryGuard;
import dev.acs.broker.core.message.DeadLetterReason;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets aside input the broker will not handle (unreadable, or redelivered too often): republishes
 * it, with confirms, to the dead-letter queue with the reason in headers, and acknowledges the
 * original only once that publish is confirmed; if it is not, the original is requeued.
 *
 * <p>Called on the consumer's delivery thread; never blocks (the confirm completes later, on the
 * publisher's confirm thread, which then settles the original).
 */
final class DeadLetters {

  // The consumer's logger, so that dead-lettering log lines keep the name operators filter on.
  private static final Logger LOG = LoggerFactory.getLogger(AmqpInboundMessages.class);

  static final String DEAD_LETTER_REASON_HEADER = "x-dead-letter-reason";
  static final String DEAD_LETTER_DETAIL_HEADER = "x-dead-letter-detail";
  static final int MAX_DETAIL_LENGTH = 200;

  /** Set on a dead letter whose original headers did not fit beside the broker's own. */
  static final String ORIGINAL_HEADERS_DROPPED_HEADER = "x-original-headers-dropped";

  private static final int PERSISTENT = 2;

  private final AmqpSettings settings;
  private final AmqpOutboundPublisher publisher;
  private final RedeliveryGuard redeliveries;
  private final AmqpListener listener;

  DeadLetters(
      AmqpSettings settings,
      AmqpOutboundPublisher publisher,
      RedeliveryGuard redeliveries,
      AmqpListener listener) {
    this.settings = settings;
    this.publisher = publisher;
    this.redeliveries = redeliveries;
    this.listener = listener;
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

  /** Sets aside a message that keeps coming back, whatever made it come back. */
  void redeliveredTooOften(
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
  // The completion settles the input itself; ack and requeue report a lost channel on their own.
  @SuppressWarnings("FutureReturnValueIgnored")
  void deadLetter(
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
