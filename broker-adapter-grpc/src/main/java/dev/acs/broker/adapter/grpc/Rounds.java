package dev.acs.broker.adapter.grpc;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Which round of register-subscribe-probe is current, and whether the adapter is closed. Every
 * interruption starts a new round; an answer that arrives for an older round (a registration, a
 * probe, a stream that has since been replaced) is recognised by its round number and dropped.
 *
 * <p>The round number is confined to the scheduler thread; the closed flag may be set and read from
 * any thread.
 */
final class Rounds {

  private final AtomicBoolean closed = new AtomicBoolean();
  private long current;

  /** The number of the current round, to hand to a call whose answer comes back later. */
  long current() {
    return current;
  }

  /** Starts a new round: answers to calls of earlier rounds no longer count. */
  void next() {
    current++;
  }

  /** Whether an answer to a call of {@code round} still counts. */
  boolean isCurrent(long round) {
    return !closed.get() && round == current;
  }

  boolean isClosed() {
    return closed.get();
  }

  /** Marks the adapter closed; {@code true} for the one caller that did it. */
  boolean close() {
    return closed.compareAndSet(false, true);
  }
}
