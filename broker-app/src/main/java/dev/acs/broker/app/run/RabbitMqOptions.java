package dev.acs.broker.app.run;

import dev.acs.broker.adapter.amqp.AmqpAddress;
import dev.acs.broker.adapter.amqp.AmqpSettings;
import dev.acs.broker.adapter.amqp.AmqpSettingsBuilder;
import dev.acs.broker.app.config.DurationConverter;
import dev.acs.broker.app.config.RabbitMqLoginOptions;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code broker run}'s options for the RabbitMQ connection: host, login, TLS switch, heartbeat.
 * They make the RabbitMQ adapter's {@link AmqpSettings}, which the other groups complete.
 */
final class RabbitMqOptions {

  @Option(
      names = "--rabbitmq-host",
      paramLabel = "HOST",
      description = "RabbitMQ host (required). Env: RABBITMQ_HOST.")
  private @Nullable String rabbitHost;

  @Mixin private RabbitMqLoginOptions login = new RabbitMqLoginOptions();

  @Option(
      names = "--rabbitmq-tls",
      arity = "0..1",
      paramLabel = "BOOL",
      fallbackValue = "true",
      defaultValue = "false",
      description = "Use TLS to RabbitMQ. Env: RABBITMQ_TLS. Default: ${DEFAULT-VALUE}.")
  private boolean rabbitTls;

  @Option(
      names = "--rabbitmq-heartbeat",
      paramLabel = "DURATION",
      defaultValue = "15s",
      converter = DurationConverter.class,
      description =
          "AMQP heartbeat requested from RabbitMQ, whole seconds (0s turns it off); a silently"
              + " dead connection is noticed about two heartbeats after its last frame."
              + " Env: RABBITMQ_HEARTBEAT. Default: ${DEFAULT-VALUE}.")
  private Duration rabbitHeartbeat = AmqpSettings.DEFAULT_HEARTBEAT;

  /**
   * Where and how to reach RabbitMQ (the nodes of {@code topology}), with the queues of {@code
   * topology}, the TLS material of {@code tls} and what {@code publishing} adds to messages.
   *
   * @throws ParameterException when neither a host nor a node list is given, or one is invalid
   * @throws IllegalArgumentException when a value is out of range
   */
  AmqpSettings settings(
      CommandSpec command, TopologyOptions topology, TlsOptions tls, PublishingOptions publishing) {
    AmqpSettingsBuilder settings =
        AmqpSettings.builder()
            .addresses(topology.nodes(command, nodeFromHost(command), login.port()))
            .username(login.username())
            .password(login.password(command))
            .virtualHost(login.virtualHost())
            .tls(rabbitTls)
            .heartbeat(rabbitHeartbeat);
    topology.applyTo(settings, command);
    tls.applyTo(settings, command, rabbitTls);
    publishing.applyTo(settings);
    return settings.build();
  }

  /** The one node {@code --rabbitmq-host} names, or {@code null} when it is not given. */
  private @Nullable AmqpAddress nodeFromHost(CommandSpec command) {
    if (rabbitHost == null || rabbitHost.isBlank()) {
      return null;
    }
    try {
      return new AmqpAddress(rabbitHost.strip(), login.port());
    } catch (IllegalArgumentException invalid) {
      throw new ParameterException(
          command.commandLine(), "Invalid RabbitMQ address: " + invalid.getMessage());
    }
  }
}
