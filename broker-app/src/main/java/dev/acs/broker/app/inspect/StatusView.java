package dev.acs.broker.app.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.acs.broker.app.admin.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The one-screen summary of {@code broker status}, from the admin endpoint's documents: liveness,
 * readiness and two metric scrapes {@code interval} apart (for rates). Pure, so it is tested with
 * canned documents.
 */
final class StatusView {

  private final String url;
  private final JsonNode live;
  private final JsonNode ready;
  private final PrometheusText before;
  private final PrometheusText after;
  private final Duration interval;

  StatusView(
      String url,
      JsonNode live,
      JsonNode ready,
      PrometheusText before,
      PrometheusText after,
      Duration interval) {
    this.url = url;
    this.live = live;
    this.ready = ready;
    this.before = before;
    this.after = after;
    this.interval = interval;
  }

  /** Whether the broker said it is ready ({@code /health/ready} answered {@code UP}). */
  boolean ready() {
    return "UP".equals(ready.path("status").asText());
  }

  private double rate(String name) {
    double seconds = interval.toNanos() / 1e9;
    if (seconds <= 0) {
      double uptime = live.path("uptimeSeconds").asDouble(0);
      return uptime <= 0 ? 0 : after.sum(name) / uptime;
    }
    return Math.max(0, after.sum(name) - before.sum(name)) / seconds;
  }

  /** The summary as a JSON document. */
  ObjectNode toJson() {
    ObjectNode root = AdminClient.JSON.createObjectNode();
    root.put("url", url);
    root.set("live", live);
    root.set("ready", ready);
    ObjectNode rates = root.putObject("rates");
    rates.put("intervalSeconds", interval.toNanos() / 1e9);
    rates.put("basis", interval.isZero() ? "average since start" : "two scrapes");
    rates.put("consumedPerSecond", rate("broker_messages_consumed_total"));
    rates.put("settledPerSecond", rate("broker_relay_duration_seconds_count"));
    ObjectNode totals = root.putObject("totals");
    totals.put("consumed", (long) after.sum("broker_messages_consumed_total"));
    totals.put(
        "delivered", (long) after.sum("broker_messages_routed_total", "outcome", "delivered"));
    totals.put("forwarded", (long) after.sum("broker_messages_forwarded_total"));
    totals.put("rejected", (long) after.sum("broker_messages_rejected_total"));
    totals.put("deadLettered", (long) after.sum("broker_messages_dead_lettered_total"));
    totals.put("requeued", (long) after.sum("broker_messages_requeued_total"));
    ObjectNode parked = root.putObject("parked");
    parked.put("now", (long) after.value("broker_messages_parked"));
    parked.put(
        "oldestAgeSeconds", orZero(after.value("broker_messages_parked_oldest_age_seconds")));
    ObjectNode agents = root.putObject("agents");
    Map<String, Double> byState = after.byLabel("broker_agents", "state");
    long known = 0;
    ObjectNode states = AdminClient.JSON.createObjectNode();
    for (Map.Entry<String, Double> entry : byState.entrySet()) {
      long count = entry.getValue().longValue();
      known += count;
      if (count > 0) {
        states.put(entry.getKey(), count);
      }
    }
    agents.put("known", known);
    agents.put("available", (long) orZero(after.value("broker_agents_available")));
    agents.set("byState", states);
    ObjectNode links = root.putObject("links");
    links.put("statusStreamUp", after.value("broker_status_stream_up") == 1.0);
    links.put("registryStalenessSeconds", orZero(after.value("broker_registry_staleness_seconds")));
    links.put("statusStreamReconnects", (long) after.sum("broker_status_stream_reconnects_total"));
    links.put("amqpRecoveries", (long) after.sum("broker_amqp_recoveries_total"));
    links.put("rabbitmqConsumerNode", node("consumerNode"));
    links.put("rabbitmqPublisherNode", node("publisherNode"));
    return root;
  }

