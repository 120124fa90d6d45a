package dev.acs.broker.core.application;

import dev.acs.broker.core.port.Subscription;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task once after a delay: the seam through which the routing service keeps its park
 * timeouts, so tests can move time by hand.
 */
@FunctionalInterface
public interface DelayScheduler {

  /** Runs {@code task} once after {@code delay}; cancelling the result prevents a pending run. */
  Subscription schedule(Duration delay, Runnable task);

  /** A scheduler backed by a JDK executor. */
  static DelayScheduler using(ScheduledExecutorService executor) {
    return (delay, task) -> {
      ScheduledFuture<?> future = executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
      return () -> future.cancel(false);
    };
  }
}
