package dev.acs.broker.core.application;

import dev.acs.broker.core.agent.Agent;
import dev.acs.broker.core.agent.AgentId;
import dev.acs.broker.core.agent.AgentRegistry;
import dev.acs.broker.core.agent.AgentStatusUpdate;
import dev.acs.broker.core.port.AgentStatusListener;
import dev.acs.broker.core.port.AgentStatusObserver;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Takes the agent status stream off the transport's thread and applies it to the registry on a
 * thread of its own, conflating what arrives while an apply is running.
 *
 * <p>{@link #onStatus} (the transport's thread, after decoding) only merges the update into the one
 * waiting update and returns: a full snapshot replaces whatever waited, a delta merges into it (the
 * last state of each agent wins). The applier takes the waiting update as a whole, so the registry
 * is never more than one apply behind the stream at any arrival rate, and a burst of full snapshots
 * costs one apply, not one per snapshot. The waiting update is bounded: a delta that would make it
 * hold more than the capacity's agents waits for the applier, which pushes back on the stream.
 *
 * <p>An interruption is applied in order after what waited before it, so the registry never reports
 * a stream as connected that broke after its last update.
 *
 * <p>Watchers ({@link #notifying}: the status hold, agent suspicion, the change log) hear each
 * interruption at once, on the transport's thread, so that a hold starts before the next message is
 * routed; and each applied update right after the registry applied it, on the applier's thread, so
 * that a hold is lifted only once the snapshot that lifts it is the view routing reads. An update
 * that an interruption overtook while it was being applied is not announced: it came from the
 * stream that broke, and the next snapshot will be.
 */
public final class AgentStatusFeed implements AgentStatusListener, AutoCloseable {

  private static final Logger LOG = System.getLogger(AgentStatusFeed.class.getName());

  /** Default bound of the waiting update, in agents: ten times the largest fleet measured. */
  public static final int DEFAULT_CAPACITY = 1_000_000;

  private final AgentRegistry registry;
  private final java.util.concurrent.Executor applier;
  private final @Nullable ExecutorService ownThread;
  private final Clock clock;
  private final AgentStatusObserver observer;
  private final int capacity;
  private final List<AgentStatusListener> watchers = new CopyOnWriteArrayList<>();
  // Orders watcher calls: an interruption is never followed by the announcement of an update that
  // was received before it.
  private final Object watcherLock = new Object();
  // Written under watcherLock by the transport's thread; volatile for the applier's reads.
  private volatile long interruptions;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notFull = lock.newCondition();

  // Guarded by lock: the waiting update.
  private @Nullable List<Agent> waitingSnapshot;
  private final Map<AgentId, Agent> waitingDelta = new LinkedHashMap<>();
  private boolean waitingUpdate;
  private @Nullable Instant waitingSince;
  // How many interruptions came before the newest update that waits.
  private long waitingAfterInterruptions;
  private @Nullable String waitingInterruption;
  private boolean drainScheduled;
  private boolean closed;

  private AgentStatusFeed(
      AgentRegistry registry,
      java.util.concurrent.Executor applier,
      @Nullable ExecutorService ownThread,
      Clock clock,
      AgentStatusObserver observer,
      int capacity) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.applier = Objects.requireNonNull(applier, "applier");
    this.ownThread = ownThread;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.observer = Objects.requireNonNull(observer, "observer");
    if (capacity < 1) {
      throw new IllegalArgumentException("status feed capacity must be positive, was " + capacity);
    }
    this.capacity = capacity;
  }

  /**
   * A feed that applies on a daemon thread of its own, named {@code agent-status-apply}; {@link
   * #close} stops it.
   */
  public static AgentStatusFeed onOwnThread(
      AgentRegistry registry, Clock clock, AgentStatusObserver observer) {
    ExecutorService thread =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread applier = new Thread(task, "agent-status-apply");
              applier.setDaemon(true);
              return applier;
            });
    return new AgentStatusFeed(registry, thread, thread, clock, observer, DEFAULT_CAPACITY);
  }

  /**
   * A feed that applies on {@code applier}, which must run one task at a time in order ({@code
   * Runnable::run} applies on the caller's thread, for tests).
   *
   * @param capacity most agents the waiting update may hold before a delta waits
   */
  public static AgentStatusFeed on(
      java.util.concurrent.Executor applier,
      AgentRegistry registry,
      Clock clock,
      AgentStatusObserver observer,
      int capacity) {
    return new AgentStatusFeed(registry, applier, null, clock, observer, capacity);
  }

  /** The registry this feed applies to. */
  AgentRegistry registry() {
    return registry;
  }

  /**
   * Adds a watcher that hears every update and interruption after the registry has taken it; add
   * watchers before the feed is subscribed to the stream.
   */
  public AgentStatusFeed notifying(AgentStatusListener watcher) {
    watchers.add(Objects.requireNonNull(watcher, "watcher"));
    return this;
  }

  /**
   * Merges the update into the waiting one and schedules an apply; blocks only while a delta would
   * overfill the waiting update.
   */
  @Override
  public void onStatus(AgentStatusUpdate update) {
    observer.received(update.fullSnapshot());
    boolean schedule;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      if (waitingUpdate) {
        observer.conflated();
      }
      if (update.fullSnapshot()) {
        waitingSnapshot = update.agents();
        waitingDelta.clear();
      } else {
        while (waitingDelta.size() + update.agents().size() > capacity
            && !waitingDelta.isEmpty()
            && !closed) {
          notFull.awaitUninterruptibly();
        }
        for (Agent agent : update.agents()) {
          // Remove first, so a re-reported agent moves to the end like the last of a delta.
          waitingDelta.remove(agent.id());
          waitingDelta.put(agent.id(), agent);
        }
      }
      waitingUpdate = true;
      waitingSince = clock.instant();
      waitingAfterInterruptions = interruptions;
      // An update after an interruption reconnects the registry anyway.
      waitingInterruption = null;
      schedule = !drainScheduled;
      drainScheduled = true;
    } finally {
      lock.unlock();
    }
    if (schedule) {
      schedule();
    }
  }

  /** Queues the interruption behind whatever update waits. */
  @Override
  public void onInterrupted(String reason) {
    // The status source logs each interruption once at WARN; a second line here would double it.
    LOG.log(Level.DEBUG, "Agent status stream interrupted: " + reason);
    synchronized (watcherLock) {
      interruptions++;
      for (AgentStatusListener watcher : watchers) {
        try {
          watcher.onInterrupted(reason);
        } catch (RuntimeException bug) {
          LOG.log(Level.ERROR, "A status watcher failed on an interruption; continuing", bug);
        }
      }
    }
    boolean schedule;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      waitingInterruption = reason;
      schedule = !drainScheduled;
      drainScheduled = true;
    } finally {
      lock.unlock();
    }
    if (schedule) {
      schedule();
    }
  }

  private void schedule() {
    try {
      applier.execute(this::drain);
    } catch (RejectedExecutionException shuttingDown) {
      lock.lock();
      try {
        drainScheduled = false;
      } finally {
        lock.unlock();
      }
    }
  }

  /** Applies what waits until nothing does; runs on the applier. */
  private void drain() {
    while (true) {
      @Nullable AgentStatusUpdate update = null;
      Instant receivedAt;
      String interruption;
      long interruptionsBefore = -1;
      lock.lock();
      try {
        if (!waitingUpdate && waitingInterruption == null) {
          drainScheduled = false;
          return;
        }
        if (waitingUpdate) {
          interruptionsBefore = waitingAfterInterruptions;
          update = takeWaitingUpdate();
        }
        receivedAt = waitingSince;
        interruption = waitingInterruption;
        waitingInterruption = null;
        notFull.signalAll();
      } finally {
        lock.unlock();
      }
      if (update != null && receivedAt != null) {
        long start = System.nanoTime();
        try {
          registry.apply(update, receivedAt);
        } catch (RuntimeException bug) {
          LOG.log(Level.ERROR, "Applying an agent status update failed; continuing", bug);
        }
        observer.applied(System.nanoTime() - start, Duration.between(receivedAt, clock.instant()));
        announce(update, interruptionsBefore);
      }
      if (interruption != null) {
        registry.markInterrupted(interruption);
      }
    }
  }

  /**
   * Tells the watchers about an applied update, unless an interruption came after it (more than
   * {@code interruptionsBefore} interruptions have been announced).
   */
  private void announce(AgentStatusUpdate update, long interruptionsBefore) {
    synchronized (watcherLock) {
      if (interruptions != interruptionsBefore) {
        return;
      }
      for (AgentStatusListener watcher : watchers) {
        try {
          watcher.onStatus(update);
        } catch (RuntimeException bug) {
          LOG.log(Level.ERROR, "A status watcher failed on an update; continuing", bug);
        }
      }
    }
  }

  /** The waiting update as one, leaving nothing waiting; called with the lock held. */
  private AgentStatusUpdate takeWaitingUpdate() {
    List<Agent> snapshot = waitingSnapshot;
    AgentStatusUpdate update;
    if (snapshot != null) {
      List<Agent> merged = new ArrayList<>(snapshot.size() + waitingDelta.size());
      merged.addAll(snapshot);
      merged.addAll(waitingDelta.values());
      update = AgentStatusUpdate.snapshot(merged);
    } else {
      update = AgentStatusUpdate.delta(new ArrayList<>(waitingDelta.values()));
    }
    waitingSnapshot = null;
    waitingDelta.clear();
    waitingUpdate = false;
    return update;
  }

  /** Stops taking updates and, for a feed on its own thread, stops that thread. */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      notFull.signalAll();
    } finally {
      lock.unlock();
    }
    if (ownThread != null) {
      ownThread.shutdown();
      try {
        if (!ownThread.awaitTermination(2, TimeUnit.SECONDS)) {
          ownThread.shutdownNow();
        }
      } catch (InterruptedException e) {
        ownThread.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }
}
