package dev.acs.broker.core.testing;

import dev.acs.broker.core.message.MessageEnvelope;
import dev.acs.broker.core.message.WireFields;
import dev.acs.broker.core.port.Acknowledgement;
import dev.acs.broker.core.port.InboundHandler;
import dev.acs.broker.core.port.InboundMessage;
import dev.acs.broker.core.port.InboundMessages;
import dev.acs.broker.core.port.Subscription;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory input: messages offered before {@link #start} wait in order and are delivered when
 * it is called; afterwards each offer is delivered at once on the caller's thread. Every delivery
 * records how it was settled.
 */
public final class FakeInboundMessages implements InboundMessages {

  /** How a delivered message was settled. */
  public enum Settlement {
    PENDING,
    ACKED,
    REQUEUED
  }

  private final Queue<Delivery> waiting = new ArrayDeque<>();
  private final List<Delivery> delivered = new ArrayList<>();
  private @Nullable InboundHandler handler;

  @Override
  public synchronized Subscription start(InboundHandler newHandler) {
    if (handler != null) {
      throw new IllegalStateException("already started");
    }
    handler = newHandler;
    while (!waiting.isEmpty()) {
      deliver(waiting.remove());
    }
    return this::stop;
  }

  /** Whether a handler is attached. */
  public synchronized boolean isStarted() {
    return handler != null;
  }

  /**
   * Offers a message whose body holds the envelope's fields plus {@code extraFields}; returns the
   * delivery to inspect its settlement.
   */
  public Delivery offer(MessageEnvelope envelope, Map<String, String> extraFields) {
    Map<String, String> fields = new LinkedHashMap<>();
    putIfPresent(fields, WireFields.MESSAGE_ID, envelope.messageId());
    fields.put(WireFields.MESSAGE_TYPE, envelope.rawType());
    putIfPresent(fields, WireFields.SENDER_ID, envelope.senderId());
    putIfPresent(fields, WireFields.RECEIVER_ID, envelope.receiverId());
    putIfPresent(fields, WireFields.ROUTING_STATUS, envelope.routingStatus());
    putIfPresent(fields, WireFields.CLIENT_ID, envelope.clientId());
    putIfPresent(fields, WireFields.CONNECTION_TYPE, envelope.connectionType());
    putIfPresent(fields, WireFields.ORIGINAL_MESSAGE_ID, envelope.originalMessageId());
    fields.putAll(extraFields);
    return offer(envelope, FlatDocument.of(fields));
  }

  /** Offers a message with exactly this envelope and document. */
  public synchronized Delivery offer(MessageEnvelope envelope, FlatDocument document) {
    Delivery delivery = new Delivery(envelope, document);
    if (handler == null) {
      waiting.add(delivery);
    } else {
      deliver(delivery);
    }
    return delivery;
  }

  /** Every message delivered so far, in order. */
  public synchronized List<Delivery> delivered() {
    return List.copyOf(delivered);
  }

  private void deliver(Delivery delivery) {
    delivered.add(delivery);
    InboundHandler current = handler;
    if (current != null) {
      current.handle(delivery.message());
    }
  }

  private synchronized void stop() {
    handler = null;
  }

  private static void putIfPresent(
      Map<String, String> fields, String name, @Nullable String value) {
    if (value != null) {
      fields.put(name, value);
    }
  }

  /** One offered message and how it was settled. */
  public static final class Delivery implements Acknowledgement {
    private final InboundMessage message;
    private Settlement settlement = Settlement.PENDING;
    private int settleCalls;

    Delivery(MessageEnvelope envelope, FlatDocument document) {
      this.message = new InboundMessage(envelope, document, this);
    }

    /** The message as handed to the handler. */
    public InboundMessage message() {
      return message;
    }

    /** The settlement so far. */
    public synchronized Settlement settlement() {
      return settlement;
    }

    /** How many times ack or requeue was called (a correct handler calls exactly once). */
    public synchronized int settleCalls() {
      return settleCalls;
    }

    @Override
    public synchronized void ack() {
      settleCalls++;
      settlement = Settlement.ACKED;
    }

    @Override
    public synchronized void requeue() {
      settleCalls++;
      settlement = Settlement.REQUEUED;
    }
  }
}
