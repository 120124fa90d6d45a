package dev.acs.broker.adapter.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** Bounded waiting for asynchronous outcomes, without sleeping as synchronisation. */
final class Await {

  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private Await() {}

  /** Polls {@code condition} every few milliseconds until it holds; fails after {@code timeout}. */
  static void until(Duration timeout, BooleanSupplier condition, Supplier<String> description) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("Not within " + timeout + ": " + description.get());
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }

  static void until(BooleanSupplier condition, Supplier<String> description) {
    until(TIMEOUT, condition, description);
  }

  /** The next element of {@code queue}, waiting at most {@link #TIMEOUT}. */
  static <T> T next(BlockingQueue<T> queue, String what) throws InterruptedException {
    return next(queue, TIMEOUT, what);
  }

  static <T> T next(BlockingQueue<T> queue, Duration timeout, String what)
      throws InterruptedException {
    @Nullable T element = queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    assertThat(element).as("%s within %s", what, timeout).isNotNull();
    return element;
  }
}
