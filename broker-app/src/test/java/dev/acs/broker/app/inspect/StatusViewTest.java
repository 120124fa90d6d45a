package dev.acs.broker.app.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StatusViewTest {

  private static final String LIVE =
      "{\"status\":\"UP\",\"phase\":\"running\",\"brokerId\":\"broker_1\","
          + "\"brokerName\":\"Broker-1\",\"version\":\"1.0\",\"policy\":\"sticky\","
          + "\"uptimeSeconds\":125}";
  private static final String NOT_READY =
      "{\"status\":\"DOWN\",\"failing\":[\"rabbitmq\"],\"checks\":{"
          + "\"lifecycle\":{\"status\":\"UP\",\"detail\":\"consuming\"},"
          + "\"rabbitmq\":{\"status\":\"DOWN\",\"detail\":\"consumer connection down: reset\"}},"
          + "\"rabbitmq\":{\"consumerNode\":null,\"publisherNode\":\"rabbit-3:5672\"}}";
  private static final String BEFORE =
      "# HELP broker_messages_consumed_total x\n"
          + "broker_messages_consumed_total 100.0\n"
          + "broker_relay_duration_seconds_count 90\n";
  private static final String AFTER =
      "broker_messages_consumed_total 150.0\n"
          + "broker_relay_duration_seconds_count 130\n"
          + "broker_messages_routed_total{outcome=\"delivered\",policy=\"sticky\"} 120.0\n"
          + "broker_messages_routed_total{outcome=\"parked\",policy=\"sticky\"} 4.0\n"
          + "broker_messages_forwarded_total 5.0\n"
          + "broker_messages_rejected_total{reason=\"no_other_agents\"} 2.0\n"
          + "broker_messages_rejected_total{reason=\"only_you_online\"} 1.0\n"
          + "broker_messages_dead_lettered_total{reason=\"not-json\"} 3.0\n"
          + "broker_messages_dead_lettered_total{reason=\"unhandled-message-type\"} 7.0\n"
          + "broker_messages_requeued_total 0.0\n"
          + "broker_messages_parked 2.0\n"
          + "broker_messages_parked_oldest_age_seconds 12.5\n"
          + "broker_agents{state=\"idle\"} 3.0\n"
          + "broker_agents{state=\"busy\"} 1.0\n"
          + "broker_agents{state=\"offline\"} 0.0\n"
          + "broker_agents_available 4.0\n"
          + "broker_status_stream_up 1.0\n"
          + "broker_registry_staleness_seconds 3.2\n"
          + "broker_status_stream_reconnects_total 1.0\n"
          + "broker_amqp_recoveries_total{role=\"consumer\"} 2.0\n"
          + "broker_amqp_recoveries_total{role=\"publisher\"} 1.0\n";

  private static JsonNode json(String text) throws Exception {
    return AdminClient.JSON.readTree(text);
  }

  private StatusView view() throws Exception {
    return new StatusView(
        "http://127.0.0.1:9090",
        json(LIVE),
        json(NOT_READY),
        PrometheusText.parse(BEFORE),
        PrometheusText.parse(AFTER),
        Duration.ofSeconds(2));
  }

  @Test
  void render_summarisesReadinessRatesTotalsParkedAndAgents() throws Exception {
    String text = view().render();

    assertThat(text)
        .contains("Broker Broker-1 (broker_1), version 1.0, policy sticky, running for 2m 5s")
        .contains("Ready: NO (failing: rabbitmq)")
        .contains("  FAIL   rabbitmq                     consumer connection down: reset")
        .contains("Rates (over 2s): 25.0 consumed/s, 20.0 settled/s")
        .contains(
            "Totals: 150 consumed, 120 delivered, 5 forwarded, 3 rejected, 10 dead-lettered,"
                + " 0 requeued")
        .contains("Parked: 2 (oldest waiting 12s)")
        .contains("Agents: 4 known, 4 available (idle 3, busy 1)")
        .contains(
            "status stream up, last status 3s ago, 1 stream reconnects, 3 RabbitMQ recoveries")
        .contains("RabbitMQ nodes: consumer on (not connected), publisher on rabbit-3:5672");
  }

  @Test
  void toJson_carriesTheSameNumbers() throws Exception {
    JsonNode json = view().toJson();

    assertThat(json.path("rates").path("consumedPerSecond").asDouble()).isEqualTo(25.0);
    assertThat(json.path("totals").path("deadLettered").asLong()).isEqualTo(10);
    assertThat(json.path("agents").path("byState").path("idle").asLong()).isEqualTo(3);
    assertThat(json.path("ready").path("failing").get(0).asText()).isEqualTo("rabbitmq");
  }

  @Test
  void zeroInterval_usesAveragesSinceStart() throws Exception {
    StatusView averages =
        new StatusView(
            "u",
            json(LIVE),
            json(NOT_READY),
            PrometheusText.parse(AFTER),
            PrometheusText.parse(AFTER),
            Duration.ZERO);

    assertThat(averages.render()).contains("Rates (average since start): 1.2 consumed/s");
  }

  @Test
  void agentsView_rendersAnAlignedTable() throws Exception {
    String agents =
        "{\"count\":2,\"available\":1,\"routableStates\":\"idle>busy\",\"agents\":["
            + "{\"id\":\"agent_1\",\"name\":\"Alice\",\"state\":\"idle\",\"rawState\":\"idle\","
            + "\"lastSeen\":\"2026-01-01T12:00:00Z\",\"available\":true,\"tier\":1,"
            + "\"outstanding\":2},"
            + "{\"id\":\"agent_22\",\"name\":\"\",\"state\":\"unrecognized\","
            + "\"rawState\":\"sleeping\",\"lastSeen\":\"\",\"available\":false,\"tier\":null,"
            + "\"outstanding\":0}]}";

    String text = AgentsView.render(json(agents));

    assertThat(text)
        .isEqualTo(
            "2 agents, 1 available (routable states idle>busy)\n"
                + "ID        NAME   STATE                    AVAILABLE  TIER  OUTSTANDING  LAST SEEN\n"
                + "agent_1   Alice  idle                     yes        1     2            2026-01-01T12:00:00Z\n"
                + "agent_22         unrecognized (sleeping)  no         -     0\n");
  }
}
