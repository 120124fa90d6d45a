package dev.acs.broker.core.routing;

import dev.acs.broker.core.agent.Agent;
import dev.acs.broker.core.agent.AgentId;
import dev.acs.broker.core.agent.AgentState;
import dev.acs.broker.core.agent.AgentStatusUpdate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The model {@link AgentSuspicionPropertyTest} checks {@link AgentSuspicion} against: the algorithm
 * as it was before issue 13 (every agent re-evaluated after every update), kept single-threaded and
 * without logging so that it is obviously right rather than fast.
 */
final class NaiveAgentSuspicion {

  private static final class Watch {
    @Nullable Instant lastSeen;
    @Nullable AgentState state;
    long pendingSinceMillis = -1;
  }

  private final AgentSuspicion.Settings settings;
  private final Clock clock;
  private final Map<AgentId, Watch> watches = new HashMap<>();
  private @Nullable Instant serverNow;
  private Map<AgentId, String> suspects = Map.of();

  NaiveAgentSuspicion(AgentSuspicion.Settings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  Map<AgentId, String> suspects() {
    return suspects;
  }

  void observe(AgentStatusUpdate update) {
    if (settings.mode() == AgentSuspicion.Mode.OFF) {
      return;
    }
    Instant newest = serverNow;
    Set<AgentId> listed = new HashSet<>();
    for (Agent agent : update.agents()) {
      listed.add(agent.id());
      Instant seen = AgentSuspicion.serverTime(agent.lastSeen());
      Watch watch = watches.computeIfAbsent(agent.id(), id -> new Watch());
      if (seen != null && (watch.lastSeen == null || seen.isAfter(watch.lastSeen))) {
        watch.lastSeen = seen;
        watch.pendingSinceMillis = -1;
      }
      if (watch.state != agent.state()) {
        watch.state = agent.state();
        watch.pendingSinceMillis = -1;
      }
      if (seen != null && (newest == null || seen.isAfter(newest))) {
        newest = seen;
      }
    }
    if (update.fullSnapshot()) {
      watches.keySet().retainAll(listed);
    }
    serverNow = newest;
    reevaluate();
  }

  void routedTo(AgentId agent) {
    if (settings.mode() == AgentSuspicion.Mode.OFF) {
      return;
    }
    Watch watch = watches.get(agent);
    if (watch != null && watch.pendingSinceMillis < 0) {
      watch.pendingSinceMillis = clock.millis();
    }
  }

  void heardFrom(AgentId agent) {
    Watch watch = watches.get(agent);
    if (watch == null) {
      return;
    }
    watch.pendingSinceMillis = -1;
    if (suspects.containsKey(agent)) {
      reevaluate();
    }
  }

  void reevaluate() {
    if (settings.mode() == AgentSuspicion.Mode.OFF) {
      return;
    }
    Instant now = serverNow;
    long nowMillis = clock.millis();
    long unansweredMillis = settings.unanswered().toMillis();
    Map<AgentId, String> found = new TreeMap<>();
    for (Map.Entry<AgentId, Watch> entry : watches.entrySet()) {
      Watch watch = entry.getValue();
      if (now != null
          && watch.lastSeen != null
          && Duration.between(watch.lastSeen, now).compareTo(settings.silence()) >= 0) {
        found.put(entry.getKey(), AgentSuspicion.SILENT);
      } else if (watch.state == AgentState.IDLE
          && watch.pendingSinceMillis >= 0
          && nowMillis - watch.pendingSinceMillis >= unansweredMillis) {
        found.put(entry.getKey(), AgentSuspicion.UNANSWERED);
      }
    }
    suspects = found;
  }
}
