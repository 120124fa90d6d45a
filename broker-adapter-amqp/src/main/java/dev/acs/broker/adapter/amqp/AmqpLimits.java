package dev.acs.broker.adapter.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.LongString;
import java.io.IOException;
import java.util.Date;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What fits into one AMQP publish to RabbitMQ, checked before {@code basicPublish} so that a
 * message that cannot fit fails as {@code unpublishable} instead of breaking the channel.
 *
 * <p>The limits (RabbitMQ 3.10 defaults, {@code rabbitmqctl environment}):
 *
 * <ul>
 *   <li>a short string (message-id, correlation-id, type, a header name...) is at most 255 bytes of
 *       UTF-8; amqp-client throws {@code IllegalArgumentException} for a longer one, and silently
 *       writes {@code ?} for an unpaired UTF-16 surrogate;
 *   <li>all properties and headers travel in one content-header frame, which must fit {@code
 *       frame_max} (131,072 bytes by default, negotiated per connection); amqp-client throws {@code
 *       IllegalArgumentException} for a bigger one;
 *   <li>a body is at most {@code max_message_size} (134,217,728 bytes = 128 MiB by default);
 *       RabbitMQ closes the channel on a bigger one, failing every other publish in flight.
 * </ul>
 *
 * <p>amqp-client counts a publish sequence number before it encodes the frames, so a publish that
 * throws leaves the channel's confirm numbering one ahead of the server's: checking first keeps the
 * channel usable. Thread-safe (stateless but for the limit).
 */
final class AmqpLimits {

  /** The longest short string, in UTF-8 bytes. */
  static final int MAX_SHORT_STRING_BYTES = 255;

  /** RabbitMQ's default {@code max_message_size} (3.8 to 3.13). */
  static final int RABBITMQ_MAX_MESSAGE_BYTES = 128 * 1024 * 1024;

  /** Bytes of a content-header frame besides the property values: frame, class, flags, sizes. */
  private static final int HEADER_FRAME_OVERHEAD = 7 + 1 + 12 + 2 + 64;

  private final int maxBodyBytes;

  AmqpLimits(int maxBodyBytes) {
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("maxBodyBytes must be positive, was " + maxBodyBytes);
    }
    this.maxBodyBytes = maxBodyBytes;
  }

  /** RabbitMQ 3.10's default limits. */
  static AmqpLimits rabbitMqDefaults() {
    return new AmqpLimits(RABBITMQ_MAX_MESSAGE_BYTES);
  }

  /**
   * {@code value} when it can be an AMQP short string as it is, else {@code null}: more than 255
   * bytes of UTF-8, or an unpaired surrogate (which would arrive as {@code ?}, a different value).
   * Callers leave the property out rather than shorten it: a shortened id would name nothing.
   */
  static @Nullable String shortString(@Nullable String value) {
    if (value == null) {
      return null;
    }
    int length = value.length();
    if (length > MAX_SHORT_STRING_BYTES) {
      return null;
    }
    int bytes = 0;
    for (int i = 0; i < length; i++) {
      char c = value.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)) {
        if (i + 1 >= length || !Character.isLowSurrogate(value.charAt(i + 1))) {
          return null;
        }
        bytes += 4;
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return null;
      } else {
        bytes += 3;
      }
    }
    return bytes <= MAX_SHORT_STRING_BYTES ? value : null;
  }

  /**
   * Why this publish cannot go out on a connection with {@code frameMax}, or {@code null} when it
   * fits. Cheap for ordinary messages: the header is encoded for an exact answer only when a quick
   * upper bound of its size does not fit.
   *
   * @param frameMax the negotiated frame size, 0 for none
   */
  @Nullable String problem(AMQP.BasicProperties properties, byte[] body, int frameMax) {
    if (body.length > maxBodyBytes) {
      return "body of "
          + body.length
          + " bytes is larger than RabbitMQ's maximum message size of "
          + maxBodyBytes
          + " bytes";
    }
    long bound = upperBound(properties);
    if (bound >= 0 && (frameMax == 0 || bound <= frameMax)) {
      return null;
    }
    int size;
    try {
      size = properties.toFrame(0, body.length).size();
    } catch (IOException | IllegalArgumentException doesNotFit) {
      return "a property or header does not fit AMQP: " + doesNotFit.getMessage();
    }
    if (frameMax > 0 && size > frameMax) {
      return "properties and headers take "
          + size
          + " bytes, more than the frame of "
          + frameMax
          + " bytes that must hold them";
    }
    return null;
  }

  /**
   * An upper bound of the encoded content header, or -1 when a value must be encoded to know (a
   * nested table, or a string that may be too long for a short string).
   */
  private static long upperBound(AMQP.BasicProperties properties) {
    long size = HEADER_FRAME_OVERHEAD;
    for (String shortValue :
        new String[] {
          properties.getContentType(),
          properties.getContentEncoding(),
          properties.getCorrelationId(),
          properties.getReplyTo(),
          properties.getExpiration(),
          properties.getMessageId(),
          properties.getType(),
          properties.getUserId(),
          properties.getAppId(),
          properties.getClusterId()
        }) {
      if (shortValue != null) {
        if (shortValue.length() * 3L > MAX_SHORT_STRING_BYTES) {
          return -1;
        }
        size += 1 + shortValue.length() * 3L;
      }
    }
    Map<String, Object> headers = properties.getHeaders();
    if (headers != null) {
      for (Map.Entry<String, Object> header : headers.entrySet()) {
        String name = header.getKey();
        if (name.length() * 3L > MAX_SHORT_STRING_BYTES) {
          return -1;
        }
        size += 1 + name.length() * 3L + 1;
        Object value = header.getValue();
        if (value instanceof String text) {
          size += 4 + text.length() * 3L;
        } else if (value instanceof LongString bytes) {
          size += 4 + bytes.length();
        } else if (value instanceof byte[] bytes) {
          size += 4 + bytes.length;
        } else if (value == null
            || value instanceof Integer
            || value instanceof Long
            || value instanceof Short
            || value instanceof Byte
            || value instanceof Double
            || value instanceof Float
            || value instanceof Boolean
            || value instanceof Date) {
          size += 9;
        } else {
          return -1;
        }
      }
    }
    return size;
  }
}
