package dev.acs.broker.app.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The benchmarks' knobs, from system properties (failsafe passes {@code -D} options on).
 *
 * <p>{@code -Dbroker.bench=quick} runs each benchmark small (a minute or two, its assertions
 * intact); {@code -Dbroker.bench=full} (or {@code true}) runs the sizes of issue 13. Without the
 * property the benchmarks are skipped, so the default build never pays for them. Any size can be
 * overridden with its own {@code -Dbench.<name>=…}.
 */
final class BenchSettings {

  /** The system property that enables the benchmarks. */
  static final String ENABLE = "broker.bench";

  /** The values of {@link #ENABLE} that run them. */
  static final String ENABLED = "true|quick|full";

  private BenchSettings() {}

  /** Whether the full sizes run rather than the quick ones. */
  static boolean full() {
    String mode = System.getProperty(ENABLE, "").toLowerCase(Locale.ROOT);
    return mode.equals("true") || mode.equals("full");
  }

  static int integer(String name, int quick, int full) {
    String value = System.getProperty("bench." + name);
    return value == null ? (full() ? full : quick) : Integer.parseInt(value.replace("_", ""));
  }

  static double decimal(String name, double quick, double full) {
    String value = System.getProperty("bench." + name);
    return value == null ? (full() ? full : quick) : Double.parseDouble(value);
  }

  static List<String> list(String name, String defaults) {
    return Arrays.asList(System.getProperty("bench." + name, defaults).split(","));
  }

  /** JVM options of the broker under test: production-like, a heap large enough for 100,000. */
  static List<String> brokerJvmOptions() {
    return list("brokerJvm", "-Xmx1g");
  }

  /** Where reports and broker logs go: {@code broker-app/target/bench}. */
  static Path directory() {
    return Path.of(System.getProperty("bench.dir", "target/bench"));
  }

  /**
   * The machine's load average (1, 5, 15 minutes) from {@code /proc/loadavg}, for the report: on a
   * shared machine it says how much the other processes distorted the figures.
   */
  static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** Prints a report and appends it to {@code target/bench/<file>}. */
  static void report(String file, String text) {
    System.out.println(text);
    try {
      Files.createDirectories(directory());
      Files.writeString(
          directory().resolve(file),
          text + System.lineSeparator(),
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
