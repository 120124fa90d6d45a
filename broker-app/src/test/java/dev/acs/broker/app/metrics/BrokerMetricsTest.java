package dev.acs.broker.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acs.broker.adapter.amqp.AmqpListener;
import dev.acs.broker.adapter.grpc.GrpcListener;
import dev.acs.broker.adapter.grpc.ProbeCounts;
import dev.acs.broker.core.message.DeadLetterReason;
import dev.acs.broker.core.message.MessageEnvelope;
import dev.acs.broker.core.routing.MessageRouter;
import dev.acs.broker.core.routing.RoutingDecision;
import dev.acs.broker.core.testing.Agents;
import dev.acs.broker.core.testing.Messages;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BrokerMetricsTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final BrokerMetrics metrics = new BrokerMetrics(registry, "sticky");

  private static final RoutingDecision DELIVER =
      new RoutingDecision.Deliver(Agents.idle("a1"), false, "sticky choice");

  private double count(String name, String... tags) {
    return registry.get(name).tags(tags).counter().count();
  }

  @Test
  void decidedAndSettled_countConsumedRoutedAndTimes() {
    MessageEnvelope message = Messages.fromFrontend("m1", "web_1");

    metrics.decided(message, DELIVER, 2_000);
    metrics.settled(message, DELIVER, 5_000_000);

    assertThat(count("broker.messages.consumed")).isEqualTo(1);
    assertThat(count("broker.messages.routed", "policy", "sticky", "outcome", "delivered"))
        .isEqualTo(1);
    assertThat(registry.get("broker.decision.duration").timer().count()).isEqualTo(1);
    assertThat(registry.get("broker.relay.duration").timer().totalTime(TimeUnit.MILLISECONDS))
        .isEqualTo(5.0);
  }

  @Test
  void parkedThenReleased_isConsumedOnce_andCountedAsParkedAndDelivered() {
    MessageEnvelope message = Messages.fromFrontend("m1", "web_1");

    metrics.decided(message, new RoutingDecision.Park("nobody yet"), 1_000);
    metrics.decided(message, DELIVER, 0);

    assertThat(count("broker.messages.consumed")).isEqualTo(1);
    assertThat(count("broker.messages.routed", "policy", "sticky", "outcome", "parked"))
        .isEqualTo(1);
    assertThat(count("broker.messages.routed", "policy", "sticky", "outcome", "delivered"))
        .isEqualTo(1);
    assertThat(registry.get("broker.decision.duration").timer().count()).isEqualTo(1);
  }

  @Test
  void settledOutcomes_areCountedByReason() {
    MessageEnvelope message = Messages.fromFrontend("m1", "web_1");

    metrics.settled(message, new RoutingDecision.ForwardError("error"), 1);
    metrics.settled(message, new RoutingDecision.Reject(MessageRouter.NO_OTHER_AGENTS, "none"), 1);
    metrics.settled(
        message, new RoutingDecision.Reject(MessageRouter.onlyYouOnline("Alice"), "self"), 1);
    metrics.settled(
        message,
        new RoutingDecision.DeadLetter(DeadLetterReason.UNHANDLED_MESSAGE_TYPE, "not ours"),
        1);
    metrics.publishFailed(message, new IllegalStateException("nack"));

    assertThat(count("broker.messages.forwarded")).isEqualTo(1);
    assertThat(count("broker.messages.rejected", "reason", "no_other_agents")).isEqualTo(1);
    assertThat(count("broker.messages.rejected", "reason", "only_you_online")).isEqualTo(1);
    assertThat(count("broker.messages.dead.lettered", "reason", "unhandled-message-type"))
        .isEqualTo(1);
    assertThat(count("broker.messages.requeued")).isEqualTo(1);
  }

  @Test
  void adapterEvents_areCounted_withBoundedLabels() {
    AmqpListener amqp = metrics.amqpListener();
    GrpcListener grpc = metrics.grpcListener();

    amqp.deadLettered(DeadLetterReason.NOT_JSON);
    amqp.connectionLost("consumer", "boom");
    amqp.recovered("consumer");
    amqp.recovered("something-new");
    amqp.confirmed(3_000_000);
    amqp.publishFailed("nack with a long free text that must not become a label");
    grpc.onReconnectScheduled(Duration.ofSeconds(1), "UNAVAILABLE");
    grpc.onRegistered("ok");
    grpc.onSnapshot(3);

    assertThat(count("broker.messages.consumed")).isEqualTo(1);
    assertThat(count("broker.messages.dead.lettered", "reason", "not-json")).isEqualTo(1);
    assertThat(count("broker.amqp.connection.losses", "role", "consumer")).isEqualTo(1);
    assertThat(count("broker.amqp.recoveries", "role", "consumer")).isEqualTo(1);
    assertThat(count("broker.amqp.recoveries", "role", "publisher")).isEqualTo(1);
    assertThat(registry.get("broker.amqp.recoveries").counters()).hasSize(2);
    assertThat(registry.get("broker.publish.confirm.duration").timer().count()).isEqualTo(1);
    assertThat(registry.get("broker.publish.failures").counters()).hasSize(1);
    assertThat(count("broker.status.stream.reconnects")).isEqualTo(1);
    assertThat(count("broker.registrations", "result", "accepted")).isEqualTo(1);
    assertThat(count("broker.status.snapshots")).isEqualTo(1);
  }

  @Test
  void prometheusScrape_namesEveryMetricBrokerUnderscore_withZeroSeriesUpFront() {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    BrokerMetrics scraped = new BrokerMetrics(prometheus, "random");
    scraped.decided(Messages.fromFrontend("m1", "web_1"), DELIVER, 1_000);

    String text = prometheus.scrape();

    assertThat(text)
        .contains("broker_messages_consumed_total 1.0")
        .contains("broker_messages_routed_total{outcome=\"delivered\",policy=\"random\"} 1.0")
        .contains("broker_messages_routed_total{outcome=\"parked\",policy=\"random\"} 0.0")
        .contains("broker_messages_dead_lettered_total{reason=\"not-json\"} 0.0")
        .contains("broker_messages_rejected_total{reason=\"no_other_agents\"} 0.0")
        .contains("broker_decision_duration_seconds_bucket{le=")
        .contains("broker_relay_duration_seconds_count 0")
        .contains("broker_publish_confirm_duration_seconds_count 0")
        .contains("broker_status_stream_reconnects_total 0.0")
        .contains("broker_amqp_recoveries_total{role=\"publisher\"} 0.0");
  }

  @Test
  void probeCounts_areScrapedAsOneCounterByOutcome_readAtScrapeTime() {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    java.util.concurrent.atomic.AtomicReference<ProbeCounts> counts =
        new java.util.concurrent.atomic.AtomicReference<>(new ProbeCounts(0, 0));
    BrokerGauges.bindProbes(prometheus, counts::get);
    // The method reference above is referenced by nothing but the meters: they must keep it.
    System.gc();

    counts.set(new ProbeCounts(2, 37));

    assertThat(prometheus.scrape())
        .contains("broker_status_probes_total{outcome=\"sent\"} 2.0")
        .contains("broker_status_probes_total{outcome=\"skipped\"} 37.0");
  }
}
