package dev.acs.broker.adapter.amqp;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition by polling, with a bound; the tests' only way to wait. */
final class Await {

  private Await() {}

  static void until(BooleanSupplier condition, Duration timeout, Supplier<String> description)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "timed out after " + timeout + " waiting for " + description.get());
      }
      Thread.sleep(20); // polling interval, not synchronisation
    }
  }
}
