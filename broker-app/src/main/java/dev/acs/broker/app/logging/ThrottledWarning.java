package dev.acs.broker.app.logging;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * One kind of warning that may come in floods (every message answered "no agent", say): logged at
 * most once per interval, each line saying how many happened since the previous one. Thread-safe.
 */
final class ThrottledWarning {

  private final Logger log;
  private final String what;
  private final long intervalNanos;
  private final LongSupplier nanoClock;
  private long lastLoggedAt;
  private boolean loggedOnce;
  private long count;

  /**
   * @param what the event, as the subject of a sentence ("messages answered with 'no agent'")
   */
  ThrottledWarning(Logger log, String what, long interval, TimeUnit unit, LongSupplier nanoClock) {
    this.log = log;
    this.what = what;
    this.intervalNanos = unit.toNanos(interval);
    this.nanoClock = nanoClock;
  }

  /** Counts one event and logs, if the interval has passed, with {@code latest} as the example. */
  void record(String latest) {
    long happened;
    synchronized (this) {
      count++;
      long now = nanoClock.getAsLong();
      if (loggedOnce && now - lastLoggedAt < intervalNanos) {
        return;
      }
      happened = count;
      count = 0;
      loggedOnce = true;
      lastLoggedAt = now;
    }
    log.warn("{}: {} since the last report; latest: {}", what, happened, latest);
  }
}
