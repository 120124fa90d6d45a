package dev.acs.broker.app;

import dev.acs.broker.adapter.amqp.AmqpSettings;
import dev.acs.broker.adapter.grpc.GrpcSettings;
import dev.acs.broker.app.config.BrokerConfig;
import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.agent.Availability;
import dev.acs.broker.core.application.DecisionHeaders;
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
        GrpcSettings.defaults("127.0.0.1", 50051),
        AmqpSettings.builder()
            .inputQueue("in")
            .outputQueue("out")
            .deadLetterQueue("dead")
            .prefetch(10)
            .build(),
        snapshotTimeout,
        drainTimeout,
        "random",
        Duration.ZERO,
        false,
        Duration.ofMinutes(5),
        Availability.reference(),
        BrokerConfig.LogFormat.TEXT,
        null,
        BrokerConfig.Admin.DISABLED,
        DecisionHeaders.FULL,
        BrokerConfig.Redelivery.DEFAULT,
        BrokerConfig.Interop.DEFAULTS);
  }
}
