package dev.acs.broker.core.testing;

import dev.acs.broker.core.application.DelayScheduler;
import dev.acs.broker.core.port.Subscription;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A {@link DelayScheduler} on a {@link ManualClock}: tasks run, on the caller's thread, only when
 * {@link #advance} moves the clock past their time.
 */
public final class ManualScheduler implements DelayScheduler {

  private final ManualClock clock;
  private final List<Task> tasks = new ArrayList<>();
  private long sequence;

  /** A scheduler driven by {@code clock}. */
  public ManualScheduler(ManualClock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized Subscription schedule(Duration delay, Runnable task) {
    Task scheduled = new Task(clock.instant().plus(delay), sequence++, task);
    tasks.add(scheduled);
    return () -> {
      synchronized (this) {
        tasks.remove(scheduled);
      }
    };
  }

  /** Moves the clock by {@code duration}, running every task that falls due, in time order. */
  public void advance(Duration duration) {
    Instant target = clock.instant().plus(duration);
    while (true) {
      Task due;
      synchronized (this) {
        due =
            tasks.stream()
                .filter(t -> !t.at.isAfter(target))
                .min(Comparator.comparing((Task t) -> t.at).thenComparingLong(t -> t.order))
                .orElse(null);
        if (due != null) {
          tasks.remove(due);
        }
      }
      if (due == null) {
        break;
      }
      if (due.at.isAfter(clock.instant())) {
        clock.advance(Duration.between(clock.instant(), due.at));
      }
      due.task.run();
    }
    if (target.isAfter(clock.instant())) {
      clock.advance(Duration.between(clock.instant(), target));
    }
  }

  /** How many tasks wait to run. */
  public synchronized int pending() {
    return tasks.size();
  }

  private record Task(Instant at, long order, Runnable task) {}
}
