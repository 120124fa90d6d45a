package dev.acs.broker.core.bench;

import dev.acs.broker.core.routing.RandomRoutingPolicy;
import dev.acs.broker.core.routing.RoutingPolicy;
import java.util.random.RandomGenerator;

/** Builds the policy a benchmark parameter names. */
final class BenchmarkPolicies {

  private BenchmarkPolicies() {}

  static RoutingPolicy create(String name, RandomGenerator random) {
    if (name.equals(RandomRoutingPolicy.NAME)) {
      return new RandomRoutingPolicy(random);
    }
    throw new IllegalArgumentException("unknown policy " + name);
  }
}
