package dev.acs.broker.app.lifecycle;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The hand-over between whoever asks the broker to stop (a signal handler, the JVM's shutdown hook,
 * a test) and the thread that runs it.
 *
 * <p>While the broker starts, a request also interrupts the running thread, because start-up blocks
 * (waiting for the first snapshot, connecting to RabbitMQ) and must give up at once. Once the
 * broker runs it waits in {@link #awaitRequest()} and is never interrupted, so the drain is not cut
 * short. Thread-safe.
 */
public final class ShutdownSignal {

  private final CountDownLatch requested = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private @Nullable Thread starting;
  private @Nullable String reason;

  /**
   * Asks the broker to stop; idempotent.
   *
   * @param why what asked, for the log (e.g. {@code SIGTERM})
   */
  public void request(String why) {
    Thread toInterrupt;
    synchronized (this) {
      if (reason != null) {
        return;
      }
      reason = why;
      toInterrupt = starting;
      starting = null;
    }
    requested.countDown();
    if (toInterrupt != null) {
      toInterrupt.interrupt();
    }
  }

  /** Whether a stop was requested. */
  public boolean isRequested() {
    return requested.getCount() == 0;
  }

  /** What asked the broker to stop, or {@code null}. */
  public synchronized @Nullable String reason() {
    return reason;
  }

  /**
   * Marks the calling thread as starting the broker: a request interrupts it until {@link
   * #startupFinished()}. When a stop was already requested the thread is interrupted at once.
   */
  public void startupBegins() {
    boolean already;
    synchronized (this) {
      already = reason != null;
      if (!already) {
        starting = Thread.currentThread();
      }
    }
    if (already) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Ends the window in which requests interrupt; clears an interrupt that a request delivered, so
   * the shutdown that follows can wait.
   *
   * @return whether a stop was requested meanwhile
   */
  public boolean startupFinished() {
    synchronized (this) {
      starting = null;
    }
    if (isRequested()) {
      Thread.interrupted();
      return true;
    }
    return false;
  }

  /** Blocks until a stop is requested. */
  public void awaitRequest() throws InterruptedException {
    requested.await();
  }

  /** Records that the broker has stopped and released everything. */
  public void markStopped() {
    stopped.countDown();
  }

  /**
   * Waits until the broker has stopped.
   *
   * @return whether it stopped within the timeout
   */
  public boolean awaitStopped(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }
}
