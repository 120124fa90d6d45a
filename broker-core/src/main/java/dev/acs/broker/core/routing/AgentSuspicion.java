package dev.acs.broker.core.routing;

import dev.acs.broker.core.agent.Agent;
import dev.acs.broker.core.agent.AgentId;
import dev.acs.broker.core.agent.AgentState;
import dev.acs.broker.core.agent.AgentStatusUpdate;
import dev.acs.broker.core.agent.AgentView;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Which agents the broker believes dead although the central server still lists them as routable.
 *
 * <p>The real server keeps a killed agent {@code idle} for about two minutes (SPEC §7). Two signs
 * the broker can see by itself give it away sooner:
 *
 * <ul>
 *   <li><b>Silence</b>: its {@code last_seen} stops advancing while other agents' advances. Agents
 *       report every ~20 s, and {@code GetAgentStatus} (the liveness probe) returns fresh values.
 *       Only server times are compared with each other (the newest {@code last_seen} of any agent
 *       stands for the server's "now"), so clock skew between hosts does not matter; with no other
 *       agent reporting there is nothing to compare with and nobody is suspected.
 *   <li><b>Unanswered work</b>: it received a message from this broker, has sent nothing since, and
 *       still reports {@code idle} after a bound. A live agent turns {@code busy} when it takes a
 *       message (SPEC §7), so the combination means nobody is reading its queue.
 * </ul>
 *
 * <p>Any sign of life clears a suspicion: a message from the agent, a new state, an advancing
 * {@code last_seen}. A suspected agent is either demoted below every healthy agent or not routed to
 * at all ({@link Mode}); {@link #healthyView} gives the view without suspects.
 *
 * <p>Costs (issue 13): an update settles the agents it lists and those whose deadline the time has
 * passed ({@link SuspicionDeadlines}), in O(k log n) for k of them; only the one-second timer
 * ({@link #reevaluate}) passes over every agent. The suspects are the same as with a full pass
 * after every update ({@code AgentSuspicionPropertyTest}).
 *
 * <p>Thread-safe: the status thread calls {@link #observe}, routing threads {@link #routedTo},
 * {@link #heardFrom} and {@link #healthyView}, a timer {@link #reevaluate}. One class of about 440
 * lines because the two signs share one watch per agent and one evaluation lock, the incremental
 * and the full evaluation share one rule ({@code settle}), and the view without suspects is cached
 * by the evaluation's generation.
 */
public final class AgentSuspicion {

  private static final Logger LOG = System.getLogger(AgentSuspicion.class.getName());

  /** The reason given for a silent agent. */
  public static final String SILENT = "last_seen stopped advancing while other agents report";

  /** The reason given for an agent that does not answer. */
  public static final String UNANSWERED =
      "received work, answered none of it and still reports idle";

  /** What routing does with a suspected agent. */
  public enum Mode {
    /** Route to it only when no healthy agent can take the message (the default). */
    DEMOTE,
    /** Never route to it while suspected. */
    EXCLUDE,
    /** Do not suspect anyone: route by the server's states alone. */
    OFF
  }

  /**
   * How suspicious the broker is.
   *
   * @param mode what a suspicion does to routing
   * @param silence how far an agent's {@code last_seen} may fall behind the newest one before it is
   *     suspected (more than one report interval of ~20 s, so one late report is forgiven)
   * @param unanswered how long an agent may hold unanswered work while still reporting {@code idle}
   */
  public record Settings(Mode mode, Duration silence, Duration unanswered) {

    /** The defaults: demote, 30 s of silence, 10 s of unanswered work. */
    public static final Settings DEFAULTS =
        new Settings(Mode.DEMOTE, Duration.ofSeconds(30), Duration.ofSeconds(10));

    /** Requires positive bounds. */
    public Settings {
      Objects.requireNonNull(mode, "mode");
      requirePositive("silence bound", silence);
      requirePositive("unanswered bound", unanswered);
    }

    private static void requirePositive(String what, Duration value) {
      Objects.requireNonNull(value, what);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, was " + value);
      }
    }
  }

  /** What the broker saw of one agent; guarded by its own monitor. */
  private static final class Watch {
    @Nullable Instant lastSeen;
    @Nullable AgentState state;
    long pendingSinceMillis = -1;
  }

  /** The view without suspects, kept for as long as neither input changes. */
  private record Filtered(AgentView source, long generation, AgentView healthy) {}

  private final Settings settings;
  private final Clock clock;
  private final Map<AgentId, Watch> watches = new ConcurrentHashMap<>();
  private final Object evaluation = new Object();
  // Guarded by evaluation: the suspects as evaluated, published as suspects when they change.
  private final TreeMap<AgentId, String> found = new TreeMap<>();
  // Guarded by evaluation, except SuspicionDeadlines.routed.
  private final SuspicionDeadlines deadlines = new SuspicionDeadlines();
  private volatile @Nullable Instant serverNow;
  private volatile Map<AgentId, String> suspects = Map.of();
  private volatile long generation;
  private volatile String note = "";
  private volatile @Nullable Filtered filtered;

  /** A tracker with these settings, timing unanswered work by {@code clock}. */
  public AgentSuspicion(Settings settings, Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The settings. */
  public Settings settings() {
    return settings;
  }

  /** The mode. */
  public Mode mode() {
    return settings.mode;
  }

  /**
   * Reads {@code last_seen} and states from a status update (stream, probe or queue) and settles
   * the suspicion of the agents it lists, and of those that time has made suspect since: O(k log n)
   * for k listed agents plus the ones whose suspicion changes, never a pass over the fleet (a full
   * snapshot lists the fleet, so it pays for it).
   */
  public void observe(AgentStatusUpdate update) {
    if (settings.mode == Mode.OFF) {
      return;
    }
    synchronized (evaluation) {
      Map<AgentId, String> before = suspects;
      Instant newest = serverNow;
      Set<AgentId> listed = update.fullSnapshot() ? new HashSet<>() : Set.of();
      for (Agent agent : update.agents()) {
        if (update.fullSnapshot()) {
          listed.add(agent.id());
        }
        Instant seen = serverTime(agent.lastSeen());
        Watch watch = watches.computeIfAbsent(agent.id(), id -> new Watch());
        synchronized (watch) {
          if (seen != null && (watch.lastSeen == null || seen.isAfter(watch.lastSeen))) {
            watch.lastSeen = seen;
            watch.pendingSinceMillis = -1; // the server heard from it after the work was sent
          }
          if (watch.state != agent.state()) {
            watch.state = agent.state();
            watch.pendingSinceMillis = -1; // a live agent changes state when it takes work
          }
        }
        if (seen != null && (newest == null || seen.isAfter(newest))) {
          newest = seen;
        }
      }
      Instant now = newest;
      serverNow = now;
      long nowMillis = clock.millis();
      List<AgentId> changed = new ArrayList<>();
      if (update.fullSnapshot()) {
        List<AgentId> gone = new ArrayList<>();
        watches.keySet().removeIf(id -> !listed.contains(id) && gone.add(id));
        gone.forEach(id -> settle(id, now, nowMillis, changed));
      }
      for (Agent agent : update.agents()) {
        settle(agent.id(), now, nowMillis, changed);
      }
      catchUp(now, nowMillis, changed);
      publish(before, changed);
    }
  }

  /** This broker routed a message to {@code agent}. */
  public void routedTo(AgentId agent) {
    if (settings.mode == Mode.OFF) {
      return;
    }
    Watch watch = watches.get(agent);
    if (watch == null) {
      return;
    }
    long since = -1;
    synchronized (watch) {
      if (watch.pendingSinceMillis < 0) {
        watch.pendingSinceMillis = clock.millis();
        since = watch.pendingSinceMillis;
      }
    }
    if (since >= 0) {
      deadlines.routed(agent, since);
    }
  }

  /** {@code agent} sent a message: it is alive. */
  public void heardFrom(AgentId agent) {
    Watch watch = watches.get(agent);
    if (watch == null) {
      return;
    }
    synchronized (watch) {
      watch.pendingSinceMillis = -1;
    }
    if (suspects.containsKey(agent)) {
      synchronized (evaluation) {
        Map<AgentId, String> before = suspects;
        Instant now = serverNow;
        long nowMillis = clock.millis();
        List<AgentId> changed = new ArrayList<>();
        settle(agent, now, nowMillis, changed);
        catchUp(now, nowMillis, changed);
        publish(before, changed);
      }
    }
  }

  /**
   * Recomputes every agent's suspicion from what was seen and the time: one pass over the agents,
   * for the one-second timer (which also catches a clock that stepped back); logs one line per
   * agent that becomes or stops being suspect.
   */
  public void reevaluate() {
    if (settings.mode == Mode.OFF) {
      return;
    }
    synchronized (evaluation) {
      Map<AgentId, String> before = suspects;
      Instant now = serverNow;
      long nowMillis = clock.millis();
      List<AgentId> changed = new ArrayList<>();
      // Drains the deadline queues, so that they stay bounded between updates; the pass below
      // settles everyone anyway.
      catchUp(now, nowMillis, changed);
      for (Map.Entry<AgentId, Watch> entry : watches.entrySet()) {
        settle(entry.getKey(), entry.getValue(), now, nowMillis, changed);
      }
      for (AgentId id : new ArrayList<>(found.keySet())) {
        if (!watches.containsKey(id)) {
          settle(id, now, nowMillis, changed);
        }
      }
      publish(before, changed);
    }
  }

  /**
   * Sets {@code id}'s suspicion to what its watch says now, arms or disarms its silence deadline,
   * and adds it to {@code changed} when its reason changed. Under the evaluation lock.
   */
  private void settle(AgentId id, @Nullable Instant now, long nowMillis, List<AgentId> changed) {
    settle(id, watches.get(id), now, nowMillis, changed);
  }

  private void settle(
      AgentId id,
      @Nullable Watch watch,
      @Nullable Instant now,
      long nowMillis,
      List<AgentId> changed) {
    String reason = null;
    Instant seen = null;
    if (watch != null) {
      synchronized (watch) {
        seen = watch.lastSeen;
        if (now != null
            && seen != null
            && Duration.between(seen, now).compareTo(settings.silence) >= 0) {
          reason = SILENT;
        } else if (watch.state == AgentState.IDLE
            && watch.pendingSinceMillis >= 0
            && nowMillis - watch.pendingSinceMillis >= settings.unanswered.toMillis()) {
          reason = UNANSWERED;
        }
      }
    }
    if (seen != null && !SILENT.equals(reason)) {
      deadlines.arm(id, seen);
    } else {
      deadlines.disarm(id);
    }
    String was = reason == null ? found.remove(id) : found.put(id, reason);
    if (!Objects.equals(was, reason)) {
      changed.add(id);
    }
  }

  /** Settles the agents that the server's time or the clock made suspect since the last look. */
  private void catchUp(@Nullable Instant now, long nowMillis, List<AgentId> changed) {
    if (now != null) {
      deadlines.silentBy(now, settings.silence, id -> settle(id, now, nowMillis, changed));
    }
    deadlines.unansweredBy(
        nowMillis, settings.unanswered.toMillis(), id -> settle(id, now, nowMillis, changed));
  }

  /** Logs and publishes what {@code changed} did to the suspects; O(s) when anything did. */
  // Every caller holds the evaluation lock, so the volatile fields have one writer at a time; they
  // are volatile for the routing threads that read them without the lock.
  @SuppressWarnings("NonAtomicVolatileUpdate")
  private void publish(Map<AgentId, String> before, List<AgentId> changed) {
    boolean any = false;
    for (AgentId id : changed) {
      String reason = found.get(id);
      if (reason != null && !reason.equals(before.get(id))) {
        any = true;
        LOG.log(
            Level.WARNING,
            "Agent "
                + id
                + " is suspected dead ("
                + reason
                + "); "
                + (settings.mode == Mode.EXCLUDE
                    ? "not routing to it"
                    : "routing to it only when no healthy agent is available"));
      }
    }
    for (AgentId id : changed) {
      if (found.get(id) == null && before.containsKey(id)) {
        any = true;
        LOG.log(Level.INFO, "Agent " + id + " shows signs of life again; trusting it");
      }
    }
    if (!any) {
      return;
    }
    suspects = Collections.unmodifiableMap(new LinkedHashMap<>(found));
    note = describe(found);
    generation++;
  }

  /** The suspected agents with the reason for each, in id order. */
  public Map<AgentId, String> suspects() {
    return suspects;
  }

  /** The reason an agent is suspected, or {@code null} when it is trusted. */
  public @Nullable String suspicionOf(AgentId agent) {
    return suspects.get(agent);
  }

  /**
   * A note for routing reasons while anyone is suspected, e.g. {@code "; suspected and avoided: a1
   * (…)"}; empty otherwise.
   */
  public String note() {
    return note;
  }

  /**
   * {@code view} without the suspected agents, or {@code view} itself when nobody listed in it is
   * suspected; made once per view and change of suspects, in O(s log n) for s suspects.
   */
  public AgentView healthyView(AgentView view) {
    Map<AgentId, String> current = suspects;
    if (current.isEmpty()) {
      return view;
    }
    Filtered cached = filtered;
    long gen = generation;
    if (cached != null && cached.source == view && cached.generation == gen) {
      return cached.healthy;
    }
    // Patched, not rebuilt: a view changes with every status update (twice per message an agent
    // handles), and rebuilding the healthy view's ring for each would put an O(n) build back on the
    // message path whenever anyone is suspected.
    AgentView result = view.without(current.keySet());
    filtered = new Filtered(view, gen, result);
    return result;
  }

  private static String describe(Map<AgentId, String> found) {
    if (found.isEmpty()) {
      return "";
    }
    StringBuilder text = new StringBuilder("; suspected and avoided: ");
    int shown = 0;
    for (Map.Entry<AgentId, String> suspect : found.entrySet()) {
      if (shown == 3) {
        text.append(", and ").append(found.size() - shown).append(" more");
        break;
      }
      if (shown > 0) {
        text.append(", ");
      }
      text.append(suspect.getKey()).append(" (").append(suspect.getValue()).append(')');
      shown++;
    }
    return text.toString();
  }

  /**
   * A {@code last_seen} text as an instant of the server's clock: ISO-8601 with an offset, or
   * without one as the real server writes it (then read as UTC; only differences between server
   * times matter). {@code null} when unreadable.
   */
  static @Nullable Instant serverTime(String lastSeen) {
    if (lastSeen.isBlank()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(lastSeen).toInstant();
    } catch (DateTimeParseException withoutOffset) {
      try {
        return LocalDateTime.parse(lastSeen).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException notIso) {
        try {
          return Instant.parse(lastSeen);
        } catch (DateTimeParseException unreadable) {
          return null;
        }
      }
    }
  }
}
