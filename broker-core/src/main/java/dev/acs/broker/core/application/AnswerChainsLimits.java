package dev.acs.broker.core.application;

import java.time.Duration;

/** The bounds of the broker's memory of delivered messages ({@link AnswerChains}). */
final class AnswerChainsLimits {

  /**
   * At most this many delivered messages are remembered (about 200 bytes each, 20 MB at most): more
   * than are answered within a minute at 1,000 msg/s.
   */
  static final int CAPACITY = 100_000;

  /** A message is forgotten this long after its delivery; an answer later starts a new chain. */
  static final Duration TTL = Duration.ofMinutes(15);

  private AnswerChainsLimits() {}
}
