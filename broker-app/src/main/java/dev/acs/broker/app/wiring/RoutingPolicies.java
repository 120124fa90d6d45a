package dev.acs.broker.app.wiring;

import dev.acs.broker.core.routing.RandomRoutingPolicy;
import dev.acs.broker.core.routing.RoutingPolicy;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * The one place that maps a configured policy name ({@code --routing-policy}) to a {@link
 * RoutingPolicy}. New policies of the core are added here and nowhere else.
 */
public final class RoutingPolicies {

  private static final List<String> NAMES = List.of(RandomRoutingPolicy.NAME);

  private RoutingPolicies() {}

  /** The names accepted by {@link #create}, in the order the help lists them. */
  public static List<String> names() {
    return NAMES;
  }

  /**
   * The policy called {@code name}, ready for use from many threads.
   *
   * @throws IllegalArgumentException for an unknown name, listing the known ones
   */
  public static RoutingPolicy create(String name) {
    switch (name.strip().toLowerCase(Locale.ROOT)) {
      case RandomRoutingPolicy.NAME:
        return RandomRoutingPolicy.threadSafe();
      default:
        throw new IllegalArgumentException(
            "Unknown routing policy '" + name + "'; use one of " + String.join(", ", NAMES));
    }
  }

  /** The names, as picocli completion candidates for the help text. */
  public static final class Names implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return NAMES.iterator();
    }
  }
}
