package dev.acs.broker.app.logging;

import dev.acs.broker.core.agent.Agent;
import dev.acs.broker.core.agent.AgentStatusUpdate;
import dev.acs.broker.core.port.AgentStatusListener;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One INFO line per agent that joins, leaves or changes state, rather than one per snapshot: the
 * real server sends a full snapshot on every change (SPEC §7), so a snapshot line would repeat the
 * whole fleet twice per message. Called on the status applier thread only.
 */
public final class AgentChangeLog implements AgentStatusListener {

  private static final Logger LOG = LoggerFactory.getLogger(AgentChangeLog.class);

  /** The state word each known agent last reported, by agent id. */
  private final Map<String, String> states = new HashMap<>();

  @Override
  public void onStatus(AgentStatusUpdate update) {
    Map<String, String> listed = update.fullSnapshot() ? new HashMap<>() : null;
    for (Agent agent : update.agents()) {
      String id = agent.id().value();
      String state = agent.rawState().orElse("(no internal_state)");
      if (listed != null) {
        listed.put(id, state);
      }
      String before = states.put(id, state);
      if (before == null) {
        LOG.info("Agent {} ({}) joined: {}", id, agent.displayName(), state);
      } else if (!before.equals(state)) {
        LOG.info("Agent {} ({}): {} -> {}", id, agent.displayName(), before, state);
      }
    }
    if (listed != null) {
      Iterator<Map.Entry<String, String>> known = states.entrySet().iterator();
      while (known.hasNext()) {
        Map.Entry<String, String> entry = known.next();
        if (!listed.containsKey(entry.getKey())) {
          LOG.info("Agent {} left (was {})", entry.getKey(), entry.getValue());
          known.remove();
        }
      }
    }
  }

  @Override
  public void onInterrupted(String reason) {}
}
