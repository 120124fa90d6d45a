package dev.acs.broker.core.routing;

import dev.acs.broker.core.agent.Agent;
import dev.acs.broker.core.agent.AgentId;
import dev.acs.broker.core.agent.AgentView;
import dev.acs.broker.core.message.MessageEnvelope;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Takes the available agents of the best tier in turn (id order), the sender skipped. One shared
 * counter, so turns are fair across all senders; thread-safe and allocation-free.
 */
public final class RoundRobinRoutingPolicy implements RoutingPolicy {

  /** The name used in configuration and headers. */
  public static final String NAME = "round-robin";

  private final AtomicLong turn = new AtomicLong();

  @Override
  public Optional<Agent> choose(MessageEnvelope message, AgentView agents) {
    AgentId sender = Candidates.senderOf(message.senderId());
    int tier = Candidates.firstTierWithCandidates(agents, sender);
    if (tier < 0) {
      return Optional.empty();
    }
    int skipped = Candidates.skipped(agents, tier, sender);
    int count = Candidates.count(agents, tier, skipped);
    int index = (int) Math.floorMod(turn.getAndIncrement(), (long) count);
    return Optional.of(Candidates.get(agents, tier, skipped, index));
  }

  @Override
  public String name() {
    return NAME;
  }
}
