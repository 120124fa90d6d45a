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
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
 * <p>Thread-safe: the status thread calls {@link #observe}, routing threads {@link #routedTo},
 * {@link #heardFrom} and {@link #healthyView}, a timer {@link #reevaluate}. One class of about 350
 * lines because the two signs share one watch per agent and one evaluation lock, and the view
 * without suspects is cached by the evaluation's generation.
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

  /** Reads {@code last_seen} and states from a status update (stream, probe or queue). */
  public void observe(AgentStatusUpdate update) {
    if (settings.mode == Mode.OFF) {
      return;
    }
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
    if (update.fullSnapshot()) {
      watches.keySet().retainAll(listed);
    }
    serverNow = newest;
    reevaluate();
  }

  /** This broker routed a message to {@code agent}. */
  public void routedTo(AgentId agent) {
    if (settings.mode == Mode.OFF) {
      return;
    }
    Watch watch = watches.get(agent);
    if (watch != null) {
      synchronized (watch) {
        if (watch.pendingSinceMillis < 0) {
          watch.pendingSinceMillis = clock.millis();
        }
      }
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
      reevaluate();
    }
  }

  /**
   * Recomputes the suspects from what was seen and the time; cheap enough for a timer every second
   * (one pass over the agents) and logs one line per agent that becomes or stops being suspect.
   */
  public void reevaluate() {
    if (settings.mode == Mode.OFF) {
      return;
    }
    synchronized (evaluation) {
      Instant now = serverNow;
      long nowMillis = clock.millis();
      long unansweredMillis = settings.unanswered.toMillis();
      Map<AgentId, String> found = new TreeMap<>();
      for (Map.Entry<AgentId, Watch> entry : watches.entrySet()) {
        Watch watch = entry.getValue();
        synchronized (watch) {
          if (now != null
              && watch.lastSeen != null
              && Duration.between(watch.lastSeen, now).compareTo(settings.silence) >= 0) {
            found.put(entry.getKey(), SILENT);
          } else if (watch.state == AgentState.IDLE
              && watch.pendingSinceMillis >= 0
              && nowMillis - watch.pendingSinceMillis >= unansweredMillis) {
            found.put(entry.getKey(), UNANSWERED);
          }
        }
      }
      Map<AgentId, String> before = suspects;
      if (found.equals(before)) {
        return;
      }
      for (Map.Entry<AgentId, String> suspect : found.entrySet()) {
        if (!suspect.getValue().equals(before.get(suspect.getKey()))) {
          LOG.log(
              Level.WARNING,
              "Agent "
                  + suspect.getKey()
                  + " is suspected dead ("
                  + suspect.getValue()
                  + "); "
                  + (settings.mode == Mode.EXCLUDE
                      ? "not routing to it"
                      : "routing to it only when no healthy agent is available"));
        }
      }
      for (AgentId cleared : before.keySet()) {
        if (!found.containsKey(cleared)) {
          LOG.log(Level.INFO, "Agent " + cleared + " shows signs of life again; trusting it");
        }
      }
      suspects = Collections.unmodifiableMap(new LinkedHashMap<>(found));
      note = describe(found);
      generation++;
    }
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
