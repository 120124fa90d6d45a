package dev.acs.broker.adapter.amqp.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.acs.broker.core.message.DeadLetterReason;
import dev.acs.broker.core.message.MessageEnvelope;
import dev.acs.broker.core.message.MessageType;
import dev.acs.broker.core.message.OutboundMessage;
import dev.acs.broker.core.message.WireFields;
import java.io.IOException;
import java.util.Objects;

/**
 * Reads and writes the broker's JSON message bodies for any transport.
 *
 * <p>{@link #decode} validates a body (size, strict UTF-8, one JSON object, nesting depth, the
 * types of the fields the broker reads) in one streaming pass over the top level, and yields the
 * envelope plus a document that renders the onward body by splicing: members the core's edits do
 * not name are copied byte for byte, so nothing the broker does not touch can change. A body that
 * cannot be routed is a {@link MalformedMessageException} with the dead-letter reason.
 *
 * <p>A UTF-8 byte order mark at the start is tolerated (RFC 8259 §8.1 allows a parser to ignore it)
 * and not rendered onward; the document's {@code original()} still has it. JSON {@code null} in a
 * field the broker reads counts as absent.
 *
 * <p>Thread-safe; one instance serves every consumer thread.
 */
public final class JsonMessageCodec {

  private static final int BOM_LENGTH = 3;

  private final int maxBytes;
  private final JsonFactory factory;
  private final StatusUpdateReader statusUpdates;

  /**
   * A codec with these limits.
   *
   * @param maxBytes bodies larger than this are {@code too-large}; at least 2 (the size of {@code
   *     {}})
   * @param maxDepth nesting deeper than this is {@code too-deep}; at least 1
   * @throws IllegalArgumentException when a limit is out of range
   */
  public JsonMessageCodec(int maxBytes, int maxDepth) {
    if (maxBytes < 2) {
      throw new IllegalArgumentException("maxBytes must allow at least '{}', was " + maxBytes);
    }
    if (maxDepth < 1) {
      throw new IllegalArgumentException("maxDepth must be at least 1, was " + maxDepth);
    }
    this.maxBytes = maxBytes;
    this.factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(maxDepth).build())
            .build();
    this.statusUpdates = new StatusUpdateReader(new ObjectMapper(factory));
  }

  /**
   * Reads one body. The body array is kept by the document, not copied: the caller must not change
   * it afterwards.
   *
   * @throws MalformedMessageException when the body cannot be routed, with the reason to
   *     dead-letter it under
   */
  public DecodedMessage decode(byte[] body) throws MalformedMessageException {
    Objects.requireNonNull(body, "body");
    if (body.length > maxBytes) {
      throw new MalformedMessageException(
          DeadLetterReason.TOO_LARGE,
          "body of " + body.length + " bytes exceeds the limit of " + maxBytes);
    }
    int start = hasBom(body) ? BOM_LENGTH : 0;
    int invalid = Utf8.firstInvalid(body, start, body.length);
    if (invalid >= 0) {
      throw new MalformedMessageException(
          DeadLetterReason.NOT_UTF8, "invalid UTF-8 sequence at byte offset " + invalid);
    }
    EnvelopeFields fields = new EnvelopeFields();
    TopLevelMembers members;
    try (JsonParser parser = factory.createParser(body, start, body.length - start)) {
      members = TopLevelMembers.scan(parser, body, start, fields);
    } catch (StreamConstraintsException tooDeep) {
      DeadLetterReason reason =
          String.valueOf(tooDeep.getMessage()).contains("nesting depth")
              ? DeadLetterReason.TOO_DEEP
              : DeadLetterReason.NOT_JSON;
      throw new MalformedMessageException(reason, firstLine(tooDeep));
    } catch (JsonProcessingException notJson) {
      throw new MalformedMessageException(DeadLetterReason.NOT_JSON, firstLine(notJson));
    } catch (IOException impossible) {
      throw new MalformedMessageException(DeadLetterReason.NOT_JSON, String.valueOf(impossible));
    }
    String type = fields.messageType();
    if (type == null) {
      throw new MalformedMessageException(
          DeadLetterReason.MISSING_MESSAGE_TYPE, "message_type is missing");
    }
    MessageEnvelope.Builder envelope = fields.toEnvelope(type);
    if (MessageType.parse(type) == MessageType.AGENT_STATUS_UPDATE) {
      envelope.statusUpdate(
          statusUpdates.read(
              body,
              members,
              members.lastIndexOf(WireFields.AGENTS),
              members.lastIndexOf(WireFields.IS_FULL_UPDATE)));
    }
    return new DecodedMessage(envelope.build(), members.document(body, start));
  }

  /**
   * The bytes to send for {@code message}: its body, exactly as the core rendered it from the
   * decoded document with its edits spliced in, so a transport never re-serialises JSON and cannot
   * change a field the broker did not touch. The message's headers are not written into the body
   * (the contract fixes the JSON); a transport carries them as its own metadata (AMQP headers here)
   * or leaves them out.
   */
  public byte[] encode(OutboundMessage message) {
    return Objects.requireNonNull(message, "message").body();
  }

  private static boolean hasBom(byte[] body) {
    return body.length >= BOM_LENGTH
        && body[0] == (byte) 0xEF
        && body[1] == (byte) 0xBB
        && body[2] == (byte) 0xBF;
  }

  private static String firstLine(Exception e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
