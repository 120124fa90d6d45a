package dev.acs.broker.app.run;

import dev.acs.broker.app.config.EnvironmentDefaults;
import dev.acs.broker.core.BrokerIdentity;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** {@code broker run}'s options for who this broker is. */
final class IdentityOptions {

  @Option(
      names = "--broker-id",
      paramLabel = "ID",
      description = "This broker's id (default: broker_<random uuid>). Env: BROKER_ID.")
  private @Nullable String brokerId;

  @Option(
      names = "--broker-name",
      paramLabel = "NAME",
      description = "This broker's name (default: Broker-<hostname>). Env: BROKER_NAME.")
  private @Nullable String brokerName;

  /** The identity; a generated id and {@code Broker-<hostname>} where none is given. */
  BrokerIdentity toIdentity(EnvironmentDefaults environment) {
    String id = blankToNull(brokerId);
    String name = blankToNull(brokerName);
    return new BrokerIdentity(
        id == null ? BrokerIdentity.generated("unused").id() : id.strip(),
        name == null ? "Broker-" + hostname(environment) : name.strip());
  }

  private static String hostname(EnvironmentDefaults environment) {
    String fromEnvironment = environment.variable("HOSTNAME");
    if (fromEnvironment != null) {
      return fromEnvironment.strip();
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException unknown) {
      return "localhost";
    }
  }

  private static @Nullable String blankToNull(@Nullable String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
