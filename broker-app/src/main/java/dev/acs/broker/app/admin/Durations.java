package dev.acs.broker.app.admin;

import java.time.Duration;

/** Short human-readable durations: {@code 850ms}, {@code 12s}, {@code 3m 5s}, {@code 2h 1m}. */
public final class Durations {

  private Durations() {}

  /** {@code duration} for people, to a sensible precision. */
  public static String human(Duration duration) {
    long millis = duration.toMillis();
    if (millis < 1000) {
      return millis + "ms";
    }
    long seconds = duration.toSeconds();
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3600) {
      return (seconds / 60) + "m " + (seconds % 60) + "s";
    }
    if (seconds < 86_400) {
      return (seconds / 3600) + "h " + (seconds % 3600 / 60) + "m";
    }
    return (seconds / 86_400) + "d " + (seconds % 86_400 / 3600) + "h";
  }
}
