package dev.acs.broker.core.embedding;

import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.agent.Agent;
import dev.acs.broker.core.agent.AgentStatusUpdate;
import dev.acs.broker.core.application.BrokerCore;
import dev.acs.broker.core.message.Destination;
import dev.acs.broker.core.message.FieldEdits;
import dev.acs.broker.core.message.MessageDocument;
import dev.acs.broker.core.message.MessageEnvelope;
import dev.acs.broker.core.message.OutboundMessage;
import dev.acs.broker.core.port.Acknowledgement;
import dev.acs.broker.core.port.AgentStatusListener;
import dev.acs.broker.core.port.AgentStatusSource;
import dev.acs.broker.core.port.InboundHandler;
import dev.acs.broker.core.port.InboundMessage;
import dev.acs.broker.core.port.InboundMessages;
import dev.acs.broker.core.port.OutboundPublisher;
import dev.acs.broker.core.port.Subscription;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;

/** A service that routes chat messages with the broker's core over a transport of its own. */
public final class EmbeddingExample {

  private EmbeddingExample() {}

  /** Builds the core over the three ports and starts it: first agent snapshot, then consuming. */
  public static BrokerCore startRouting(InMemoryTransport transport) throws InterruptedException {
    BrokerCore core =
        BrokerCore.builder(new BrokerIdentity("broker_embedded", "Embedded broker"))
            .statusSource(transport)
            .inbound(transport)
            .publisher(transport)
            .policy("least-loaded")
            .parkTimeout(Duration.ofSeconds(30))
            .build();
    core.start(Duration.ofSeconds(10));
    return core;
  }

  /** A message on this transport: its fields, in order, encoded like an HTML form. */
  public record Mail(Destination destination, Map<String, String> fields) {

    static byte[] encode(Map<String, String> fields) {
      List<String> pairs = new ArrayList<>();
      fields.forEach(
          (name, value) ->
              pairs.add(
                  URLEncoder.encode(name, StandardCharsets.UTF_8)
                      + "="
                      + URLEncoder.encode(value, StandardCharsets.UTF_8)));
      return String.join("&", pairs).getBytes(StandardCharsets.UTF_8);
    }

    static Map<String, String> decode(byte[] body) {
      Map<String, String> fields = new LinkedHashMap<>();
      for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
        String[] nameAndValue = pair.split("=", 2);
        fields.put(
            URLDecoder.decode(nameAndValue[0], StandardCharsets.UTF_8),
            URLDecoder.decode(nameAndValue[1], StandardCharsets.UTF_8));
      }
      return fields;
    }
  }

  /** The body of an input message: the core renders its decision into a copy of the fields. */
  record MailDocument(Map<String, String> fields) implements MessageDocument {
    @Override
    public byte[] original() {
      return Mail.encode(fields);
    }

    @Override
    public byte[] render(FieldEdits edits) {
      return Mail.encode(edits.applyTo(fields, value -> value));
    }
  }

  /**
   * The service's transport, all three ports in one: an agent directory that announces every change
   * as a full snapshot, an input that keeps each message until the core settles it, and an output
   * that takes a message at once (a real one completes the stage when its broker confirms).
   */
  public static final class InMemoryTransport
      implements AgentStatusSource, InboundMessages, OutboundPublisher {

    private final List<AgentStatusListener> directory = new ArrayList<>();
    private List<Agent> agents = List.of();
    private InboundHandler handler = message -> {};
    private final List<Map<String, String>> unsettled = new ArrayList<>();
    private final List<Map<String, String>> requeued = new ArrayList<>();
    private final BlockingQueue<Mail> published = new LinkedBlockingQueue<>();

    /** The agents now, as the service's directory knows them. */
    public synchronized void agentsAre(List<Agent> now) {
      agents = List.copyOf(now);
      directory.forEach(listener -> listener.onStatus(AgentStatusUpdate.snapshot(agents)));
    }

    @Override
    public synchronized Subscription subscribe(AgentStatusListener listener) {
      directory.add(listener);
      listener.onStatus(AgentStatusUpdate.snapshot(agents));
      return () -> unsubscribe(listener);
    }

    private synchronized void unsubscribe(AgentStatusListener listener) {
      directory.remove(listener);
    }

    @Override
    public synchronized Subscription start(InboundHandler newHandler) {
      handler = newHandler;
      return () -> stop(newHandler);
    }

    private synchronized void stop(InboundHandler stopped) {
      if (handler == stopped) {
        handler = message -> {};
      }
    }

    /** Puts a message on the input; the core decides on the caller's thread. */
    public void send(Map<String, String> fields) {
      MessageEnvelope envelope =
          MessageEnvelope.builder(fields.getOrDefault("message_type", ""))
              .messageId(fields.get("message_id"))
              .senderId(fields.get("sender_id"))
              .receiverId(fields.get("receiver_id"))
              .routingStatus(fields.get("routing_status"))
              .clientId(fields.get("_client_id"))
              .build();
      InboundHandler current;
      synchronized (this) {
        unsettled.add(fields);
        current = handler;
      }
      current.handle(new InboundMessage(envelope, new MailDocument(fields), settling(fields)));
    }

    private Acknowledgement settling(Map<String, String> fields) {
      return new Acknowledgement() {
        @Override
        public void ack() {
          settled(fields, false);
        }

        @Override
        public void requeue() {
          settled(fields, true);
        }
      };
    }

    private synchronized void settled(Map<String, String> fields, boolean again) {
      unsettled.remove(fields);
      if (again) {
        requeued.add(fields); // a real transport delivers it again, here or to another replica
      }
    }

    @Override
    public CompletionStage<Void> publish(OutboundMessage message) {
      published.add(new Mail(message.destination(), Mail.decode(message.body())));
      return CompletableFuture.completedFuture(null);
    }

    /** Messages taken from the input and not yet settled. */
    public synchronized int unsettled() {
      return unsettled.size();
    }

    /** Messages the core gave back because their outcome could not be published. */
    public synchronized List<Map<String, String>> requeued() {
      return List.copyOf(requeued);
    }

    /** The output, in publishing order. */
    public BlockingQueue<Mail> published() {
      return published;
    }
  }
}
