package dev.acs.broker.core.application;

import dev.acs.broker.core.agent.AgentId;
import dev.acs.broker.core.agent.AgentRegistry;
import dev.acs.broker.core.agent.AgentStatusUpdate;
import dev.acs.broker.core.agent.AgentView;
import dev.acs.broker.core.message.MessageEnvelope;
import dev.acs.broker.core.routing.AgentSuspicion;
import dev.acs.broker.core.routing.MessageRouter;
import dev.acs.broker.core.routing.OutstandingWork;
import dev.acs.broker.core.routing.RoutingDecision;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What the routing service decides for a message, and the bookkeeping the decisions read: the
 * router's rules and policy, wrapped in what makes the broker a drop-in for the real central server
 * (SPEC §7): status updates that arrive on the queue, answer chains, the status hold and agent
 * suspicion. Keeps no message: parking and publishing are the service's.
 *
 * <p>Thread-safe: delivery threads, the status thread (re-deciding parked messages) and the timer
 * (park timeouts) call it at once; every part it uses is thread-safe.
 */
final class RoutingDecider {

  private static final RoutingDecision HELD =
      new RoutingDecision.Park(
          "holding: the agent status stream is down, so the view may name agents a restarted"
              + " central server does not know; waiting for a full snapshot");

  private final AgentRegistry registry;
  private final MessageRouter router;
  private final OutstandingWork work;
  // SPEC §7 interop (issue 17): each is its own class; null when switched off.
  private final @Nullable StatusHold hold;
  private final @Nullable AgentSuspicion suspicion;
  private final AnswerChains chains;

  RoutingDecider(
      AgentRegistry registry,
      MessageRouter router,
      OutstandingWork work,
      @Nullable StatusHold hold,
      @Nullable AgentSuspicion suspicion,
      AnswerChains chains) {
    this.registry = registry;
    this.router = router;
    this.work = work;
    this.hold = hold;
    this.suspicion = suspicion;
    this.chains = chains;
  }

  /** The newest view of the agents. */
  AgentView view() {
    return registry.view();
  }

  /** Whether a message may ever be parked: the router parks, or a status hold may hold it. */
  boolean mayPark() {
    return router.parks() || hold != null;
  }

  /**
   * The first decision for a newly arrived message: applies a status update it carries, notes an
   * agent's answer, checks its answer chain, then routes it on the newest view.
   */
  RoutingDecision decide(MessageEnvelope envelope) {
    noteAnswer(envelope);
    AgentStatusUpdate statusUpdate = envelope.statusUpdate();
    if (statusUpdate != null) {
      // SPEC §4.3: a status update on the queue counts like one from the stream.
      registry.apply(statusUpdate);
      if (suspicion != null) {
        suspicion.observe(statusUpdate);
      }
    }
    if (envelope.type().isRoutable()) {
      RoutingDecision answer = chains.check(envelope);
      if (answer != null) {
        return answer;
      }
    }
    return route(envelope, registry.view(), false);
  }

  /**
   * The router's decision, unless the status hold says to wait; suspected agents are left out, or
   * taken only when nobody healthy can take the message (SPEC §7: dead agents stay listed).
   *
   * @param last whether this is a parked message's final decision, which never parks again
   */
  RoutingDecision route(MessageEnvelope envelope, AgentView view, boolean last) {
    if (hold != null && hold.holds() && envelope.type().isRoutable()) {
      return HELD;
    }
    AgentView healthy = suspicion == null ? view : suspicion.healthyView(view);
    RoutingDecision trusted =
        last ? router.decideFinally(envelope, healthy) : router.decide(envelope, healthy);
    if (healthy == view) {
      return trusted;
    }
    AgentSuspicion distrust = Objects.requireNonNull(suspicion);
    if (trusted instanceof RoutingDecision.Deliver deliver) {
      return new RoutingDecision.Deliver(
          deliver.agent(), deliver.explicitReceiver(), deliver.reason() + distrust.note());
    }
    boolean noHealthyAgent =
        trusted instanceof RoutingDecision.Park || trusted instanceof RoutingDecision.Reject;
    if (!noHealthyAgent || distrust.mode() == AgentSuspicion.Mode.EXCLUDE) {
      return trusted;
    }
    RoutingDecision any =
        last ? router.decideFinally(envelope, view) : router.decide(envelope, view);
    if (any instanceof RoutingDecision.Deliver deliver) {
      return new RoutingDecision.Deliver(
          deliver.agent(),
          deliver.explicitReceiver(),
          "no healthy agent available; taking suspected agent "
              + deliver.agent().id()
              + " ("
              + distrust.suspicionOf(deliver.agent().id())
              + ")");
    }
    return any;
  }

  /** A delivery is being published: the agent has one more piece of work. */
  void delivering(MessageEnvelope envelope, RoutingDecision.Deliver deliver) {
    work.routedTo(deliver.agent().id());
    if (suspicion != null) {
      suspicion.routedTo(deliver.agent().id());
    }
    chains.delivered(envelope, deliver.agent().id());
  }

  /** An agent that left the fleet costs no memory. */
  void forget(AgentId agent) {
    work.forget(agent);
  }

  private void noteAnswer(MessageEnvelope envelope) {
    Optional<AgentId> sender = envelope.senderAgent();
    if (sender.isPresent() && registry.view().get(sender.get()) != null) {
      work.answeredBy(sender.get());
      if (suspicion != null) {
        suspicion.heardFrom(sender.get());
      }
    }
  }
}
