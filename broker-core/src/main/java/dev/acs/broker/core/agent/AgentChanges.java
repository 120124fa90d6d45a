package dev.acs.broker.core.agent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an update changes in a view, found before anything is built: only these changes are then
 * applied ({@link AgentView#changedBy}), so an update costs what it changes. A delta costs a lookup
 * per listed agent; a full snapshot O(n) lookups through a {@link SnapshotIndex}, and the agents it
 * no longer lists become removals.
 */
final class AgentChanges {

  private AgentChanges() {}

  /**
   * The changes a delta makes to {@code view}: the listed agents that differ, the last one winning.
   */
  static List<AgentChange> fromDelta(AgentView view, List<Agent> delta) {
    AgentMap agents = view.agentMap();
    List<AgentChange> changes = new ArrayList<>();
    if (delta.size() == 1) {
      Agent only = delta.get(0);
      Agent before = agents.get(only.id());
      if (!only.equals(before)) {
        changes.add(new AgentChange(only.id(), before, only));
      }
      return changes;
    }
    Map<AgentId, Agent> latest = new LinkedHashMap<>();
    for (Agent agent : delta) {
      latest.put(agent.id(), agent);
    }
    for (Agent agent : latest.values()) {
      Agent before = agents.get(agent.id());
      if (!agent.equals(before)) {
        changes.add(new AgentChange(agent.id(), before, agent));
      }
    }
    return changes;
  }

  /**
   * The changes that turn {@code view} into exactly {@code snapshot} (the last of duplicate ids
   * winning): O(n) lookups to compare, and only the differences to apply.
   */
  static List<AgentChange> fromSnapshot(AgentView view, List<Agent> snapshot) {
    AgentMap agents = view.agentMap();
    SnapshotIndex index = new SnapshotIndex(snapshot);
    List<AgentChange> changes = new ArrayList<>();
    int kept = 0;
    for (int i = 0; i < snapshot.size(); i++) {
      if (index.isSuperseded(i)) {
        continue; // a later duplicate wins
      }
      Agent agent = snapshot.get(i);
      Agent before = agents.get(agent.id());
      if (before != null) {
        kept++;
      }
      if (!agent.equals(before)) {
        changes.add(new AgentChange(agent.id(), before, agent));
      }
    }
    if (kept < agents.size()) {
      for (Agent gone : agents.values()) {
        if (!index.contains(gone.id())) {
          changes.add(new AgentChange(gone.id(), gone, null));
        }
      }
    }
    return changes;
  }
}
