package dev.acs.broker.app.config;

import dev.acs.broker.core.routing.OutstandingWork;
import dev.acs.broker.core.routing.RoutingPolicy;
import dev.acs.broker.core.routing.StickyRoutingPolicy;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * The one place where the application maps a configured policy name ({@code --routing-policy}) to a
 * {@link RoutingPolicy}: names are case-insensitive here, and the core's factory builds the policy.
 */
public final class RoutingPolicies {

  /**
   * The default of {@code --routing-policy} (and of {@code broker demo}): {@code sticky}, which
   * keeps a conversation with its agent. The reference broker's uniform choice is {@code random}.
   */
  public static final String DEFAULT = StickyRoutingPolicy.NAME;

  private RoutingPolicies() {}

  /** The names accepted by {@link #create}, in the order the help lists them. */
  public static List<String> names() {
    return dev.acs.broker.core.routing.RoutingPolicies.NAMES;
  }

  /** The canonical spelling of a configured name. */
  public static String normalize(String name) {
    return name.strip().toLowerCase(Locale.ROOT);
  }

  /**
   * The policy called {@code name}, ready for use from many threads.
   *
   * @param work the load that load-aware policies read; the routing service must share it
   * @param waitForStickyAgent whether {@code sticky} parks rather than falls back
   * @throws IllegalArgumentException for an unknown name, listing the known ones
   */
  public static RoutingPolicy create(
      String name, OutstandingWork work, RandomGenerator random, boolean waitForStickyAgent) {
    return dev.acs.broker.core.routing.RoutingPolicies.named(
        normalize(name), work, random, waitForStickyAgent);
  }

  /** The names, as picocli completion candidates for the help text. */
  public static final class Names implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return names().iterator();
    }
  }
}
