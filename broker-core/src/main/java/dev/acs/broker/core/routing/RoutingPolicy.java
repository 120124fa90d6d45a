package dev.acs.broker.core.routing;

import dev.acs.broker.core.agent.Agent;
import dev.acs.broker.core.agent.AgentView;
import dev.acs.broker.core.message.MessageEnvelope;
import java.util.Optional;

/**
 * Chooses which available agent receives a message that names no usable receiver.
 *
 * <p>Implementations see only available agents through {@link AgentView}'s tiers, must never choose
 * the sender, and should prefer earlier tiers. They are called for every message, so they must not
 * allocate or scan in proportion to the number of agents.
 */
@FunctionalInterface
public interface RoutingPolicy {

  /** The chosen agent, or empty when no agent other than the sender is available. */
  Optional<Agent> choose(MessageEnvelope message, AgentView agents);

  /**
   * Like {@link #choose(MessageEnvelope, AgentView)}, but when {@code mayWait} is true the policy
   * may also answer empty because it prefers to wait for an agent that is not free yet (the message
   * is then parked and asked about again on the next change, and finally with {@code mayWait}
   * false). By default policies never wait.
   */
  default Optional<Agent> choose(MessageEnvelope message, AgentView agents, boolean mayWait) {
    return choose(message, agents);
  }

  /** The policy's name as configured and reported in {@code x-routing-policy}. */
  default String name() {
    return getClass().getSimpleName();
  }
}
