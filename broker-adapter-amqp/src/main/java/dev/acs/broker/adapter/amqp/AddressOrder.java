package dev.acs.broker.adapter.amqp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * The order in which a connection tries a cluster's nodes: a new random permutation on every
 * (re)connect, so replicas spread over the nodes and a dead node is not everyone's first choice.
 * The random source is injected, so tests fix the order. Thread-safe.
 */
final class AddressOrder {

  private final List<AmqpAddress> addresses;
  private final Random random;

  AddressOrder(List<AmqpAddress> addresses, Random random) {
    this.addresses = List.copyOf(addresses);
    this.random = Objects.requireNonNull(random, "random");
    if (this.addresses.isEmpty()) {
      throw new IllegalArgumentException("no address to connect to");
    }
  }

  /** Every address once, in a fresh random order. */
  List<AmqpAddress> next() {
    if (addresses.size() == 1) {
      return addresses;
    }
    List<AmqpAddress> order = new ArrayList<>(addresses);
    synchronized (random) {
      Collections.shuffle(order, random);
    }
    return order;
  }
}
