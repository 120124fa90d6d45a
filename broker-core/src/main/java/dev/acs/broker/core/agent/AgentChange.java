package dev.acs.broker.core.agent;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How one agent changed in an applied update.
 *
 * @param id the agent's id
 * @param before the agent as it was, or {@code null} when it is new
 * @param after the agent as it is now, or {@code null} when it is gone
 */
public record AgentChange(AgentId id, @Nullable Agent before, @Nullable Agent after) {

  /** Rejects a change that names no agent on either side. */
  public AgentChange {
    Objects.requireNonNull(id, "id");
    if (before == null && after == null) {
      throw new IllegalArgumentException("a change of agent " + id + " needs a before or an after");
    }
  }
}
