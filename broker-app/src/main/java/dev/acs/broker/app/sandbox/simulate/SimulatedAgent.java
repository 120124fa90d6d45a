package dev.acs.broker.app.sandbox.simulate;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * One simulated agent: busy while it has messages to answer, and now and then away (paused or
 * offline). Every change of its state is reported to the stand-in central server at once, under
 * this agent's lock, so the server never hears its states out of order. Called from the
 * simulation's consumer and scheduler threads.
 */
final class SimulatedAgent {

  private final String id;
  private final StandInCentralServer central;
  private final AtomicLong routed = new AtomicLong();
  private final AtomicInteger load = new AtomicInteger();
  private @Nullable String away;

  SimulatedAgent(String id, StandInCentralServer central) {
    this.id = id;
    this.central = central;
  }

  String id() {
    return id;
  }

  /** How many results the broker routed to this agent. */
  long routed() {
    return routed.get();
  }

  /** Counts a result the broker routed to this agent. */
  void countRouted() {
    routed.incrementAndGet();
  }

  /** The state the central server shows: {@code paused}/{@code offline}, else busy or idle. */
  synchronized String state() {
    return away != null ? away : load.get() > 0 ? "busy" : "idle";
  }

  /** Starts working on a message (busy from the first). */
  synchronized void take() {
    if (load.getAndIncrement() == 0) {
      publishState();
    }
  }

  /** Has answered a message (idle after the last). */
  synchronized void done() {
    if (load.decrementAndGet() == 0) {
      publishState();
    }
  }

  /**
   * Pauses, or goes offline, unless already away.
   *
   * @return whether the agent left now
   */
  synchronized boolean leave(boolean offline) {
    if (away != null) {
      return false;
    }
    away = offline ? "offline" : "paused";
    publishState();
    return true;
  }

  synchronized void comeBack() {
    away = null;
    publishState();
  }

  /** Tells the central server; the caller holds this agent's lock. */
  private void publishState() {
    central.setState(id, state());
  }
}
