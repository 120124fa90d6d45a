package dev.acs.broker.core.application;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Logs at most one warning per interval and counts the rest: a connection loss fails every
 * in-flight publish at once, and a few hundred identical lines would bury the one that matters.
 */
final class ThrottledWarnings {

  private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final Logger log;
  private final LongSupplier nanoClock;
  private long lastLoggedAt;
  private boolean loggedOnce;
  private int suppressed;

  ThrottledWarnings(Logger log, LongSupplier nanoClock) {
    this.log = log;
    this.nanoClock = nanoClock;
  }

  void warn(String message) {
    String line;
    synchronized (this) {
      long now = nanoClock.getAsLong();
      if (loggedOnce && now - lastLoggedAt < INTERVAL_NANOS) {
        suppressed++;
        return;
      }
      line =
          suppressed == 0
              ? message
              : message + " (" + suppressed + " similar warnings suppressed since the last one)";
      loggedOnce = true;
      lastLoggedAt = now;
      suppressed = 0;
    }
    log.log(Level.WARNING, line);
  }
}
