package dev.acs.broker.core;

import java.util.Objects;
import java.util.UUID;

/**
 * Who this broker is: the id it registers with and signs its error messages with, and a name for
 * people.
 */
public record BrokerIdentity(String id, String name) {

  /** Rejects blank values, which the central server could not tell apart. */
  public BrokerIdentity {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    if (id.isBlank()) {
      throw new IllegalArgumentException("broker id must not be blank");
    }
    if (name.isBlank()) {
      throw new IllegalArgumentException("broker name must not be blank");
    }
  }

  /** An identity with a fresh random id of the form {@code broker_<uuid>}. */
  public static BrokerIdentity generated(String name) {
    return new BrokerIdentity("broker_" + UUID.randomUUID(), name);
  }
}
