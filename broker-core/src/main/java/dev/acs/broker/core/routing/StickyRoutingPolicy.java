package dev.acs.broker.core.routing;

import dev.acs.broker.core.agent.Agent;
import dev.acs.broker.core.agent.AgentId;
import dev.acs.broker.core.agent.AgentView;
import dev.acs.broker.core.agent.HashRing;
import dev.acs.broker.core.message.MessageEnvelope;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Keeps a conversation with the same agent while that agent is available.
 *
 * <p>The conversation is {@link MessageEnvelope#affinityKey()}: the frontend client, or the sender
 * in an agent-to-agent exchange. Its agent is found on the view's consistent-hash {@link HashRing}
 * over every available agent, so broker replicas that see the same agents agree without talking,
 * and an agent joining or leaving moves only the conversations on its arcs.
 *
 * <p>When the conversation's agent is in a less preferred tier (busy, by default), the message goes
 * to the least loaded agent of the best tier instead, unless the policy is configured to wait for
 * the conversation's agent, in which case the message is parked while parking is allowed. Messages
 * without any key fall back to least-loaded.
 */
public final class StickyRoutingPolicy implements RoutingPolicy {

  /** The name used in configuration and headers. */
  public static final String NAME = "sticky";

  private final LeastLoadedRoutingPolicy fallback;
  private final boolean waitForStickyAgent;

  /**
   * A sticky policy falling back to least-loaded over {@code work}, drawing from {@code random}.
   *
   * @param waitForStickyAgent park rather than fall back when the conversation's agent is busy
   */
  public StickyRoutingPolicy(
      OutstandingWork work, RandomGenerator random, boolean waitForStickyAgent) {
    this.fallback =
        new LeastLoadedRoutingPolicy(
            Objects.requireNonNull(work, "work"), Objects.requireNonNull(random, "random"));
    this.waitForStickyAgent = waitForStickyAgent;
  }

  @Override
  public Optional<Agent> choose(MessageEnvelope message, AgentView agents) {
    return choose(message, agents, false);
  }

  @Override
  public Optional<Agent> choose(MessageEnvelope message, AgentView agents, boolean mayWait) {
    Optional<String> key = message.affinityKey();
    if (key.isEmpty()) {
      return fallback.choose(message, agents);
    }
    AgentId sender = Candidates.senderOf(message.senderId());
    Agent sticky = agents.ring().owner(key.get(), sender);
    if (sticky == null) {
      return Optional.empty();
    }
    int stickyTier = agents.tierOf(sticky);
    if (stickyTier == 0) {
      return Optional.of(sticky);
    }
    if (waitForStickyAgent && mayWait) {
      return Optional.empty(); // park until the conversation's own agent is free
    }
    int bestTier = Candidates.firstTierWithCandidates(agents, sender);
    if (stickyTier <= bestTier) {
      return Optional.of(sticky); // nobody is freer than the conversation's agent
    }
    return Optional.of(fallback.leastLoadedOfTwo(agents, bestTier, sender));
  }

  @Override
  public String name() {
    return NAME;
  }
}
