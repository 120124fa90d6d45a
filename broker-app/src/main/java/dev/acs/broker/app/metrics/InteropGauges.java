package dev.acs.broker.app.metrics;

import dev.acs.broker.core.application.StatusHold;
import dev.acs.broker.core.routing.AgentSuspicion;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;

/**
 * Gauges of the broker's answers to the real central server's behaviours (SPEC §7): the status hold
 * and the agents it suspects dead. Read at scrape time.
 */
public final class InteropGauges {

  private InteropGauges() {}

  /** Registers the gauges in {@code registry}. */
  public static void bind(
      MeterRegistry registry, StatusHold hold, AgentSuspicion suspicion, Clock clock) {
    Gauge.builder("broker.routing.held", hold, h -> h.declared() && h.holds() ? 1 : 0)
        .description(
            "1 while routing is held because the agent status stream has been down for longer"
                + " than --status-hold-grace, else 0")
        .strongReference(true)
        .register(registry);
    Gauge.builder(
            "broker.status.stream.down.duration",
            hold,
            h ->
                h.downSince()
                    .map(since -> Duration.between(since, clock.instant()).toNanos() / 1e9)
                    .orElse(0.0))
        .description("How long the agent status stream has been down; 0 while it is up")
        .baseUnit("seconds")
        .strongReference(true)
        .register(registry);
    Gauge.builder("broker.agents.suspected", suspicion, s -> s.suspects().size())
        .description(
            "Agents the server lists but the broker suspects dead (last_seen stalled, or idle on"
                + " unanswered work); demoted or excluded by --suspect-agents")
        .strongReference(true)
        .register(registry);
  }
}
