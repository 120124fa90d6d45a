package dev.acs.broker.core.routing;

import dev.acs.broker.core.agent.Agent;
import dev.acs.broker.core.agent.AgentId;
import dev.acs.broker.core.agent.AgentView;
import dev.acs.broker.core.message.DeadLetterReason;
import dev.acs.broker.core.message.MessageEnvelope;
import dev.acs.broker.core.message.MessageType;
import java.util.Objects;
import java.util.Optional;

/**
 * The routing rules of SPEC §4 around a pluggable {@link RoutingPolicy}: what happens to each
 * message type, the explicit-receiver rule, and the reference error texts when nobody can take a
 * message. Stateless and thread-safe if the policy is.
 */
public final class MessageRouter {

  private static final RoutingDecision PARK =
      new RoutingDecision.Park("no agent can take the message yet; waiting for one");

  /** SPEC §4: the error text when no agent but possibly the sender is available. */
  public static final String NO_OTHER_AGENTS =
      "No other online agents available to handle the message.";

  private final RoutingPolicy policy;
  private final boolean parkWhenNobodyAvailable;
  private final String choiceReason;

  /**
   * A router that asks {@code policy} whenever the broker must choose the receiver, and rejects at
   * once when nobody is available (the reference behaviour).
   */
  public MessageRouter(RoutingPolicy policy) {
    this(policy, false);
  }

  /**
   * A router that asks {@code policy} whenever the broker must choose the receiver.
   *
   * @param parkWhenNobodyAvailable answer {@link RoutingDecision.Park} instead of rejecting when no
   *     agent is available (or the policy prefers to wait), so the caller can retry later
   */
  public MessageRouter(RoutingPolicy policy, boolean parkWhenNobodyAvailable) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.parkWhenNobodyAvailable = parkWhenNobodyAvailable;
    this.choiceReason = policy.name() + " choice among available agents";
  }

  /** Whether this router parks messages nobody can take yet. */
  public boolean parks() {
    return parkWhenNobodyAvailable;
  }

  /** The policy that chooses receivers. */
  public RoutingPolicy policy() {
    return policy;
  }

  /** SPEC §4: the error text when the sender is the only available agent. */
  public static String onlyYouOnline(String agentName) {
    return "Only you (" + agentName + ") are online right now.";
  }

  /**
   * Decides what to do with one message given the current view of the agents. Status updates are
   * not applied here: {@code AGENT_STATUS_UPDATE} yields {@link RoutingDecision.Absorb} and the
   * caller applies the update to its registry.
   */
  public RoutingDecision decide(MessageEnvelope message, AgentView agents) {
    return decide(message, agents, parkWhenNobodyAvailable);
  }

  /**
   * Decides for a parked message whose time is up: like {@link #decide}, but never parks again, so
   * the answer is a delivery or the reference rejection.
   */
  public RoutingDecision decideFinally(MessageEnvelope message, AgentView agents) {
    return decide(message, agents, false);
  }

  private RoutingDecision decide(MessageEnvelope message, AgentView agents, boolean mayPark) {
    MessageType type = message.type();
    if (type == MessageType.ERROR) {
      return new RoutingDecision.ForwardError(
          "ERROR messages are forwarded to the server unchanged");
    }
    if (type == MessageType.AGENT_STATUS_UPDATE) {
      return message.statusUpdate() == null
          ? new RoutingDecision.DeadLetter(
              DeadLetterReason.MALFORMED_STATUS_UPDATE,
              "AGENT_STATUS_UPDATE without a readable 'agents' list")
          : new RoutingDecision.Absorb("agent status update applied to the registry");
    }
    if (!type.isRoutable()) {
      return new RoutingDecision.DeadLetter(
          DeadLetterReason.UNHANDLED_MESSAGE_TYPE,
          "message_type '" + message.rawType() + "' is not routed by the broker");
    }
    Optional<AgentId> receiver = message.receiverAgent();
    if (receiver.isPresent() && !message.hasErrorStatus() && agents.isAvailable(receiver.get())) {
      Agent named = agents.get(receiver.get());
      if (named != null) {
        return new RoutingDecision.Deliver(named, true, "explicit receiver is available");
      }
    }
    Optional<Agent> chosen = policy.choose(message, agents, mayPark);
    if (chosen.isPresent()) {
      return new RoutingDecision.Deliver(chosen.get(), false, choiceReason);
    }
    if (mayPark) {
      return PARK;
    }
    return reject(message, agents);
  }

  private static RoutingDecision reject(MessageEnvelope message, AgentView agents) {
    Optional<AgentId> sender = message.senderAgent();
    if (sender.isPresent() && agents.availableCount() == 1 && agents.isAvailable(sender.get())) {
      Agent self = agents.get(sender.get());
      String name = self == null ? sender.get().value() : self.displayName();
      return new RoutingDecision.Reject(
          onlyYouOnline(name), "the sender is the only available agent");
    }
    return new RoutingDecision.Reject(
        NO_OTHER_AGENTS, "no available agent other than the sender (" + agents.size() + " known)");
  }
}
