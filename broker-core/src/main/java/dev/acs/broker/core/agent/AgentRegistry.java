package dev.acs.broker.core.agent;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The broker's live view of the agents, fed by the status stream (and by status messages arriving
 * on the input queue).
 *
 * <p>Readers call {@link #view()}, a single volatile read of an immutable {@link AgentView}: no
 * lock, no copy. Writers are serialized and publish a new view per update, so a reader always sees
 * one whole update or none of it. An update costs what it changes: a delta of k agents O(k log n),
 * a full snapshot O(n) lookups to find the differences plus O(k log n) to apply them (see {@code
 * docs/routing.md}).
 */
public final class AgentRegistry {

  private final Clock clock;
  private final Object writeLock = new Object();
  private final CountDownLatch firstSnapshot = new CountDownLatch(1);
  private final List<Consumer<AgentViewChange>> listeners = new CopyOnWriteArrayList<>();

  private volatile AgentView view;
  private volatile boolean streamConnected;
  private volatile @Nullable String interruption = "no status received yet";

  /**
   * An empty registry that judges agents by {@code availability} and stamps updates by {@code
   * clock}.
   */
  public AgentRegistry(Availability availability, Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.view = AgentView.empty(availability);
  }

  /** The current view; never blocks. */
  public AgentView view() {
    return view;
  }

  /**
   * Applies one status update as SPEC §2 says: a full snapshot replaces the view (agents not listed
   * are gone), a delta upserts the listed agents. Marks the stream connected and stamps the view
   * with the registry's clock.
   *
   * @return the view after the update
   */
  public AgentView apply(AgentStatusUpdate update) {
    return apply(update, clock.instant());
  }

  /**
   * Applies one status update like {@link #apply(AgentStatusUpdate)}, stamping the view with the
   * time the update was received, so that an update that waited before being applied does not look
   * fresher than it is.
   *
   * @return the view after the update
   */
  public AgentView apply(AgentStatusUpdate update, Instant receivedAt) {
    Objects.requireNonNull(receivedAt, "receivedAt");
    AgentViewChange change;
    synchronized (writeLock) {
      AgentView current = view;
      List<AgentChange> changes =
          update.fullSnapshot()
              ? AgentChanges.fromSnapshot(current, update.agents())
              : AgentChanges.fromDelta(current, update.agents());
      Instant stamp =
          current.updatedAt().filter(previous -> previous.isAfter(receivedAt)).orElse(receivedAt);
      AgentView next =
          changes.isEmpty()
              ? current.restamped(current.version() + 1, stamp)
              : current.changedBy(current.version() + 1, stamp, changes);
      view = next;
      streamConnected = true;
      interruption = null;
      if (update.fullSnapshot()) {
        firstSnapshot.countDown();
      }
      change = new AgentViewChange(current, next, changes);
    }
    for (Consumer<AgentViewChange> listener : listeners) {
      listener.accept(change);
    }
    return change.after();
  }

  /**
   * Records that the status stream is down; the last view is kept (routing with a slightly old view
   * beats not routing) and reported as stale by {@link #health()}.
   */
  public void markInterrupted(String reason) {
    synchronized (writeLock) {
      streamConnected = false;
      interruption = reason;
    }
  }

  /** Whether a full snapshot has arrived at least once. */
  public boolean hasSnapshot() {
    return firstSnapshot.getCount() == 0;
  }

  /**
   * Blocks until the first full snapshot arrives or the timeout passes.
   *
   * @return whether a snapshot arrived
   */
  public boolean awaitFirstSnapshot(Duration timeout) throws InterruptedException {
    return firstSnapshot.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** How fresh the view is, as of now. */
  public RegistryHealth health() {
    return new RegistryHealth(
        hasSnapshot(),
        streamConnected,
        view.updatedAt().orElse(null),
        interruption,
        clock.instant());
  }

  /**
   * Registers a callback run after every applied update with the new view, on the updating thread;
   * it must be quick and must not call {@link #apply}.
   */
  public void onChange(Consumer<AgentView> listener) {
    Objects.requireNonNull(listener, "listener");
    listeners.add(change -> listener.accept(change.after()));
  }

  /**
   * Registers a callback run after every applied update with what it changed, on the updating
   * thread, so that the callback can do work in proportion to the change; it must be quick and must
   * not call {@link #apply}.
   */
  public void onUpdate(Consumer<AgentViewChange> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }
}
