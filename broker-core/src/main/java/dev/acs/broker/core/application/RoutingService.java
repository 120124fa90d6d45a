package dev.acs.broker.core.application;

import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.agent.AgentChange;
import dev.acs.broker.core.agent.AgentRegistry;
import dev.acs.broker.core.agent.AgentViewChange;
import dev.acs.broker.core.message.DeadLetterReason;
import dev.acs.broker.core.message.MessageEnvelope;
import dev.acs.broker.core.message.OutboundMessage;
import dev.acs.broker.core.message.PublishFailure;
import dev.acs.broker.core.port.Acknowledgement;
import dev.acs.broker.core.port.InboundHandler;
import dev.acs.broker.core.port.InboundMessage;
import dev.acs.broker.core.port.OutboundPublisher;
import dev.acs.broker.core.port.RoutingObserver;
import dev.acs.broker.core.routing.MessageRouter;
import dev.acs.broker.core.routing.OutstandingWork;
import dev.acs.broker.core.routing.RoutingDecision;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Routes each inbound message and settles it: decide, publish the outcome, and acknowledge the
 * input only when the publish is confirmed, or requeue it when the transport fails. Nothing is ever
 * acknowledged on hope. A publish that fails because of the message itself ({@link
 * PublishFailure.Unpublishable}) dead-letters the message once instead, as {@code unpublishable}.
 *
 * <p>{@link #handle} runs on the input's delivery thread and never waits for a confirm; settling
 * happens on whatever thread completes the publish. A failure of the broker's own code on a message
 * sends that message to the dead-letter queue rather than into a redelivery loop.
 *
 * <p>When the router parks (no agent can take a message yet), the message waits in a {@link
 * ParkingLot}, unsettled, so it is safe if the broker dies, and is decided again on every registry
 * change that lets an agent take more, never by polling. After the park timeout it gets a final
 * decision (a delivery or the reference error). Their number is bounded by the input's prefetch.
 *
 * <p>The decisions themselves are the {@link RoutingDecider}'s; each is logged at DEBUG by a {@link
 * DecisionLog} beside the configured observer. Embedders build the service through {@code
 * BrokerCore}, which wires it to the same registry, load tracker and status hold as the rest.
 */
public final class RoutingService implements InboundHandler {

  private static final Logger LOG = System.getLogger(RoutingService.class.getName());

  private final AgentRegistry registry;
  private final MessageRouter router;
  private final OutboundPublisher publisher;
  private final RoutingObserver observer;
  private final LongSupplier nanoClock;
  private final OutstandingWork work;
  private final RoutingDecider decider;
  private final ParkingLot parking;
  private final OutcomeRenderer renderer;
  private final InFlightMessages inFlight = new InFlightMessages();
  private final ThrottledWarnings settleWarnings;
  private final UnpublishableMessages unpublishable;

  /**
   * A service without parking: when nobody can take a message it is rejected at once.
   *
   * @param nanoClock a monotonic clock for the latencies reported to {@code observer} ({@code
   *     System::nanoTime} in production)
   */
  public RoutingService(
      BrokerIdentity identity,
      AgentRegistry registry,
      MessageRouter router,
      OutboundPublisher publisher,
      RoutingObserver observer,
      LongSupplier nanoClock) {
    this(builder(identity, registry, router, publisher).observer(observer).nanoClock(nanoClock));
  }

  RoutingService(RoutingServiceBuilder builder) {
    this.registry = builder.registry;
    this.router = builder.router;
    this.publisher = builder.publisher;
    this.nanoClock = builder.nanoClock;
    this.work =
        builder.work != null
            ? builder.work
            : new OutstandingWork(builder.clock, Duration.ofMinutes(5));
    DelayScheduler scheduler = builder.scheduler;
    if (router.parks() && !builder.parkingGiven) {
      throw new IllegalArgumentException(
          "a parking router needs parking(timeout, scheduler) for park timeouts");
    }
    if (builder.parkingGiven && !router.parks()) {
      throw new IllegalArgumentException(
          "parking(...) was given but the router never parks: build it with new"
              + " MessageRouter(policy, true), or let BrokerCore configure both");
    }
    StatusHold hold = builder.hold;
    if (hold != null && scheduler == null) {
      throw new IllegalArgumentException("a status hold needs a scheduler to park messages");
    }
    this.observer =
        RoutingObserver.allOf(
            List.of(builder.observer, new DecisionLog(registry, router.policy().name())));
    this.decider =
        new RoutingDecider(
            registry,
            router,
            work,
            hold,
            builder.suspicion,
            new AnswerChains(
                builder.maxHops,
                builder.answersToClient,
                builder.clock,
                AnswerChainsLimits.CAPACITY,
                AnswerChainsLimits.TTL));
    this.parking =
        new ParkingLot(
            decider,
            builder.clock,
            builder.parkTimeout,
            scheduler,
            hold,
            inFlight,
            builder.releases,
            this::release);
    this.renderer =
        new OutcomeRenderer(
            builder.identity,
            router.policy().name(),
            builder.decisionHeaders,
            builder.errorReceiver);
    this.settleWarnings = new ThrottledWarnings(LOG, nanoClock);
    this.unpublishable =
        new UnpublishableMessages(renderer, publisher, observer, inFlight, nanoClock);
    registry.onUpdate(this::agentsChanged);
    if (hold != null) {
      // Lifted by a snapshot (after the registry applied it) or, in last-view mode, by the end of
      // the grace: either way every held message is decided again now, whether or not the update
      // improved any agent, since the messages waited for the hold rather than for an agent.
      hold.onLifted(parking::redecide);
    }
  }

