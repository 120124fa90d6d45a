package dev.acs.broker.app;

import dev.acs.broker.app.config.BrokerConfig;
import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.agent.Availability;
import java.time.Duration;

/** Configurations for tests. */
public final class TestConfigs {

  private TestConfigs() {}

  /** A valid configuration with short timeouts. */
  public static BrokerConfig config() {
    return config(Duration.ofSeconds(5), Duration.ofSeconds(5));
  }

  /** A valid configuration with the given timeouts. */
  public static BrokerConfig config(Duration snapshotTimeout, Duration drainTimeout) {
    return new BrokerConfig(
        new BrokerIdentity("broker_test", "Broker-test"),
        new BrokerConfig.Grpc("127.0.0.1", 50051, false, null),
        new BrokerConfig.RabbitMq(
            "127.0.0.1", 5672, "guest", "guest", "/", false, "in", "out", "dead", 10),
        snapshotTimeout,
        drainTimeout,
        "random",
        Duration.ZERO,
        false,
        Duration.ofMinutes(5),
        Availability.reference(),
        BrokerConfig.LogFormat.TEXT,
        null);
  }
}
