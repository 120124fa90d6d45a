package dev.acs.broker.adapter.amqp;

import java.util.ArrayList;
import java.util.List;

/**
 * Lets acknowledgements made during one publisher-confirm callback go out as one cumulative
 * basic.ack per consumer channel instead of one frame each: a confirm with {@code multiple=true}
 * settles many messages on one thread, and the core acks each of them from there.
 */
final class AckBatch {

  private static final ThreadLocal<List<ConsumerSession>> ACTIVE = new ThreadLocal<>();

  private AckBatch() {}

  /** Runs {@code work}; acknowledgements it makes are flushed when it ends. */
  static void run(Runnable work) {
    if (ACTIVE.get() != null) {
      work.run();
      return;
    }
    List<ConsumerSession> sessions = new ArrayList<>(1);
    ACTIVE.set(sessions);
    try {
      work.run();
    } finally {
      ACTIVE.remove();
      for (ConsumerSession session : sessions) {
        session.flush();
      }
    }
  }

  /**
   * Defers {@code session}'s flush to the end of the running batch.
   *
   * @return false when no batch runs on this thread, so the caller flushes now
   */
  static boolean defer(ConsumerSession session) {
    List<ConsumerSession> sessions = ACTIVE.get();
    if (sessions == null) {
      return false;
    }
    if (!sessions.contains(session)) {
      sessions.add(session);
    }
    return true;
  }
}
