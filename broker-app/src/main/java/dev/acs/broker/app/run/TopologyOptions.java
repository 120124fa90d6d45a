package dev.acs.broker.app.run;

import dev.acs.broker.adapter.amqp.AmqpAddress;
import dev.acs.broker.adapter.amqp.AmqpSettingsBuilder;
import dev.acs.broker.adapter.amqp.QueueType;
import dev.acs.broker.app.config.EnvironmentDefaults;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code broker run}'s options for the queues and the cluster nodes they live on. */
final class TopologyOptions {

  private static final String ADDRESSES = "--rabbitmq-addresses";

  @Option(
      names = "--input-queue",
      paramLabel = "QUEUE",
      defaultValue = "broker_input_queue",
      description = "Queue consumed. Env: BROKER_INPUT_QUEUE. Default: ${DEFAULT-VALUE}.")
  private String inputQueue = "broker_input_queue";

  @Option(
      names = "--output-queue",
      paramLabel = "QUEUE",
      defaultValue = "server_input_queue",
      description = "Queue published to. Env: BROKER_OUTPUT_QUEUE. Default: ${DEFAULT-VALUE}.")
  private String outputQueue = "server_input_queue";

  @Option(
      names = "--dead-letter-queue",
      paramLabel = "QUEUE",
      defaultValue = "broker_dead_letter_queue",
      description =
          "The broker's own queue for messages it cannot route. Env: BROKER_DEAD_LETTER_QUEUE."
              + " Default: ${DEFAULT-VALUE}.")
  private String deadLetterQueue = "broker_dead_letter_queue";

  @Option(
      names = "--rabbitmq-addresses",
      paramLabel = "HOST[:PORT],...",
      description =
          "Every node of a RabbitMQ cluster, comma-separated (port default: --rabbitmq-port);"
              + " each connection tries them in a new random order on every (re)connect. When set,"
              + " --rabbitmq-host is not needed and --rabbitmq-host/--rabbitmq-port are ignored."
              + " Env: RABBITMQ_ADDRESSES.")
  private @Nullable String rabbitAddresses;

  @Option(
      names = "--queue-type",
      paramLabel = "TYPE",
      defaultValue = "classic",
      description =
          "Type of the queues the broker declares: classic (as the rest of the system declares"
              + " them) or quorum (replicated on a cluster; every service must declare them so)."
              + " Env: BROKER_QUEUE_TYPE. Default: ${DEFAULT-VALUE}.")
  private String queueType = "classic";

  @Option(
      names = "--declare-queues",
      arity = "0..1",
      paramLabel = "BOOL",
      fallbackValue = "true",
      defaultValue = "true",
      description =
          "Declare the input, output and dead-letter queues; false only checks that they exist"
              + " (and refuses to start, naming the missing one), so queues provisioned by"
              + " operators are used as they are. Env: BROKER_DECLARE_QUEUES."
              + " Default: ${DEFAULT-VALUE}.")
  private boolean declareQueues = true;

  @Option(
      names = "--prefetch",
      paramLabel = "N",
      defaultValue = "250",
      description =
          "Most unacknowledged messages held at once. Env: BROKER_PREFETCH."
              + " Default: ${DEFAULT-VALUE}.")
  private int prefetch;

  /** Sets the queues, their type and whether they are declared, and the prefetch. */
  void applyTo(AmqpSettingsBuilder settings, CommandSpec command) {
    settings
        .inputQueue(inputQueue)
        .outputQueue(outputQueue)
        .deadLetterQueue(deadLetterQueue)
        .prefetch(prefetch)
        .queueType(queueType(command))
        .declareQueues(declareQueues);
  }

  /**
   * The RabbitMQ nodes: {@code --rabbitmq-addresses}, or else the one {@code --rabbitmq-host}.
   *
   * @param fromHost the node {@code --rabbitmq-host} names, or {@code null}
   * @param defaultPort the port of addresses that name none
   */
  List<AmqpAddress> nodes(CommandSpec command, @Nullable AmqpAddress fromHost, int defaultPort) {
    if (rabbitAddresses == null || rabbitAddresses.isBlank()) {
      if (fromHost == null) {
        throw new ParameterException(
            command.commandLine(),
            "Missing required option --rabbitmq-host (or environment variable "
                + EnvironmentDefaults.variableOf(command, "--rabbitmq-host")
                + "); for a cluster, give "
                + ADDRESSES
                + " ("
                + EnvironmentDefaults.variableOf(command, ADDRESSES)
                + ") instead");
      }
      return List.of(fromHost);
    }
    try {
      return AmqpAddress.parseList(rabbitAddresses, defaultPort);
    } catch (IllegalArgumentException invalid) {
      throw new ParameterException(
          command.commandLine(),
          "Invalid "
              + EnvironmentDefaults.named(command, ADDRESSES)
              + " '"
              + rabbitAddresses
              + "': "
              + invalid.getMessage(),
          invalid);
    }
  }

  private QueueType queueType(CommandSpec command) {
    try {
      return QueueType.parse(queueType);
    } catch (IllegalArgumentException invalid) {
      throw new IllegalArgumentException(
          "Invalid "
              + EnvironmentDefaults.named(command, "--queue-type")
              + ": "
              + invalid.getMessage(),
          invalid);
    }
  }
}
