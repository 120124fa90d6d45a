package dev.acs.broker.core.application;

import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.agent.AgentRegistry;
import dev.acs.broker.core.agent.AgentStatusUpdate;
import dev.acs.broker.core.message.DeadLetterReason;
import dev.acs.broker.core.message.MessageEnvelope;
import dev.acs.broker.core.message.OutboundMessage;
import dev.acs.broker.core.port.Acknowledgement;
import dev.acs.broker.core.port.InboundHandler;
import dev.acs.broker.core.port.InboundMessage;
import dev.acs.broker.core.port.OutboundPublisher;
import dev.acs.broker.core.port.RoutingObserver;
import dev.acs.broker.core.routing.MessageRouter;
import dev.acs.broker.core.routing.RoutingDecision;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Routes each inbound message and settles it: decide, publish the outcome, and acknowledge the
 * input only when the publish is confirmed, or requeue it when the publish fails. Nothing is ever
 * acknowledged on hope.
 *
 * <p>{@link #handle} runs on the input's delivery thread and never waits for a confirm; settling
 * happens on whatever thread completes the publish. A failure of the broker's own code on a message
 * sends that message to the dead-letter queue rather than into a redelivery loop.
 */
public final class RoutingService implements InboundHandler {

  private static final Logger LOG = System.getLogger(RoutingService.class.getName());

  private final AgentRegistry registry;
  private final MessageRouter router;
  private final OutboundPublisher publisher;
  private final RoutingObserver observer;
  private final LongSupplier nanoClock;
  private final OutcomeRenderer renderer;
  private final InFlightMessages inFlight = new InFlightMessages();

  /**
   * A service that routes with {@code router} over {@code registry}'s view and publishes through
   * {@code publisher}.
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
    this.registry = Objects.requireNonNull(registry, "registry");
    this.router = Objects.requireNonNull(router, "router");
    this.publisher = Objects.requireNonNull(publisher, "publisher");
    this.observer = Objects.requireNonNull(observer, "observer");
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    this.renderer = new OutcomeRenderer(identity, router.policy().name());
  }

  @Override
  public void handle(InboundMessage message) {
    long receivedAt = nanoClock.getAsLong();
    MessageEnvelope envelope = message.envelope();
    RoutingDecision decision;
    @Nullable OutboundMessage outbound;
    try {
      decision = decide(envelope);
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
    if (LOG.isLoggable(Level.DEBUG)) {
      LOG.log(Level.DEBUG, envelope.describe() + " -> " + decision);
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

  /** How many messages are published but not yet settled. */
  public int inFlight() {
    return inFlight.count();
  }

  /**
   * Waits until every message handed to this service is settled.
   *
   * @return whether that happened within the timeout
   */
  public boolean awaitSettled(Duration timeout) throws InterruptedException {
    return inFlight.awaitNone(timeout);
  }

  private RoutingDecision decide(MessageEnvelope envelope) {
    AgentStatusUpdate statusUpdate = envelope.statusUpdate();
    if (statusUpdate != null) {
      // SPEC §4.3: a status update on the queue counts like one from the stream.
      registry.apply(statusUpdate);
    }
    return router.decide(envelope, registry.view());
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
      } else {
        LOG.log(
            Level.WARNING,
            "Publishing the outcome of "
                + message.envelope().describe()
                + " failed; returning it to the queue: "
                + publishFailure);
        acknowledgement.requeue();
        observer.publishFailed(message.envelope(), publishFailure);
      }
    } catch (RuntimeException settleFailure) {
      // The transport lost the channel; it redelivers unsettled messages by itself.
      LOG.log(
          Level.WARNING,
          "Could not settle " + message.envelope().describe() + ": " + settleFailure);
    }
  }
}
