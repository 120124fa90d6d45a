package dev.acs.broker.core.routing;

import dev.acs.broker.core.agent.Agent;
import dev.acs.broker.core.agent.AgentId;
import dev.acs.broker.core.agent.AgentView;
import dev.acs.broker.core.message.MessageEnvelope;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The reference broker's policy: uniformly at random among the available agents of the best tier
 * that has one, the sender excluded.
 *
 * <p>The sender is skipped by index arithmetic over the tier array, so a decision costs the same
 * and allocates nothing extra whatever the number of agents.
 */
public final class RandomRoutingPolicy implements RoutingPolicy {

  /** The name used in configuration and headers. */
  public static final String NAME = "random";

  private final RandomGenerator random;

  /**
   * A policy drawing from {@code random}. A seeded generator makes choices reproducible in tests;
   * it must be thread-safe if the policy is shared between threads.
   */
  public RandomRoutingPolicy(RandomGenerator random) {
    this.random = Objects.requireNonNull(random, "random");
  }

  /** A policy for production: draws from a thread-local generator, safe on any thread. */
  public static RandomRoutingPolicy threadSafe() {
    return new RandomRoutingPolicy(RoutingPolicies.threadSafeRandom());
  }

  @Override
  public Optional<Agent> choose(MessageEnvelope message, AgentView agents) {
    String sender = message.senderId();
    AgentId senderId = sender == null || sender.isBlank() ? null : AgentId.of(sender);
    int senderTier = senderId == null ? -1 : agents.tierOf(senderId);
    for (int tier = 0; tier < agents.tierCount(); tier++) {
      int size = agents.tierSize(tier);
      int skipped = tier == senderTier && senderId != null ? agents.positionInTier(senderId) : -1;
      int candidates = skipped >= 0 ? size - 1 : size;
      if (candidates <= 0) {
        continue;
      }
      int index = random.nextInt(candidates);
      if (skipped >= 0 && index >= skipped) {
        index++;
      }
      return Optional.of(agents.member(tier, index));
    }
    return Optional.empty();
  }

  @Override
  public String name() {
    return NAME;
  }
}
