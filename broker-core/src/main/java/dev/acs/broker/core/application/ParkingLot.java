package dev.acs.broker.core.application;

import dev.acs.broker.core.agent.AgentView;
import dev.acs.broker.core.port.InboundMessage;
import dev.acs.broker.core.port.Subscription;
import dev.acs.broker.core.routing.RoutingDecision;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * The messages no agent can take yet, waiting unsettled for one: parked in arrival order, decided
 * again whenever the agents improve or a status hold lifts, and given a final decision when their
 * park timeout ends (later while a status hold lasts). A new message of a conversation with parked
 * messages queues behind them, so each conversation leaves in order.
 *
 * <p>Threads: delivery threads park, the status thread re-decides, the timer times out; all under
 * one short lock. What leaves is handed to the release executor as one task per batch, never run
 * under the lock, so a stalled publish cannot stall the agent view.
 */
final class ParkingLot {

  private static final Logger LOG = System.getLogger(ParkingLot.class.getName());

  /** Carries out a decision for a message that left the lot. */
  @FunctionalInterface
  interface Exit {
    void release(InboundMessage message, long receivedAt, RoutingDecision decision);
  }

  /**
   * What became of a message offered to the lot: parked (with the decision that says why), or free
   * to proceed with the decision.
   */
  record Offer(RoutingDecision decision, boolean parked) {}

  private final RoutingDecider decider;
  private final Clock clock;
  private final Duration parkTimeout;
  private final @Nullable DelayScheduler scheduler;
  private final @Nullable StatusHold hold;
  private final InFlightMessages inFlight;
  private final Executor releases;
  private final Exit exit;
  private final Object lock = new Object();
  // Arrival order with O(1) removal of a message that times out or is released, and a count per
  // conversation, so that neither a new message nor a timeout scans everything parked.
  private final LinkedHashSet<Parked> parked = new LinkedHashSet<>();
  private final Map<String, Integer> parkedPerConversation = new HashMap<>();

  /**
   * A lot whose messages wait {@code parkTimeout} on {@code scheduler} (null when nothing ever
   * parks) and leave through {@code exit} on {@code releases}; each parked message counts in {@code
   * inFlight} until it has left.
   */
  ParkingLot(
      RoutingDecider decider,
      Clock clock,
      Duration parkTimeout,
      @Nullable DelayScheduler scheduler,
      @Nullable StatusHold hold,
      InFlightMessages inFlight,
      Executor releases,
      Exit exit) {
    this.decider = decider;
    this.clock = clock;
    this.parkTimeout = parkTimeout;
    this.scheduler = scheduler;
    this.hold = hold;
    this.inFlight = inFlight;
    this.releases = releases;
    this.exit = exit;
  }

  /**
   * Parks the message when {@code decision} says so (and a fresh decision agrees) or when its
   * conversation already waits; otherwise it may proceed.
   */
  Offer offer(InboundMessage message, RoutingDecision decision, long receivedAt) {
    if (!(decision instanceof RoutingDecision.Park)
        && !(decision instanceof RoutingDecision.Deliver)) {
      return new Offer(decision, false);
    }
    synchronized (lock) {
      RoutingDecision current = decision;
      if (current instanceof RoutingDecision.Park) {
        // The agents may have changed between the decision and taking this lock, and that change
        // found nothing parked to release. Changes applied from now on wait for the lock and see
        // this message; one applied before is visible in the registry now. Decide again.
        current = decider.route(message.envelope(), decider.view(), false);
      }
      String key = message.envelope().affinityKey().orElse(null);
      boolean mustWait = current instanceof RoutingDecision.Park;
      if (!mustWait && (key == null || !hasParked(key))) {
        return new Offer(current, false);
      }
      Parked waiting = new Parked(message, key, receivedAt, clock.instant());
      add(waiting);
      inFlight.begin();
      DelayScheduler timer = Objects.requireNonNull(scheduler, "a parking message needs a timer");
      waiting.timeout = timer.schedule(parkTimeout, () -> timedOut(waiting));
      return new Offer(
          mustWait
              ? current
              : new RoutingDecision.Park(
                  "queued behind earlier parked messages of its conversation"),
          true);
    }
  }

  /** How many messages are parked now. */
  int count() {
    synchronized (lock) {
      return parked.size();
    }
  }

  /** How long the oldest parked message has waited; empty when none is parked. */
  Optional<Duration> oldestAge() {
    synchronized (lock) {
      return parked.isEmpty()
          ? Optional.empty()
          : Optional.of(Duration.between(parked.iterator().next().parkedAt, clock.instant()));
    }
  }

