package dev.acs.broker.core.application;

import dev.acs.broker.core.agent.AgentRegistry;
import dev.acs.broker.core.agent.AgentView;
import dev.acs.broker.core.message.MessageEnvelope;
import dev.acs.broker.core.port.RoutingObserver;
import dev.acs.broker.core.routing.RoutingDecision;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Locale;

/**
 * One DEBUG line per decision that says what was decided and why: policy, candidates, choice,
 * reason. Logged under the routing service's name, the one operators turn on; costs nothing while
 * DEBUG is off.
 */
final class DecisionLog implements RoutingObserver {

  private static final Logger LOG = System.getLogger(RoutingService.class.getName());

  private final AgentRegistry registry;
  private final String policy;

  /** A log that counts the candidates in {@code registry}'s view and names {@code policy}. */
  DecisionLog(AgentRegistry registry, String policy) {
    this.registry = registry;
    this.policy = policy;
  }

  @Override
  public void decided(MessageEnvelope message, RoutingDecision decision, long decisionNanos) {
    if (LOG.isLoggable(Level.DEBUG)) {
      LOG.log(Level.DEBUG, explain(message, decision));
    }
  }

  private String explain(MessageEnvelope envelope, RoutingDecision decision) {
    AgentView view = registry.view();
    String outcome;
    if (decision instanceof RoutingDecision.Deliver deliver) {
      outcome =
          "deliver to "
              + deliver.agent().id()
              + " ("
              + deliver.agent().state().wireName()
              + (deliver.explicitReceiver() ? ", named by the sender)" : ")");
    } else if (decision instanceof RoutingDecision.Reject reject) {
      outcome = "reject with '" + reject.errorDetails() + "'";
    } else if (decision instanceof RoutingDecision.DeadLetter deadLetter) {
      outcome = "dead-letter as " + deadLetter.code().code();
    } else {
      outcome = decision.getClass().getSimpleName().toLowerCase(Locale.ROOT);
    }
    return envelope.describe()
        + " -> "
        + outcome
        + " [policy "
        + policy
        + ", "
        + view.availableCount()
        + " of "
        + view.size()
        + " agents available]: "
        + decision.reason();
  }
}
