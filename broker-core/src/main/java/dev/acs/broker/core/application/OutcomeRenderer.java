package dev.acs.broker.core.application;

import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.message.Destination;
import dev.acs.broker.core.message.FieldEdits;
import dev.acs.broker.core.message.MessageEnvelope;
import dev.acs.broker.core.message.MessageType;
import dev.acs.broker.core.message.OutboundMessage;
import dev.acs.broker.core.message.WireFields;
import dev.acs.broker.core.port.InboundMessage;
import dev.acs.broker.core.routing.RoutingDecision;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Turns a decision into the message to publish, with exactly the body changes SPEC §4 prescribes
 * and the explanatory headers.
 */
final class OutcomeRenderer {

  /** Header naming the broker that routed the message. */
  static final String ROUTED_BY = "x-routed-by";

  /** Header naming the routing policy. */
  static final String ROUTING_POLICY = "x-routing-policy";

  /** Header explaining the decision. */
  static final String ROUTING_REASON = "x-routing-reason";

  /** Header with the dead-letter reason code. */
  static final String DEAD_LETTER_REASON = "x-dead-letter-reason";

  /** Header with the dead-letter explanation. */
  static final String DEAD_LETTER_DETAIL = "x-dead-letter-detail";

  private static final FieldEdits MARK_ROUTED =
      FieldEdits.builder().set(WireFields.ROUTING_STATUS, WireFields.STATUS_ROUTED).build();

  private static final FieldEdits MARK_ERROR_IF_MISSING =
      FieldEdits.builder().setIfAbsent(WireFields.ROUTING_STATUS, WireFields.STATUS_ERROR).build();

  /**
   * Bound of each per-value cache below; past it the cache is emptied and refilled (values are
   * agent ids and decision reasons, few in practice).
   */
  private static final int CACHE_LIMIT = 4096;

  private final BrokerIdentity identity;
  private final String policyName;
  private final DecisionHeaders headers;
  private final ErrorReceiver errorReceiver;
  private final Map<String, String> routedByOnly;
  // Immutable values computed once per agent / per reason instead of once per message.
  private final ConcurrentHashMap<String, FieldEdits> reassignToAgent = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Map<String, String>> fullHeadersForReason =
      new ConcurrentHashMap<>();

  OutcomeRenderer(
      BrokerIdentity identity,
      String policyName,
      DecisionHeaders headers,
      ErrorReceiver errorReceiver) {
    this.identity = identity;
    this.policyName = policyName;
    this.headers = headers;
    this.errorReceiver = errorReceiver;
    this.routedByOnly = Map.of(ROUTED_BY, identity.id());
  }

  /** The message to publish, or {@code null} when the decision publishes nothing. */
  @Nullable OutboundMessage render(RoutingDecision decision, InboundMessage inbound) {
    MessageEnvelope envelope = inbound.envelope();
    // Java 17 has no pattern matching for switch; the chain below covers every permitted subtype.
    if (decision instanceof RoutingDecision.Deliver deliver) {
      FieldEdits edits = deliver.explicitReceiver() ? MARK_ROUTED : reassign(deliver);
      return toServer(inbound.document().render(edits), envelope, decision);
    }
    if (decision instanceof RoutingDecision.ForwardError) {
      return toServer(inbound.document().render(MARK_ERROR_IF_MISSING), envelope, decision);
    }
    if (decision instanceof RoutingDecision.Reject reject) {
      return toServer(inbound.document().render(errorReply(envelope, reject)), envelope, decision);
    }
    if (decision instanceof RoutingDecision.DeadLetter deadLetter) {
      return deadLetter(inbound, deadLetter);
    }
    if (decision instanceof RoutingDecision.Absorb) {
      return null;
    }
    if (decision instanceof RoutingDecision.ReturnToClient answer) {
      return toServer(inbound.document().render(toClient(answer)), envelope, decision);
    }
    throw new IllegalStateException("no rendering for decision " + decision);
  }