  /** Gives every parked message back to the input for redelivery. */
  void requeueAll() {
    List<Parked> released;
    synchronized (lock) {
      released = new ArrayList<>(parked);
      parked.clear();
      parkedPerConversation.clear();
    }
    for (Parked waiting : released) {
      waiting.timeout.cancel();
      try {
        waiting.message.acknowledgement().requeue();
      } catch (RuntimeException settleFailure) {
        LOG.log(Level.WARNING, "Could not requeue a parked message: " + settleFailure);
      } finally {
        inFlight.end();
      }
    }
  }

  /**
   * Decides every parked message again against the newest view and hands what is released to the
   * release executor; a conversation blocked on its agent keeps its later messages parked.
   */
  void redecide() {
    List<Released> released = new ArrayList<>();
    synchronized (lock) {
      if (parked.isEmpty()) {
        return;
      }
      // Decide against the newest view: a later update may have been applied in the meantime.
      AgentView view = decider.view();
      Set<String> blocked = new HashSet<>();
      Iterator<Parked> waiting = parked.iterator();
      while (waiting.hasNext()) {
        Parked next = waiting.next();
        if (next.key != null && blocked.contains(next.key)) {
          continue;
        }
        RoutingDecision decision = decider.route(next.message.envelope(), view, false);
        if (decision instanceof RoutingDecision.Park) {
          if (next.key != null) {
            blocked.add(next.key);
          }
          continue;
        }
        waiting.remove();
        forget(next.key);
        next.timeout.cancel();
        released.add(new Released(next, decision));
      }
    }
    if (!released.isEmpty()) {
      // One task for the batch keeps each conversation's messages in their order.
      releases.execute(
          () -> {
            for (Released one : released) {
              leave(one.parked, one.decision);
            }
          });
    }
  }

  private boolean hasParked(String key) {
    return parkedPerConversation.containsKey(key);
  }

  private void add(Parked waiting) {
    parked.add(waiting);
    if (waiting.key != null) {
      parkedPerConversation.merge(waiting.key, 1, Integer::sum);
    }
  }

  private void forget(@Nullable String key) {
    if (key != null) {
      parkedPerConversation.computeIfPresent(
          key, (ignored, count) -> count == 1 ? null : count - 1);
    }
  }

  private void timedOut(Parked waiting) {
    synchronized (lock) {
      if (!parked.contains(waiting)) {
        return; // released by an agent change in the meantime
      }
      Duration wait = heldLonger(waiting);
      if (wait != null) {
        waiting.armedAt = clock.instant();
        waiting.timeout = Objects.requireNonNull(scheduler).schedule(wait, () -> timedOut(waiting));
        return;
      }
      parked.remove(waiting);
      forget(waiting.key);
    }
    // Through the same executor as the releases, so a conversation's messages keep their order.
    releases.execute(
        () -> leave(waiting, decider.route(waiting.message.envelope(), decider.view(), true)));
  }

  /**
   * How much longer a parked message waits because of the status hold, or {@code null} when its
   * time is up: nothing times out into an error while the server is away, and after the hold each
   * message gets a whole park timeout for the agents to report to the (possibly restarted) server.
   */
  private @Nullable Duration heldLonger(Parked waiting) {
    if (hold == null) {
      return null;
    }
    if (hold.holds()) {
      return parkTimeout;
    }
    Instant lifted = hold.liftedAt().orElse(null);
    if (lifted == null || !lifted.isAfter(waiting.armedAt)) {
      return null;
    }
    Duration left = parkTimeout.minus(Duration.between(lifted, clock.instant()));
    return left.isNegative() || left.isZero() ? null : left;
  }

  private void leave(Parked waiting, RoutingDecision decision) {
    try {
      exit.release(waiting.message, waiting.receivedAt, decision);
    } finally {
      inFlight.end(); // the park's own count; the publish counts itself
    }
  }

  /** A parked message on its way out, with the decision that released it. */
  private record Released(Parked parked, RoutingDecision decision) {}

  /** A message waiting for an agent. */
  private static final class Parked {
    final InboundMessage message;
    final @Nullable String key;
    final long receivedAt;
    final Instant parkedAt;
    Instant armedAt;
    Subscription timeout = () -> {};

    Parked(InboundMessage message, @Nullable String key, long receivedAt, Instant parkedAt) {
      this.message = message;
      this.key = key;
      this.receivedAt = receivedAt;
      this.parkedAt = parkedAt;
      this.armedAt = parkedAt;
    }
  }
}
