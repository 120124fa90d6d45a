package dev.acs.broker.core.bench;

import dev.acs.broker.core.routing.OutstandingWork;
import dev.acs.broker.core.routing.RoutingPolicies;
import dev.acs.broker.core.routing.RoutingPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.random.RandomGenerator;

/** Builds the policy a benchmark parameter names, as {@code broker run} would. */
final class BenchmarkPolicies {

  private BenchmarkPolicies() {}

  static RoutingPolicy create(String name, RandomGenerator random) {
    return RoutingPolicies.named(
        name, new OutstandingWork(Clock.systemUTC(), Duration.ofMinutes(5)), random, false);
  }
}
