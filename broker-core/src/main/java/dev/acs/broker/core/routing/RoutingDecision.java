package dev.acs.broker.core.routing;

import dev.acs.broker.core.agent.Agent;
import dev.acs.broker.core.message.DeadLetterReason;
import java.util.Objects;

/** What the broker does with one inbound message, and why. */
public sealed interface RoutingDecision {

  /** A human-readable explanation, logged and sent in the {@code x-routing-reason} header. */
  String reason();

  /**
   * Send the message to {@code agent}.
   *
   * @param explicitReceiver {@code true} when the sender named this agent: the body goes on
   *     unchanged but for {@code routing_status}; {@code false} when the broker chose it and so
   *     rewrites {@code receiver_id} and drops the server's hints
   */
  record Deliver(Agent agent, boolean explicitReceiver, String reason) implements RoutingDecision {
    /** Requires an agent and a reason. */
    public Deliver {
      Objects.requireNonNull(agent, "agent");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** Pass the message on to the server unchanged, marked as an error if it is not already. */
  record ForwardError(String reason) implements RoutingDecision {
    /** Requires a reason. */
    public ForwardError {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * Nobody can take the message: answer the sender with an {@code ERROR} carrying {@code
   * errorDetails} (one of the reference texts of SPEC §4).
   */
  record Reject(String errorDetails, String reason) implements RoutingDecision {
    /** Requires the error text and a reason. */
    public Reject {
      Objects.requireNonNull(errorDetails, "errorDetails");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * An agent's answer goes back to the frontend client whose message started the conversation
   * ({@code receiver_id} = that client), so the server shows it to the person who asked instead of
   * routing it to another agent. Only with {@code --answers-to client}.
   */
  record ReturnToClient(String clientId, String reason) implements RoutingDecision {
    /** Requires the client and a reason. */
    public ReturnToClient {
      Objects.requireNonNull(clientId, "clientId");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * Nobody can take the message yet: hold it, unsettled, until the agents change or the park
   * timeout passes.
   */
  record Park(String reason) implements RoutingDecision {
    /** Requires a reason. */
    public Park {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * The message was for the broker itself (a status update) and has been applied; nothing to send.
   */
  record Absorb(String reason) implements RoutingDecision {
    /** Requires a reason. */
    public Absorb {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * The message is not the broker's to route: keep it, with the reason, in the dead-letter queue.
   */
  record DeadLetter(DeadLetterReason code, String reason) implements RoutingDecision {
    /** Requires a code and a reason. */
    public DeadLetter {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(reason, "reason");
    }
  }
}
