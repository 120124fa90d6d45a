package dev.acs.broker.core.routing;

import java.util.List;
import java.util.random.RandomGenerator;

/** Builds a routing policy from its configured name. */
public final class RoutingPolicies {

  /** Every policy name, default first. */
  public static final List<String> NAMES =
      List.of(
          StickyRoutingPolicy.NAME,
          RandomRoutingPolicy.NAME,
          RoundRobinRoutingPolicy.NAME,
          LeastLoadedRoutingPolicy.NAME);

  private RoutingPolicies() {}

  /**
   * The policy called {@code name}.
   *
   * @param work the load the load-aware policies read
   * @param random the draws of the randomized policies; must be thread-safe if the policy is
   * @param waitForStickyAgent whether {@code sticky} parks rather than falls back
   * @throws IllegalArgumentException naming the accepted names
   */
  public static RoutingPolicy named(
      String name, OutstandingWork work, RandomGenerator random, boolean waitForStickyAgent) {
    return switch (name) {
      case StickyRoutingPolicy.NAME -> new StickyRoutingPolicy(work, random, waitForStickyAgent);
      case RandomRoutingPolicy.NAME -> new RandomRoutingPolicy(random);
      case RoundRobinRoutingPolicy.NAME -> new RoundRobinRoutingPolicy();
      case LeastLoadedRoutingPolicy.NAME -> new LeastLoadedRoutingPolicy(work, random);
      default ->
          throw new IllegalArgumentException(
              "unknown routing policy '" + name + "'; use one of " + String.join(", ", NAMES));
    };
  }

  /** A thread-safe generator for production: each thread draws from its own stream. */
  public static RandomGenerator threadSafeRandom() {
    return new ThreadLocalRandomGenerator();
  }

  /** Draws from the calling thread's {@link java.util.concurrent.ThreadLocalRandom}. */
  private static final class ThreadLocalRandomGenerator implements RandomGenerator {
    @Override
    public long nextLong() {
      return java.util.concurrent.ThreadLocalRandom.current().nextLong();
    }

    @Override
    public int nextInt(int bound) {
      return java.util.concurrent.ThreadLocalRandom.current().nextInt(bound);
    }
  }
}