  /** The summary for people. */
  String render() {
    ObjectNode json = toJson();
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "Broker %s (%s), version %s, policy %s, %s for %s%n",
            live.path("brokerName").asText("?"),
            live.path("brokerId").asText("?"),
            live.path("version").asText("?"),
            live.path("policy").asText("?"),
            live.path("phase").asText("?"),
            Durations.human(Duration.ofSeconds(live.path("uptimeSeconds").asLong()))));
    out.append("Admin endpoint: ").append(url).append('\n');
    boolean isReady = ready();
    List<String> failing = new ArrayList<>();
    ready.path("failing").forEach(name -> failing.add(name.asText()));
    out.append("Ready: ")
        .append(isReady ? "yes" : "NO (failing: " + String.join(", ", failing) + ")")
        .append('\n');
    ready
        .path("checks")
        .properties()
        .forEach(
            check ->
                out.append(
                    String.format(
                        Locale.ROOT,
                        "  %-6s %-28s %s%n",
                        "UP".equals(check.getValue().path("status").asText()) ? "ok" : "FAIL",
                        check.getKey(),
                        check.getValue().path("detail").asText())));
    JsonNode rates = json.path("rates");
    out.append(
        String.format(
            Locale.ROOT,
            "Rates (%s): %.1f consumed/s, %.1f settled/s%n",
            interval.isZero() ? "average since start" : "over " + Durations.human(interval),
            rates.path("consumedPerSecond").asDouble(),
            rates.path("settledPerSecond").asDouble()));
    JsonNode totals = json.path("totals");
    out.append(
        String.format(
            Locale.ROOT,
            "Totals: %d consumed, %d delivered, %d forwarded, %d rejected, %d dead-lettered,"
                + " %d requeued%n",
            totals.path("consumed").asLong(),
            totals.path("delivered").asLong(),
            totals.path("forwarded").asLong(),
            totals.path("rejected").asLong(),
            totals.path("deadLettered").asLong(),
            totals.path("requeued").asLong()));
    JsonNode parked = json.path("parked");
    long parkedNow = parked.path("now").asLong();
    out.append("Parked: ").append(parkedNow);
    if (parkedNow > 0) {
      out.append(" (oldest waiting ")
          .append(
              Durations.human(
                  Duration.ofMillis((long) (parked.path("oldestAgeSeconds").asDouble() * 1000))))
          .append(')');
    }
    out.append('\n');
    JsonNode agents = json.path("agents");
    List<String> states = new ArrayList<>();
    agents
        .path("byState")
        .properties()
        .forEach(state -> states.add(state.getKey() + " " + state.getValue().asLong()));
    out.append(
        String.format(
            Locale.ROOT,
            "Agents: %d known, %d available%s%n",
            agents.path("known").asLong(),
            agents.path("available").asLong(),
            states.isEmpty() ? "" : " (" + String.join(", ", states) + ")"));
    JsonNode links = json.path("links");
    out.append(
        String.format(
            Locale.ROOT,
            "Links: status stream %s, last status %s ago, %d stream reconnects, %d RabbitMQ"
                + " recoveries%n",
            links.path("statusStreamUp").asBoolean() ? "up" : "DOWN",
            Durations.human(
                Duration.ofMillis(
                    (long) (links.path("registryStalenessSeconds").asDouble() * 1000))),
            links.path("statusStreamReconnects").asLong(),
            links.path("amqpRecoveries").asLong()));
    out.append(
        String.format(
            Locale.ROOT,
            "RabbitMQ nodes: consumer on %s, publisher on %s%n",
            orDown(links.path("rabbitmqConsumerNode").asText(null)),
            orDown(links.path("rabbitmqPublisherNode").asText(null))));
    return out.toString();
  }

  /** The node a RabbitMQ connection is on, from the readiness document; null when down. */
  private @Nullable String node(String field) {
    JsonNode value = ready.path("rabbitmq").path(field);
    return value.isTextual() ? value.asText() : null;
  }

  private static String orDown(@Nullable String node) {
    return node == null ? "(not connected)" : node;
  }

  private static double orZero(double value) {
    return Double.isNaN(value) ? 0 : value;
  }
}
