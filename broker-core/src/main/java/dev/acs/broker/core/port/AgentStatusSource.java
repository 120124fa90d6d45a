package dev.acs.broker.core.port;

/**
 * Where the broker learns which agents exist and their state (the central server's status stream,
 * in production).
 *
 * <p>A source keeps its stream alive by itself: it reconnects after any failure, re-announces the
 * broker where its transport requires it, and reports gaps through {@link
 * AgentStatusListener#onInterrupted}.
 */
@FunctionalInterface
public interface AgentStatusSource {

  /**
   * Starts following the stream; returns at once. The first update delivered is a full snapshot.
   * Cancelling the subscription ends the stream without reporting an interruption.
   */
  Subscription subscribe(AgentStatusListener listener);
}
