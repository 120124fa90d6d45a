package dev.acs.broker.app.sandbox.demo;

import dev.acs.broker.app.sandbox.simulate.Simulation;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The demo's live line: one per second, rewritten in place on a terminal, one line each otherwise.
 * {@link #print} runs on the demo's ticker thread, {@link #end} on its main thread.
 */
final class DemoProgress {

  private final PrintWriter out;
  private final Simulation simulation;
  private final long from;

  // Java 17 (the target) has no Console.isTerminal(): null is how it says "not a terminal". On 22+
  // a pipe gets a console too, and the line is then redrawn with carriage returns: still readable.
  @SuppressWarnings("SystemConsoleNull")
  private final boolean terminal = System.console() != null;

  private long lastRouted;
  private boolean printed;

  DemoProgress(PrintWriter out, Simulation simulation, long from) {
    this.out = out;
    this.simulation = simulation;
    this.from = from;
  }

  synchronized void print() {
    Simulation.Stats stats = simulation.stats();
    long routedNow = stats.routed();
    String line =
        String.format(
            Locale.ROOT,
            "[%4.0fs] routed %d  %d msg/s  held %d  errors %d  agents %s",
            (System.nanoTime() - from) / 1e9,
            routedNow,
            routedNow - lastRouted,
            stats.outstanding(),
            stats.errors(),
            stats.states().entrySet().stream()
                .map(state -> state.getValue() + " " + state.getKey())
                .collect(Collectors.joining(", ")));
    lastRouted = routedNow;
    if (terminal) {
      out.print("\r" + line + "    ");
    } else {
      out.println(line);
    }
    out.flush();
    printed = true;
  }

  synchronized void end() {
    if (terminal && printed) {
      out.println();
    }
  }

  /** The summary; its line shapes are what the integration test reads. */
  static String summary(
      Simulation.Stats stats, long deadLettered, long trafficNanos, @Nullable String reason) {
    double seconds = Math.max(0.001, (trafficNanos / 1e9));
    StringBuilder summary = new StringBuilder();
    summary.append(
        String.format(
            Locale.ROOT, "Demo summary (%s, %.1f s of traffic)%n", reason, (trafficNanos / 1e9)));
    summary.append(
        String.format(
            Locale.ROOT,
            "  routed          %d (%.1f msg/s): %d frontend messages, %d agent replies%n",
            stats.routed(),
            stats.routed() / seconds,
            stats.routedFrontend(),
            stats.routed() - stats.routedFrontend()));
    summary.append("  by agent        ");
    summary.append(
        stats.byAgent().entrySet().stream()
            .map(agent -> agent.getKey() + " " + agent.getValue())
            .collect(Collectors.joining(", ")));
    summary.append('\n');
    summary.append(
        String.format(
            Locale.ROOT,
            "  sent            %d frontend messages, %d agent replies%n",
            stats.sent(),
            stats.replies()));
    summary.append(
        String.format(
            Locale.ROOT,
            "  held            %d at the end (parked or in flight)%n",
            stats.outstanding()));
    summary.append(String.format(Locale.ROOT, "  dead-lettered   %d%n", deadLettered));
    summary.append(String.format(Locale.ROOT, "  errors          %d%n", stats.errors()));
    summary.append("  latency         ").append(stats.latencySummary()).append('\n');
    summary.append(
        String.format(
            Locale.ROOT,
            "  churn           agents paused or went offline %d times%n",
            stats.churnEvents()));
    return summary.toString();
  }
}
