package dev.acs.broker.core.application;

import dev.acs.broker.core.agent.AgentStatusUpdate;
import dev.acs.broker.core.port.AgentStatusListener;
import dev.acs.broker.core.port.Subscription;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * Whether routing must wait because the agent view cannot be trusted: the status stream is down, so
 * the central server may have restarted and know none of the agents the last view names.
 *
 * <p>A restarted server drops every message routed to an agent it does not know yet (SPEC §7), and
 * a message routed while the server is down waits for it in the server's queue. So from the moment
 * the stream breaks, new messages are parked, unsettled, until a full snapshot arrives again and
 * they are decided by it. The grace is the time after which the hold is declared: logged once,
 * shown by metrics and readiness; in {@link Mode#LAST_VIEW} it is also when routing resumes on the
 * last view, the behaviour before this hold existed.
 *
 * <p>Thread-safe: the status thread reports interruptions and snapshots, routing threads ask {@link
 * #holds()}.
 */
public final class StatusHold implements AgentStatusListener {

  private static final Logger LOG = System.getLogger(StatusHold.class.getName());

  /** What routing does while the status stream is down. */
  public enum Mode {
    /** Route nothing until a full snapshot arrives (the default). */
    HOLD,
    /**
     * Park only for the grace, then route on the last view: a quick reconnect still routes by the
     * fresh snapshot, a long outage routes by what the broker last knew.
     */
    LAST_VIEW
  }

  private final Mode mode;
  private final Duration grace;
  private final Clock clock;
  private final DelayScheduler scheduler;
  private final List<Runnable> liftListeners = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();

  // Guarded by lock; downSince is volatile so that holds() needs no lock.
  private volatile @Nullable Instant downSince;
  private volatile boolean declared;
  private volatile @Nullable Instant liftedAt;
  private @Nullable String reason;
  private Subscription graceTimer = () -> {};

  /**
   * A hold of the given mode.
   *
   * @param grace how long the stream may be down before the hold is declared (and, in {@link
   *     Mode#LAST_VIEW}, routing resumes on the last view); may be zero
   * @param scheduler keeps the grace time
   */
  public StatusHold(Mode mode, Duration grace, Clock clock, DelayScheduler scheduler) {
    this.mode = Objects.requireNonNull(mode, "mode");
    this.grace = Objects.requireNonNull(grace, "grace");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("status hold grace must not be negative, was " + grace);
    }
    this.clock = Objects.requireNonNull(clock, "clock");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
  }

  /** The mode. */
  public Mode mode() {
    return mode;
  }

  /** The grace. */
  public Duration grace() {
    return grace;
  }

  /**
   * Registers a callback run when routing may resume: when a full snapshot has been applied (on the
   * thread that applied it), and at the end of the grace in {@link Mode#LAST_VIEW} (on the
   * scheduler's thread). The routing service decides its held messages again there, whether or not
   * the snapshot changed any agent.
   */
  public void onLifted(Runnable listener) {
    liftListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** A full snapshot lifts the hold; a delta does not (it may be all a half-restored view has). */
  @Override
  public void onStatus(AgentStatusUpdate update) {
    if (update.fullSnapshot()) {
      snapshotArrived();
    }
  }

  @Override
  public void onInterrupted(String reason) {
    interrupted(reason);
  }

  /** The status stream broke, or another attempt to restore it failed. */
  public void interrupted(String why) {
    synchronized (lock) {
      reason = why;
      if (downSince != null) {
        return;
      }
      downSince = clock.instant();
      declared = false;
      graceTimer = scheduler.schedule(grace, this::graceOver);
    }
  }

  /**
   * A full snapshot was applied: the view is the server's again. Call after the registry applied
   * it, so that nothing is routed by the old view once the hold is lifted.
   */
  public void snapshotArrived() {
    Instant since;
    boolean wasDeclared;
    synchronized (lock) {
      since = downSince;
      if (since == null) {
        return;
      }
      wasDeclared = declared;
      liftedAt = clock.instant();
      downSince = null;
      declared = false;
      reason = null;
      graceTimer.cancel();
    }
    if (wasDeclared) {
      LOG.log(
          Level.INFO,
          "Agent status is back after "
              + Duration.between(since, clock.instant()).toMillis()
              + " ms; routing by the new snapshot");
    }
    for (Runnable listener : liftListeners) {
      listener.run();
    }
  }

  private void graceOver() {
    Instant since;
    String why;
    synchronized (lock) {
      since = downSince;
      if (since == null || declared) {
        return;
      }
      declared = true;
      why = reason;
    }
    if (mode == Mode.HOLD) {
      LOG.log(
          Level.WARNING,
          "Agent status stream down for more than "
              + grace.toMillis()
              + " ms ("
              + why
              + "); holding routing until a full snapshot arrives, so that no message goes to"
              + " an agent a restarted central server does not know yet");
    } else {
      LOG.log(
          Level.WARNING,
          "Agent status stream down for more than "
              + grace.toMillis()
              + " ms ("
              + why
              + "); routing on the last agent view (--status-hold last-view)");
      for (Runnable listener : liftListeners) {
        listener.run();
      }
    }
  }

  /** Whether a routable message must be parked now rather than routed on the current view. */
  public boolean holds() {
    if (downSince == null) {
      return false;
    }
    return mode == Mode.HOLD || !declared;
  }

  /**
   * Whether the hold is declared: the stream has been down for longer than the grace (in {@link
   * Mode#LAST_VIEW}, routing on the last view rather than holding). Shown by metrics and health.
   */
  public boolean declared() {
    return downSince != null && declared;
  }

  /** When the last hold ended with a snapshot, or empty if none has. */
  public Optional<Instant> liftedAt() {
    return Optional.ofNullable(liftedAt);
  }

  /** Since when the status stream is down, or empty while it is up. */
  public Optional<Instant> downSince() {
    return Optional.ofNullable(downSince);
  }
}
