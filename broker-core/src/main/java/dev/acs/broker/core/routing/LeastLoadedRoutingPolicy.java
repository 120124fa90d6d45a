package dev.acs.broker.core.routing;

import dev.acs.broker.core.agent.Agent;
import dev.acs.broker.core.agent.AgentId;
import dev.acs.broker.core.agent.AgentView;
import dev.acs.broker.core.message.MessageEnvelope;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * "Power of two choices": draws two different candidates of the best tier at random and takes the
 * one with less {@link OutstandingWork}. Nearly as even as scanning every agent for the minimum, at
 * constant cost per decision, and it does not herd every broker replica onto the same momentarily
 * idle agent.
 */
public final class LeastLoadedRoutingPolicy implements RoutingPolicy {

  /** The name used in configuration and headers. */
  public static final String NAME = "least-loaded";

  private final OutstandingWork work;
  private final RandomGenerator random;

  /**
   * A policy reading load from {@code work} and drawing from {@code random} (thread-safe if the
   * policy is shared between threads).
   */
  public LeastLoadedRoutingPolicy(OutstandingWork work, RandomGenerator random) {
    this.work = Objects.requireNonNull(work, "work");
    this.random = Objects.requireNonNull(random, "random");
  }

  @Override
  public Optional<Agent> choose(MessageEnvelope message, AgentView agents) {
    AgentId sender = Candidates.senderOf(message.senderId());
    int tier = Candidates.firstTierWithCandidates(agents, sender);
    return tier < 0 ? Optional.empty() : Optional.of(leastLoadedOfTwo(agents, tier, sender));
  }

  /** The less loaded of two random candidates of {@code tier} (which must have one). */
  Agent leastLoadedOfTwo(AgentView agents, int tier, @Nullable AgentId sender) {
    int skipped = Candidates.skipped(agents, tier, sender);
    int count = Candidates.count(agents, tier, skipped);
    int firstIndex = random.nextInt(count);
    Agent first = Candidates.get(agents, tier, skipped, firstIndex);
    if (count == 1) {
      return first;
    }
    int secondIndex = random.nextInt(count - 1);
    if (secondIndex >= firstIndex) {
      secondIndex++;
    }
    Agent second = Candidates.get(agents, tier, skipped, secondIndex);
    return work.outstanding(second.id()) < work.outstanding(first.id()) ? second : first;
  }

  @Override
  public String name() {
    return NAME;
  }
}
