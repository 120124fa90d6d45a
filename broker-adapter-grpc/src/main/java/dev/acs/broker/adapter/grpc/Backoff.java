package dev.acs.broker.adapter.grpc;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter: the n-th delay (counting from 0 since the last {@link #reset()})
 * is {@code initial * multiplier^n}, scaled by a random factor in {@code [1 - jitter, 1 + jitter)},
 * and never more than {@code max}.
 *
 * <p>The step stops growing at {@code max / (1 + jitter)}, so that a jittered delay never exceeds
 * {@code max} and delays at the cap still spread (over {@code [max (1 - jitter) / (1 + jitter),
 * max)}) rather than all landing on {@code max}: many brokers that lost the same server do not come
 * back in lockstep.
 *
 * <p>Pure computation: no clock, no sleeping. Not thread-safe; the adapter uses it from its single
 * scheduler thread.
 */
final class Backoff {

  private final long initialNanos;
  private final double multiplier;
  private final double jitter;
  private final long maxNanos;
  private final double capNanos;
  private final RandomGenerator random;

  private double currentNanos;

  Backoff(
      Duration initial, double multiplier, double jitter, Duration max, RandomGenerator random) {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    this.random = Objects.requireNonNull(random, "random");
    if (initial.isNegative() || initial.isZero()) {
      throw new IllegalArgumentException("initial backoff must be positive, got " + initial);
    }
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "max backoff must be at least the initial backoff " + initial + ", got " + max);
    }
    if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException("backoff multiplier must be >= 1, got " + multiplier);
    }
    if (!(jitter >= 0.0 && jitter < 1.0)) {
      throw new IllegalArgumentException("backoff jitter must be in [0, 1), got " + jitter);
    }
    this.initialNanos = initial.toNanos();
    this.multiplier = multiplier;
    this.jitter = jitter;
    this.maxNanos = max.toNanos();
    this.capNanos = maxNanos / (1.0 + jitter);
    this.currentNanos = Math.min(initialNanos, capNanos);
  }

  /** The delay before the next attempt; each call moves one step further. */
  Duration nextDelay() {
    double base = currentNanos;
    currentNanos = Math.min(currentNanos * multiplier, capNanos);
    double factor = jitter == 0.0 ? 1.0 : 1.0 + jitter * (2.0 * random.nextDouble() - 1.0);
    long delay = (long) Math.min(base * factor, maxNanos);
    return Duration.ofNanos(Math.max(delay, 1));
  }

  /** Starts over at the initial delay (after a success). */
  void reset() {
    currentNanos = Math.min(initialNanos, capNanos);
  }
}
