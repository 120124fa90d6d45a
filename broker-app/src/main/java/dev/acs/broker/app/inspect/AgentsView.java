package dev.acs.broker.app.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The agent table of {@code broker agents}, from the {@code /agents} document. */
final class AgentsView {

  private static final String[] HEADERS = {
    "ID", "NAME", "STATE", "AVAILABLE", "TIER", "OUTSTANDING", "LAST SEEN"
  };

  private AgentsView() {}

  static String render(JsonNode agents) {
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADERS);
    for (JsonNode agent : agents.path("agents")) {
      boolean available = agent.path("available").asBoolean();
      String state = agent.path("state").asText();
      String raw = agent.path("rawState").isTextual() ? agent.path("rawState").asText() : null;
      if (raw != null && !raw.equalsIgnoreCase(state)) {
        state = state + " (" + raw + ")";
      }
      rows.add(
          new String[] {
            agent.path("id").asText(),
            agent.path("name").asText(),
            state,
            available ? "yes" : "no",
            agent.path("tier").isNumber() ? agent.path("tier").asText() : "-",
            agent.path("outstanding").asText("0"),
            agent.path("lastSeen").asText()
          });
    }
    int[] widths = new int[HEADERS.length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "%d agents, %d available (routable states %s)%n",
            agents.path("count").asLong(),
            agents.path("available").asLong(),
            agents.path("routableStates").asText()));
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(row[i]);
        if (i < row.length - 1) {
          line.append(" ".repeat(widths[i] - row[i].length() + 2));
        }
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }
}
