package dev.acs.broker.app.run;

import dev.acs.broker.app.config.BrokerConfig;
import dev.acs.broker.app.config.DurationConverter;
import dev.acs.broker.app.config.EnvironmentDefaults;
import dev.acs.broker.app.config.RoutingPolicies;
import dev.acs.broker.core.agent.Availability;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** {@code broker run}'s options for choosing a receiver and waiting for one. */
final class RoutingOptions {

  @Option(
      names = "--routing-policy",
      paramLabel = "POLICY",
      defaultValue = RoutingPolicies.DEFAULT,
      description =
          "How the receiver is chosen: ${COMPLETION-CANDIDATES}. Env: BROKER_ROUTING_POLICY."
              + " Default: ${DEFAULT-VALUE}.",
      completionCandidates = RoutingPolicies.Names.class)
  private String routingPolicy = RoutingPolicies.DEFAULT;

  @Option(
      names = "--park-timeout",
      paramLabel = "DURATION",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description =
          "How long a message that no agent can take yet waits for one before the broker answers"
              + " with the no-agent error; 0s answers at once, as the reference broker did."
              + " Env: BROKER_PARK_TIMEOUT. Default: ${DEFAULT-VALUE}.")
  private Duration parkTimeout = Duration.ofSeconds(30);

  @Option(
      names = "--outstanding-expiry",
      paramLabel = "DURATION",
      defaultValue = "5m",
      converter = DurationConverter.class,
      description =
          "How long a message routed to an agent counts as its unanswered work (least-loaded and"
              + " sticky fallback) when no answer comes. Env: BROKER_OUTSTANDING_EXPIRY."
              + " Default: ${DEFAULT-VALUE}.")
  private Duration outstandingExpiry = Duration.ofMinutes(5);

  @Option(
      names = "--wait-for-sticky-agent",
      arity = "0..1",
      paramLabel = "BOOL",
      fallbackValue = "true",
      defaultValue = "false",
      description =
          "With the sticky policy and a park timeout, wait for the conversation's busy agent"
              + " instead of choosing another. Env: BROKER_WAIT_FOR_STICKY_AGENT."
              + " Default: ${DEFAULT-VALUE}.")
  private boolean waitForStickyAgent;

  @Option(
      names = "--routable-states",
      paramLabel = "TIERS",
      defaultValue = BrokerConfig.DEFAULT_ROUTABLE_STATES,
      description =
          "Agent states that may receive messages, in tiers of preference separated by '>'"
              + " (e.g. idle>busy,initializing). Env: BROKER_ROUTABLE_STATES."
              + " Default: ${DEFAULT-VALUE}.")
  private String routableStates = BrokerConfig.DEFAULT_ROUTABLE_STATES;

  /** The canonical name of the policy. */
  String policy(CommandSpec command) {
    String name = RoutingPolicies.normalize(routingPolicy);
    if (!RoutingPolicies.names().contains(name)) {
      throw new IllegalArgumentException(
          "Unknown routing policy '"
              + routingPolicy
              + "' (--routing-policy or "
              + EnvironmentDefaults.variableOf(command, "--routing-policy")
              + "); use one of "
              + String.join(", ", RoutingPolicies.names()));
    }
    return name;
  }

  Duration parkTimeout() {
    return parkTimeout;
  }

  Duration outstandingExpiry() {
    return outstandingExpiry;
  }

  boolean waitForStickyAgent() {
    return waitForStickyAgent;
  }

  Availability availability(CommandSpec command) {
    try {
      return Availability.parse(routableStates);
    } catch (IllegalArgumentException invalid) {
      throw new IllegalArgumentException(
          "Invalid "
              + EnvironmentDefaults.named(command, "--routable-states")
              + " '"
              + routableStates
              + "': "
              + invalid.getMessage(),
          invalid);
    }
  }
}
