package dev.acs.broker.core.routing;

import dev.acs.broker.core.agent.Agent;
import dev.acs.broker.core.agent.AgentId;
import dev.acs.broker.core.agent.AgentView;
import org.jspecify.annotations.Nullable;

/**
 * Index arithmetic over one availability tier with the sender left out, shared by the policies: a
 * tier of n members where the sender sits at position s has n-1 candidates, and candidate i is
 * member i, or i+1 from s on. No list is ever built.
 */
final class Candidates {

  private Candidates() {}

  /** The sender as an agent id, or {@code null} when it names none. */
  static @Nullable AgentId senderOf(@Nullable String senderId) {
    return senderId == null || senderId.isBlank() ? null : AgentId.of(senderId);
  }

  /** The sender's position in {@code tier}, or -1 when it is not a member. */
  static int skipped(AgentView view, int tier, @Nullable AgentId sender) {
    return sender != null && view.tierOf(sender) == tier ? view.positionInTier(sender) : -1;
  }

  /** The number of candidates in {@code tier}, the sender excluded. */
  static int count(AgentView view, int tier, int skipped) {
    return skipped >= 0 ? view.tierSize(tier) - 1 : view.tierSize(tier);
  }

  /** Candidate {@code index} of {@code tier}. */
  static Agent get(AgentView view, int tier, int skipped, int index) {
    return view.member(tier, skipped >= 0 && index >= skipped ? index + 1 : index);
  }

  /** The first tier with a candidate, or -1. */
  static int firstTierWithCandidates(AgentView view, @Nullable AgentId sender) {
    for (int tier = 0; tier < view.tierCount(); tier++) {
      if (count(view, tier, skipped(view, tier, sender)) > 0) {
        return tier;
      }
    }
    return -1;
  }
}