  /**
   * Starts a service with the required parts; the rest have production defaults. Prefer {@code
   * BrokerCore}, which also builds the parts and keeps them consistent.
   */
  public static RoutingServiceBuilder builder(
      BrokerIdentity identity,
      AgentRegistry registry,
      MessageRouter router,
      OutboundPublisher publisher) {
    return new RoutingServiceBuilder(identity, registry, router, publisher);
  }

  @Override
  public void handle(InboundMessage message) {
    long receivedAt = nanoClock.getAsLong();
    MessageEnvelope envelope = message.envelope();
    RoutingDecision decision;
    @Nullable OutboundMessage outbound;
    try {
      decision = decider.decide(envelope);
      if (router.parks() || decision instanceof RoutingDecision.Park) {
        ParkingLot.Offer offer = parking.offer(message, decision, receivedAt);
        if (offer.parked()) {
          observer.decided(envelope, offer.decision(), nanoClock.getAsLong() - receivedAt);
          return;
        }
        decision = offer.decision();
      }
      outbound = renderer.render(decision, message);
    } catch (RuntimeException bug) {
      LOG.log(
          Level.ERROR, "Routing failed for " + envelope.describe() + "; dead-lettering it", bug);
      RoutingDecision.DeadLetter deadLetter =
          new RoutingDecision.DeadLetter(DeadLetterReason.INTERNAL_ERROR, String.valueOf(bug));
      decision = deadLetter;
      outbound = renderer.deadLetter(message, deadLetter);
    }
    observer.decided(envelope, decision, nanoClock.getAsLong() - receivedAt);
    publishAndSettle(message, decision, outbound, receivedAt);
  }

  /** How many messages are published or parked but not yet settled. */
  public int inFlight() {
    return inFlight.count();
  }

  /** How many messages are parked now. */
  public int parkedCount() {
    return parking.count();
  }

  /** How long the oldest parked message has waited; empty when none is parked. */
  public Optional<Duration> oldestParkedAge() {
    return parking.oldestAge();
  }

  /** The load this service tracks per agent. */
  public OutstandingWork outstandingWork() {
    return work;
  }

  /** The registry this service routes over. */
  AgentRegistry registry() {
    return registry;
  }

  /**
   * Waits until every message handed to this service is settled.
   *
   * @return whether that happened within the timeout
   */
  public boolean awaitSettled(Duration timeout) throws InterruptedException {
    return inFlight.awaitNone(timeout);
  }

  /**
   * Gives every parked message back to the input for redelivery (to this broker after a restart, or
   * to another replica), for a shutdown that should not wait out park timeouts.
   */
  public void requeueParked() {
    parking.requeueAll();
  }

  /**
   * Forgets departed agents' load and re-decides parked messages after an update, on the thread
   * that applied it. Only an update that lets some agent take more than before (it became routable,
   * or moved to a better tier) can route a message that had to wait, so any other update costs
   * nothing here.
   */
  private void agentsChanged(AgentViewChange change) {
    for (AgentChange agent : change.changes()) {
      if (agent.after() == null) {
        decider.forget(agent.id());
      }
    }
    if (decider.mayPark() && change.someAgentImproved()) {
      parking.redecide();
    }
  }

  /** Publishes the outcome of a parked message that has left the parking lot. */
  private void release(InboundMessage message, long receivedAt, RoutingDecision decision) {
    @Nullable OutboundMessage outbound;
    try {
      outbound = renderer.render(decision, message);
    } catch (RuntimeException bug) {
      RoutingDecision.DeadLetter deadLetter =
          new RoutingDecision.DeadLetter(DeadLetterReason.INTERNAL_ERROR, String.valueOf(bug));
      decision = deadLetter;
      outbound = renderer.deadLetter(message, deadLetter);
    }
    observer.decided(message.envelope(), decision, 0);
    publishAndSettle(message, decision, outbound, receivedAt);
  }

  private void publishAndSettle(
      InboundMessage message,
      RoutingDecision decision,
      @Nullable OutboundMessage outbound,
      long receivedAt) {
    if (decision instanceof RoutingDecision.Deliver deliver) {
      decider.delivering(message.envelope(), deliver);
    }
    if (outbound == null) {
      settle(message, decision, receivedAt, null);
      return;
    }
    inFlight.begin();
    CompletionStage<Void> confirmed;
    try {
      confirmed = publisher.publish(outbound);
    } catch (RuntimeException publishFailure) {
      confirmed = CompletableFuture.failedFuture(publishFailure);
    }
    RoutingDecision taken = decision;
    confirmed.whenComplete(
        (ignored, failure) -> {
          try {
            settle(message, taken, receivedAt, failure);
          } finally {
            inFlight.end();
          }
        });
  }

  private void settle(
      InboundMessage message,
      RoutingDecision decision,
      long receivedAt,
      @Nullable Throwable publishFailure) {
    Acknowledgement acknowledgement = message.acknowledgement();
    try {
      if (publishFailure == null) {
        acknowledgement.ack();
        observer.settled(message.envelope(), decision, nanoClock.getAsLong() - receivedAt);
      } else if (UnpublishableMessages.applies(decision, PublishFailure.of(publishFailure))) {
        unpublishable.deadLetter(message, PublishFailure.of(publishFailure), receivedAt);
      } else {
        settleWarnings.warn(
            "Publishing the outcome of "
                + message.envelope().describe()
                + " failed; returning it to the queue: "
                + publishFailure);
        acknowledgement.requeue();
        observer.publishFailed(message.envelope(), publishFailure);
      }
    } catch (RuntimeException settleFailure) {
      // The transport lost the channel; it redelivers unsettled messages by itself.
      settleWarnings.warn(
          "Could not settle " + message.envelope().describe() + ": " + settleFailure);
    }
  }
}
