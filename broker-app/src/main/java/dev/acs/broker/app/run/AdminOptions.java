package dev.acs.broker.app.run;

import dev.acs.broker.app.config.BrokerConfig;
import dev.acs.broker.app.config.DurationConverter;
import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code broker run}'s options for the admin HTTP endpoint (metrics, health, agents). */
final class AdminOptions {

  @Option(
      names = "--admin-port",
      paramLabel = "PORT",
      defaultValue = "0",
      description =
          "Port of the admin HTTP endpoint (/metrics, /health/live, /health/ready, /agents);"
              + " 0 turns it off. Env: BROKER_ADMIN_PORT. Default: ${DEFAULT-VALUE}.")
  private int adminPort;

  @Option(
      names = "--admin-bind",
      paramLabel = "ADDRESS",
      defaultValue = BrokerConfig.Admin.DEFAULT_BIND,
      description =
          "Address the admin endpoint listens on. Env: BROKER_ADMIN_BIND."
              + " Default: ${DEFAULT-VALUE}.")
  private String adminBind = BrokerConfig.Admin.DEFAULT_BIND;

  @Option(
      names = "--readiness-staleness",
      paramLabel = "DURATION",
      defaultValue = "5m",
      converter = DurationConverter.class,
      description =
          "How old the agent view (last status update or probe answer) may get before"
              + " /health/ready reports unready. Env: BROKER_READINESS_STALENESS."
              + " Default: ${DEFAULT-VALUE}.")
  private Duration readinessStaleness = BrokerConfig.Admin.DEFAULT_STALENESS;

  BrokerConfig.Admin toConfig() {
    return new BrokerConfig.Admin(adminBind.strip(), adminPort, readinessStaleness);
  }
}
