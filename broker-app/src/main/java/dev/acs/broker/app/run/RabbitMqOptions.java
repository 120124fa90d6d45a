package dev.acs.broker.app.run;

import dev.acs.broker.adapter.amqp.AmqpAddress;
import dev.acs.broker.app.config.BrokerConfig;
import dev.acs.broker.app.config.DurationConverter;
import dev.acs.broker.app.config.RabbitMqLoginOptions;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code broker run}'s options for the RabbitMQ connection: host, login, TLS switch, heartbeat. */
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
  private Duration rabbitHeartbeat = BrokerConfig.RabbitMq.DEFAULT_HEARTBEAT;

  /**
   * Where and how to reach RabbitMQ, with the queues of {@code topology}.
   *
   * @throws ParameterException when neither a host nor a node list is given, or one is invalid
   */
  BrokerConfig.RabbitMq toConfig(CommandSpec command, TopologyOptions topology) {
    List<AmqpAddress> nodes = topology.nodes(command, nodeFromHost(command), login.port());
    return new BrokerConfig.RabbitMq(
        nodes.get(0).host(),
        nodes.get(0).port(),
        login.username(),
        login.password(command),
        login.virtualHost(),
        rabbitTls,
        topology.inputQueue(),
        topology.outputQueue(),
        topology.deadLetterQueue(),
        topology.prefetch(),
        rabbitHeartbeat,
        nodes,
        topology.queueType(command),
        topology.declareQueues());
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
