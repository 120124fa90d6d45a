package dev.acs.broker.core.agent;

import java.util.List;
import java.util.Objects;

/**
 * What one applied update did: the view before, the view after, and the agents that differ between
 * them (added, changed or gone; agents the update repeated unchanged are not listed).
 *
 * @param before the view the update was applied to
 * @param after the view it produced
 * @param changes the agents that differ, each once
 */
public record AgentViewChange(AgentView before, AgentView after, List<AgentChange> changes) {

  /** Copies the list so the value stays immutable. */
  public AgentViewChange {
    Objects.requireNonNull(before, "before");
    Objects.requireNonNull(after, "after");
    changes = List.copyOf(changes);
  }

  /**
   * Whether some agent can take messages it could not take before: it became routable, or moved to
   * a more preferred tier. Only then can a message that had to wait be routed now.
   */
  public boolean someAgentImproved() {
    for (AgentChange change : changes) {
      if (improved(change)) {
        return true;
      }
    }
    return false;
  }

  /** Whether this change made its agent routable or moved it to a more preferred tier. */
  public boolean improved(AgentChange change) {
    int was = change.before() == null ? -1 : before.tierOf(change.before());
    int is = change.after() == null ? -1 : after.tierOf(change.after());
    return is >= 0 && (was < 0 || is < was);
  }

  /** Whether this change put its agent on the hash ring or took it off. */
  public boolean movedOnRing(AgentChange change) {
    boolean was = change.before() != null && before.tierOf(change.before()) >= 0;
    boolean is = change.after() != null && after.tierOf(change.after()) >= 0;
    return was != is;
  }
}
