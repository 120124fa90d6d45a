package dev.acs.broker.app.logging;

import dev.acs.broker.core.agent.Agent;
import dev.acs.broker.core.agent.AgentStatusUpdate;
import dev.acs.broker.core.port.AgentStatusListener;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * One INFO line per agent that joins, leaves or changes state, rather than one per snapshot: the
 * real server sends a full snapshot on every change (SPEC §7), so a snapshot line would repeat the
 * whole fleet twice per message. An update that changes more than {@link #DETAIL_LIMIT} agents (the
 * first snapshot of a fleet, say) gets one summary line instead, with the per-agent lines at DEBUG:
 * this runs on the status applier thread, and 100,000 "joined" lines held it for 12 s in the
 * end-to-end benchmark (docs/performance.md), during which no newer status was applied. Called on
 * the status applier thread only.
 */
public final class AgentChangeLog implements AgentStatusListener {

  private static final Logger LOG = LoggerFactory.getLogger(AgentChangeLog.class);

  /** Most per-agent lines one update logs at INFO; above it, a summary. */
  static final int DETAIL_LIMIT = 20;

  /** The state word each known agent last reported, by agent id. */
  private final Map<String, String> states = new HashMap<>();

  /** One agent's change: joined ({@code before} null), left ({@code after} null) or changed. */
  private record Change(String id, String name, @Nullable String before, @Nullable String after) {
    void log(Level level) {
      if (before == null) {
        LOG.atLevel(level).log("Agent {} ({}) joined: {}", id, name, after);
      } else if (after == null) {
        LOG.atLevel(level).log("Agent {} left (was {})", id, before);
      } else {
        LOG.atLevel(level).log("Agent {} ({}): {} -> {}", id, name, before, after);
      }
    }
  }

  @Override
  public void onStatus(AgentStatusUpdate update) {
    List<Change> changes = new ArrayList<>();
    Map<String, String> listed = update.fullSnapshot() ? new HashMap<>() : null;
    for (Agent agent : update.agents()) {
      String id = agent.id().value();
      String state = agent.rawState().orElse("(no internal_state)");
      if (listed != null) {
        listed.put(id, state);
      }
      String before = states.put(id, state);
      if (before == null || !before.equals(state)) {
        changes.add(new Change(id, agent.displayName(), before, state));
      }
    }
    if (listed != null) {
      Iterator<Map.Entry<String, String>> known = states.entrySet().iterator();
      while (known.hasNext()) {
        Map.Entry<String, String> entry = known.next();
        if (!listed.containsKey(entry.getKey())) {
          changes.add(new Change(entry.getKey(), entry.getKey(), entry.getValue(), null));
          known.remove();
        }
      }
    }
    boolean detail = changes.size() <= DETAIL_LIMIT;
    if (!detail) {
      summarise(changes);
    }
    if (detail || LOG.isDebugEnabled()) {
      for (Change change : changes) {
        change.log(detail ? Level.INFO : Level.DEBUG);
      }
    }
  }

  private void summarise(List<Change> changes) {
    int joined = 0;
    int left = 0;
    for (Change change : changes) {
      if (change.before() == null) {
        joined++;
      } else if (change.after() == null) {
        left++;
      }
    }
    Map<String, Integer> byState = new TreeMap<>();
    for (String state : states.values()) {
      byState.merge(state, 1, Integer::sum);
    }
    LOG.info(
        "Agents: {} joined, {} changed state, {} left; {} known, by state {} (one line per agent"
            + " at DEBUG)",
        joined,
        changes.size() - joined - left,
        left,
        states.size(),
        byState);
  }

  @Override
  public void onInterrupted(String reason) {}
}
