package dev.acs.broker.app.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns the suite's {@code results.jsonl} into the Markdown table of {@code docs/reliability.md}
 * ({@code target/reliability/table.md}), so the documented numbers come from a run.
 */
final class ResultsTable {

  private ResultsTable() {}

  /**
   * Turns the suites' {@code results.jsonl} into {@code table.md}, both in {@link
   * Scenario#REPORTS}.
   */
  static void writeSuiteTable() throws IOException {
    write(Scenario.REPORTS.resolve("results.jsonl"), Scenario.REPORTS.resolve("table.md"));
  }

  static void write(Path results, Path table) throws IOException {
    if (!Files.exists(results)) {
      return;
    }
    ObjectMapper json = new ObjectMapper();
    List<String> lines = new ArrayList<>();
    lines.add(
        "| scenario | fault | messages | lost | duplicated (bound) | unexpected | dead-lettered"
            + " | detection (s) | recovery (s) | scenario time (s) |");
    lines.add("|---|---|---:|---:|---:|---:|---:|---|---|---:|");
    for (String line : Files.readAllLines(results, StandardCharsets.UTF_8)) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode row = json.readTree(line);
      lines.add(
          String.format(
              Locale.ROOT,
              "| %s | %s | %,d | %d | %d (≤ %d) | %d | %d | %s | %s | %.1f |",
              row.path("scenario").asText(),
              row.path("fault").asText(),
              row.path("messages").asLong(),
              row.path("lost").asLong(),
              row.path("duplicated").asLong(),
              row.path("duplicateBound").asLong(),
              row.path("unexpected").asLong(),
              row.path("deadLettered").asLong(),
              summary(row.path("detectionSeconds")),
              summary(row.path("recoverySeconds")),
              row.path("seconds").asDouble()));
    }
    Files.writeString(table, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
  }

  /** "–" for none, the value for one, "min–max (n)" for several. */
  private static String summary(JsonNode values) {
    if (!values.isArray() || values.isEmpty()) {
      return "–";
    }
    if (values.size() == 1) {
      return String.format(Locale.ROOT, "%.2f", values.get(0).asDouble());
    }
    double min = Double.MAX_VALUE;
    double max = 0;
    for (JsonNode value : values) {
      min = Math.min(min, value.asDouble());
      max = Math.max(max, value.asDouble());
    }
    return String.format(
            Locale.ROOT, "%.2f, %.2f", values.get(0).asDouble(), values.get(1).asDouble())
        + (values.size() > 2
            ? String.format(Locale.ROOT, " … (%d: %.2f–%.2f)", values.size(), min, max)
            : "");
  }
}
