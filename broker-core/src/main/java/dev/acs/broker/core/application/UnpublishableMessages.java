package dev.acs.broker.core.application;

import dev.acs.broker.core.message.DeadLetterReason;
import dev.acs.broker.core.message.OutboundMessage;
import dev.acs.broker.core.message.PublishFailure;
import dev.acs.broker.core.port.Acknowledgement;
import dev.acs.broker.core.port.InboundMessage;
import dev.acs.broker.core.port.OutboundPublisher;
import dev.acs.broker.core.port.RoutingObserver;
import dev.acs.broker.core.routing.RoutingDecision;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

/**
 * Settles a message whose outcome could not be published because of the message itself: it goes to
 * the dead-letter queue once, as {@code unpublishable} with the transport's explanation, instead of
 * back to the input, where it would fail the same way forever.
 *
 * <p>The dead letter carries the original body, which came through the same transport and so fits
 * it. Should even that publish fail, the input is requeued (a transport failure may pass; the
 * redelivery guard ends anything else). Called on whatever thread completed the failed publish.
 */
final class UnpublishableMessages {

  private static final Logger LOG = System.getLogger(RoutingService.class.getName());

  private final OutcomeRenderer renderer;
  private final OutboundPublisher publisher;
  private final RoutingObserver observer;
  private final InFlightMessages inFlight;
  private final LongSupplier nanoClock;

  UnpublishableMessages(
      OutcomeRenderer renderer,
      OutboundPublisher publisher,
      RoutingObserver observer,
      InFlightMessages inFlight,
      LongSupplier nanoClock) {
    this.renderer = renderer;
    this.publisher = publisher;
    this.observer = observer;
    this.inFlight = inFlight;
    this.nanoClock = nanoClock;
  }

  /**
   * Whether a failed publish of {@code decision}'s outcome is the message's fault and the message
   * can still be dead-lettered (a dead letter that is itself unpublishable is not tried again).
   */
  static boolean applies(RoutingDecision decision, PublishFailure failure) {
    return failure instanceof PublishFailure.Unpublishable
        && !(decision instanceof RoutingDecision.DeadLetter deadLetter
            && deadLetter.code() == DeadLetterReason.UNPUBLISHABLE);
  }

  /** Dead-letters {@code message} as unpublishable; acknowledges it once that is confirmed. */
  void deadLetter(InboundMessage message, PublishFailure failure, long receivedAt) {
    LOG.log(
        Level.WARNING,
        "Dead-lettering "
            + message.envelope().describe()
            + " as unpublishable: its outcome cannot be published: "
            + failure.detail());
    RoutingDecision.DeadLetter decision =
        new RoutingDecision.DeadLetter(DeadLetterReason.UNPUBLISHABLE, failure.detail());
    inFlight.begin();
    CompletionStage<Void> confirmed;
    try {
      OutboundMessage deadLetter = renderer.deadLetter(message, decision);
      confirmed = publisher.publish(deadLetter);
    } catch (RuntimeException publishFailure) {
      confirmed = CompletableFuture.failedFuture(publishFailure);
    }
    confirmed.whenComplete(
        (ignored, deadLetterFailure) -> {
          try {
            settle(message, decision, receivedAt, deadLetterFailure);
          } finally {
            inFlight.end();
          }
        });
  }

  private void settle(
      InboundMessage message,
      RoutingDecision.DeadLetter decision,
      long receivedAt,
      @org.jspecify.annotations.Nullable Throwable failure) {
    Acknowledgement acknowledgement = message.acknowledgement();
    try {
      if (failure == null) {
        acknowledgement.ack();
        observer.settled(message.envelope(), decision, nanoClock.getAsLong() - receivedAt);
      } else {
        LOG.log(
            Level.WARNING,
            "Dead-lettering "
                + message.envelope().describe()
                + " failed too; returning it to the queue: "
                + PublishFailure.of(failure).detail());
        acknowledgement.requeue();
        observer.publishFailed(message.envelope(), failure);
      }
    } catch (RuntimeException settleFailure) {
      LOG.log(
          Level.WARNING,
          "Could not settle " + message.envelope().describe() + ": " + settleFailure);
    }
  }
}
