package dev.acs.broker.app.run;

import dev.acs.broker.adapter.amqp.AmqpSettingsBuilder;
import dev.acs.broker.app.config.BrokerConfig;
import dev.acs.broker.app.config.EnvironmentDefaults;
import dev.acs.broker.core.application.DecisionHeaders;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** {@code broker run}'s options for what published messages carry, and redelivery. */
final class PublishingOptions {

  @Option(
      names = "--routing-headers",
      paramLabel = "WHICH",
      defaultValue = "full",
      description =
          "Explanatory headers on routed messages: full (x-routed-by, x-routing-policy,"
              + " x-routing-reason), routed-by (x-routed-by only) or none. Each header costs"
              + " RabbitMQ work per message; dead letters always keep theirs."
              + " Env: BROKER_ROUTING_HEADERS. Default: ${DEFAULT-VALUE}.")
  private String routingHeaders = "full";

  @Option(
      names = "--rabbitmq-message-id",
      arity = "0..1",
      paramLabel = "BOOL",
      fallbackValue = "true",
      defaultValue = "true",
      description =
          "Set the AMQP message-id property of published messages to their message_id."
              + " Env: RABBITMQ_MESSAGE_ID. Default: ${DEFAULT-VALUE}.")
  private boolean rabbitMessageId = true;

  @Option(
      names = "--max-deliveries",
      paramLabel = "N",
      defaultValue = "5",
      description =
          "Deliveries of one message the broker handles at most; a message that comes back more"
              + " often (whatever the cause) goes to the dead-letter queue with reason"
              + " redelivered-too-often. Quorum queues count with x-delivery-count, classic queues"
              + " by the broker's memory of redelivered messages. Env: BROKER_MAX_DELIVERIES."
              + " Default: ${DEFAULT-VALUE}.")
  private int maxDeliveries = 5;

  /** Sets whether published messages carry the AMQP {@code message-id}. */
  void applyTo(AmqpSettingsBuilder settings) {
    settings.publishMessageId(rabbitMessageId);
  }

  BrokerConfig.Redelivery redelivery() {
    return new BrokerConfig.Redelivery(maxDeliveries);
  }

  DecisionHeaders decisionHeaders(CommandSpec command) {
    switch (routingHeaders.strip().toLowerCase(Locale.ROOT)) {
      case "full":
        return DecisionHeaders.FULL;
      case "routed-by":
        return DecisionHeaders.ROUTED_BY;
      case "none":
        return DecisionHeaders.NONE;
      default:
        throw EnvironmentDefaults.unknownValue(
            command, "--routing-headers", routingHeaders, "full, routed-by or none");
    }
  }
}
