package dev.acs.broker.core.application;

import dev.acs.broker.core.agent.AgentId;
import dev.acs.broker.core.message.DeadLetterReason;
import dev.acs.broker.core.message.MessageEnvelope;
import dev.acs.broker.core.routing.RoutingDecision;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A bounded, expiring memory of the messages this broker delivered to agents, to follow agents'
 * answers by their {@code original_message_id} (SPEC §7): it counts the hops of an agent-to-agent
 * chain and stops it at the limit, and can send an answer back to the frontend client that started
 * the conversation.
 *
 * <p>A message is an answer when its {@code original_message_id} names a remembered message and its
 * sender is the agent that message was delivered to. A frontend's message is hop 0, the answer to
 * it hop 1, and so on. What this replica did not route (another replica did, or the memory forgot
 * it) starts a new count: the limit bounds chains, it does not promise an exact count across
 * replicas.
 *
 * <p>Thread-safe; each call holds one lock for a map lookup or insert.
 */
final class AnswerChains {

  /** What the broker knows about one delivered message. */
  private record Link(
      int hops, String deliveredTo, @Nullable String originClient, long expiresAt) {}

  private final int maxHops;
  private final boolean answersToClient;
  private final Clock clock;
  private final int capacity;
  private final long ttlMillis;
  private final LinkedHashMap<String, Link> links = new LinkedHashMap<>();

  /**
   * A memory of at most {@code capacity} messages, each forgotten after {@code ttl}.
   *
   * @param maxHops the longest chain routed to agents; 0 for no limit
   * @param answersToClient whether an answer goes back to the conversation's frontend client
   */
  AnswerChains(int maxHops, boolean answersToClient, Clock clock, int capacity, Duration ttl) {
    if (maxHops < 0) {
      throw new IllegalArgumentException("max hops must not be negative, was " + maxHops);
    }
    if (capacity < 1) {
      throw new IllegalArgumentException("answer memory must hold at least 1 message");
    }
    this.maxHops = maxHops;
    this.answersToClient = answersToClient;
    this.clock = clock;
    this.capacity = capacity;
    this.ttlMillis = ttl.toMillis();
  }

  /** Whether this memory changes anything at all; when not, nothing needs remembering. */
  boolean active() {
    return maxHops > 0 || answersToClient;
  }

  /**
   * The decision for an answer that must not be routed the usual way, or {@code null} to route it
   * as SPEC §4 says.
   */
  @Nullable RoutingDecision check(MessageEnvelope message) {
    if (!active()) {
      return null;
    }
    Link parent = parentOf(message);
    if (parent == null) {
      return null;
    }
    if (answersToClient && parent.originClient() != null) {
      return new RoutingDecision.ReturnToClient(
          parent.originClient(),
          "an agent's answer goes back to the client that asked (--answers-to client)");
    }
    int hops = parent.hops() + 1;
    if (maxHops > 0 && hops > maxHops) {
      return new RoutingDecision.DeadLetter(
          DeadLetterReason.HOP_LIMIT,
          "answer would be hop "
              + hops
              + " of an agent-to-agent chain, above --max-hops "
              + maxHops
              + " (agents answer without a receiver, so the chain would not end)");
    }
    return null;
  }

  /** Remembers that {@code message} was delivered to {@code agent}. */
  void delivered(MessageEnvelope message, AgentId agent) {
    String id = message.messageId();
    if (!active() || id == null || id.isBlank()) {
      return;
    }
    long now = clock.millis();
    synchronized (links) {
      Link parent = parentLocked(message, now);
      int hops = parent == null ? 0 : parent.hops() + 1;
      String origin = parent == null ? clientOf(message) : parent.originClient();
      links.remove(id); // re-inserted at the young end
      links.put(id, new Link(hops, agent.value(), origin, now + ttlMillis));
      Iterator<Link> oldest = links.values().iterator();
      while (oldest.hasNext()) {
        Link next = oldest.next();
        if (links.size() <= capacity && next.expiresAt() > now) {
          break;
        }
        oldest.remove();
      }
    }
  }

  /** How many messages are remembered now, for tests. */
  int size() {
    synchronized (links) {
      return links.size();
    }
  }

  private @Nullable Link parentOf(MessageEnvelope message) {
    synchronized (links) {
      return parentLocked(message, clock.millis());
    }
  }

  private @Nullable Link parentLocked(MessageEnvelope message, long now) {
    String original = message.originalMessageId();
    String sender = message.senderId();
    if (original == null || sender == null) {
      return null;
    }
    Link link = links.get(original);
    if (link == null || link.expiresAt() <= now || !link.deliveredTo().equals(sender)) {
      return null;
    }
    return link;
  }

  /** The frontend client a message comes from, or {@code null} when it is not a frontend's. */
  private static @Nullable String clientOf(MessageEnvelope message) {
    String client = message.clientId();
    if (client != null && !client.isBlank()) {
      return client;
    }
    return "frontend".equals(message.connectionType()) ? message.senderId() : null;
  }

  @Override
  public String toString() {
    return "AnswerChains{maxHops=" + maxHops + ", answersToClient=" + answersToClient + "}";
  }
}
