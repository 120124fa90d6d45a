package dev.acs.broker.app.metrics;

import dev.acs.broker.core.port.AgentStatusObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How the agent status stream is taken in: updates by kind, how many were conflated into another,
 * how long applying takes, and how old the newest applied update is. Thread-safe.
 */
public final class AgentStatusMetrics implements AgentStatusObserver {

  private final Counter fullSnapshots;
  private final Counter deltas;
  private final Counter conflated;
  private final Timer applyTime;
  private final Clock clock;

  /** When the newest applied update arrived (its age at apply subtracted from the apply time). */
  private final AtomicReference<Instant> newestAppliedArrival = new AtomicReference<>();

  /** Registers the meters in {@code registry}; ages are judged by {@code clock}. */
  public AgentStatusMetrics(MeterRegistry registry, Clock clock) {
    this.clock = clock;
    fullSnapshots = updates(registry, "full");
    deltas = updates(registry, "delta");
    conflated =
        Counter.builder("broker.agent.status.conflated")
            .description(
                "Status updates merged into one that was still waiting to be applied (a full"
                    + " snapshot replaces what waited; deltas merge)")
            .register(registry);
    applyTime =
        Timer.builder("broker.agent.status.apply")
            .description("Time to apply waiting status updates to the agent registry")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(1_000))
            .maximumExpectedValue(Duration.ofSeconds(2))
            .register(registry);
    Gauge.builder("broker.agent.status.applied.age.seconds", this, AgentStatusMetrics::age)
        .description(
            "Seconds since the newest applied status update arrived (-1 before the first): how far"
                + " the agent view lags the stream")
        .register(registry);
  }

  private static Counter updates(MeterRegistry registry, String kind) {
    return Counter.builder("broker.agent.status.updates")
        .description("Agent status updates received, by kind")
        .tag("kind", kind)
        .register(registry);
  }

  @Override
  public void received(boolean fullSnapshot) {
    (fullSnapshot ? fullSnapshots : deltas).increment();
  }

  @Override
  public void conflated() {
    conflated.increment();
  }

  @Override
  public void applied(long applyNanos, Duration age) {
    applyTime.record(applyNanos, TimeUnit.NANOSECONDS);
    newestAppliedArrival.set(clock.instant().minus(age));
  }

  private double age() {
    Instant arrival = newestAppliedArrival.get();
    return arrival == null ? -1 : Duration.between(arrival, clock.instant()).toNanos() / 1e9;
  }
}
