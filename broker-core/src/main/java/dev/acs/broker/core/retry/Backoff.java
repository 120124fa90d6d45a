package dev.acs.broker.core.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter, the one retry pace of every adapter (the gRPC link to the
 * central server, the RabbitMQ connections): the n-th delay (counting from 0 since the last {@link
 * #reset()}) is {@code initial * multiplier^n}, scaled by a random factor in {@code [1 - jitter, 1
 * + jitter)}, and never more than {@code max}.
 *
 * <p>The step stops growing at {@code max / (1 + jitter)}, so that a jittered delay never exceeds
 * {@code max} and delays at the cap still spread (over {@code [max (1 - jitter) / (1 + jitter),
 * max)}) rather than all landing on {@code max}: many brokers that lost the same server do not come
 * back in lockstep. With {@code jitter} 0 the random source is never asked.
 *
 * <p>Pure computation: no clock, no sleeping; the random source is injected, so a seeded one gives
 * the same delays every run. Not thread-safe: each retry loop owns its instance and calls it from
 * the one thread that schedules its attempts.
 */
public final class Backoff {

  private final long initialNanos;
  private final double multiplier;
  private final double jitter;
  private final long maxNanos;
  private final double capNanos;
  private final RandomGenerator random;

  private double currentNanos;

  /**
   * A backoff at its first step.
   *
   * @param initial the first delay, positive
   * @param multiplier how much each delay grows over the one before, at least 1
   * @param jitter the relative spread of each delay, in {@code [0, 1)}
   * @param max the longest delay, at least {@code initial}
   * @param random the source of the jitter; may be shared with other users if it is thread-safe
   * @throws IllegalArgumentException when a parameter is out of its range
   */
  public Backoff(
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
    this.capNanos = (double) maxNanos / (1.0 + jitter);
    this.currentNanos = Math.min((double) initialNanos, capNanos);
  }

  /** The delay before the next attempt, at least one nanosecond; each call moves one step on. */
  public Duration nextDelay() {
    double base = currentNanos;
    currentNanos = Math.min(currentNanos * multiplier, capNanos);
    double factor = jitter == 0.0 ? 1.0 : 1.0 + jitter * (2.0 * random.nextDouble() - 1.0);
    long delay = (long) Math.min(base * factor, (double) maxNanos);
    return Duration.ofNanos(Math.max(delay, 1));
  }

  /** Starts over at the initial delay; called after an attempt succeeded. */
  public void reset() {
    currentNanos = Math.min((double) initialNanos, capNanos);
  }
}