  /** The original body in the dead-letter queue, with the reason in headers. */
  OutboundMessage deadLetter(InboundMessage inbound, RoutingDecision.DeadLetter decision) {
    return new OutboundMessage(
        Destination.DEAD_LETTER,
        inbound.document().original(),
        Map.of(
            DEAD_LETTER_REASON, decision.code().code(),
            DEAD_LETTER_DETAIL, decision.reason(),
            ROUTED_BY, identity.id()),
        inbound.envelope().messageId());
  }

  private FieldEdits reassign(RoutingDecision.Deliver deliver) {
    String agent = deliver.agent().id().value();
    FieldEdits edits = reassignToAgent.get(agent);
    if (edits == null) {
      edits =
          FieldEdits.builder()
              .remove(WireFields.BROADCAST, WireFields.TARGET_AGENT_ID, WireFields.CLIENT_ID)
              .set(WireFields.RECEIVER_ID, agent)
              .set(WireFields.ROUTING_STATUS, WireFields.STATUS_ROUTED)
              .build();
      cache(reassignToAgent, agent, edits);
    }
    return edits;
  }

  private static <V> void cache(ConcurrentHashMap<String, V> cache, String key, V value) {
    if (cache.size() >= CACHE_LIMIT) {
      cache.clear();
    }
    cache.put(key, value);
  }

  private Map<String, String> fullHeaders(String reason) {
    Map<String, String> full = fullHeadersForReason.get(reason);
    if (full == null) {
      full =
          Map.of(
              ROUTED_BY, identity.id(),
              ROUTING_POLICY, policyName,
              ROUTING_REASON, reason);
      cache(fullHeadersForReason, reason, full);
    }
    return full;
  }

  private static FieldEdits toClient(RoutingDecision.ReturnToClient answer) {
    return FieldEdits.builder()
        .remove(WireFields.BROADCAST, WireFields.TARGET_AGENT_ID)
        .set(WireFields.RECEIVER_ID, answer.clientId())
        .set(WireFields.ROUTING_STATUS, WireFields.STATUS_ROUTED)
        .build();
  }

  private FieldEdits errorReply(MessageEnvelope envelope, RoutingDecision.Reject reject) {
    if (errorReceiver == ErrorReceiver.SERVER) {
      // SPEC §7: the form the real server turns into a routing-failure notice for the frontends.
      return FieldEdits.builder()
          .retainOnly(WireFields.MESSAGE_ID, WireFields.TEXT_PAYLOAD, WireFields.CLIENT_ID)
          .set(WireFields.MESSAGE_TYPE, MessageType.ERROR.name())
          .set(WireFields.SENDER_ID, identity.id())
          .set(WireFields.RECEIVER_ID, ErrorReceiver.SERVER_RECEIVER_ID)
          .set(WireFields.ROUTING_STATUS, WireFields.STATUS_ERROR)
          .set(WireFields.ROUTING_STATUS_MESSAGE, reject.errorDetails())
          .set(WireFields.ERROR_DETAILS, reject.errorDetails())
          .setIfAbsent(WireFields.TEXT_PAYLOAD, "")
          .build();
    }
    FieldEdits.Builder edits =
        FieldEdits.builder()
            .retainOnly(WireFields.MESSAGE_ID, WireFields.TEXT_PAYLOAD)
            .set(WireFields.MESSAGE_TYPE, MessageType.ERROR.name())
            .set(WireFields.SENDER_ID, identity.id());
    String sender = envelope.senderId();
    if (sender != null) {
      edits.set(WireFields.RECEIVER_ID, sender);
    }
    return edits
        .set(WireFields.ROUTING_STATUS, WireFields.STATUS_ERROR)
        .set(WireFields.ERROR_DETAILS, reject.errorDetails())
        .build();
  }

  private OutboundMessage toServer(
      byte[] body, MessageEnvelope envelope, RoutingDecision decision) {
    return new OutboundMessage(
        Destination.SERVER, body, serverHeaders(decision), envelope.messageId());
  }

  /** The decision headers of a message to the server, as {@link #headers} asks. */
  private Map<String, String> serverHeaders(RoutingDecision decision) {
    return switch (headers) {
      case NONE -> Map.of();
      case ROUTED_BY -> routedByOnly;
      case FULL -> fullHeaders(decision.reason());
    };
  }
}
