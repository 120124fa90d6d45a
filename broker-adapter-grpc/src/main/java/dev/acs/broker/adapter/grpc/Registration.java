package dev.acs.broker.adapter.grpc;

import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.retry.Backoff;
import dev.acs.broker.proto.registration.BrokerRegistrationRequest;
import dev.acs.broker.proto.registration.BrokerRegistrationResponse;
import dev.acs.broker.proto.registration.BrokerRegistrationServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code RegisterBroker} and its own retry. Registration comes first in every round, but its
 * failure does not keep the broker off the stream: a server that answers and refuses is followed
 * anyway and asked again after a backoff; only a server that seems unreachable interrupts the round
 * (subscribing would fail the same way).
 *
 * <p>Confined to the scheduler thread: answers are re-posted there and dropped when their round is
 * over.
 */
final class Registration {

  // The status source's logger, so that its log lines keep the one name operators filter on.
  private static final Logger LOG = LoggerFactory.getLogger(GrpcAgentStatusSource.class);

  /** Registration failures worth retrying before subscribing: the server is likely down or busy. */
  private static final Set<Status.Code> TRANSIENT =
      EnumSet.of(
          Status.Code.UNAVAILABLE,
          Status.Code.DEADLINE_EXCEEDED,
          Status.Code.RESOURCE_EXHAUSTED,
          Status.Code.ABORTED,
          Status.Code.CANCELLED);

  private final GrpcSettings settings;
  private final BrokerIdentity identity;
  private final BrokerRegistrationRequest request;
  private final Supplier<ManagedChannel> channel;
  private final StatusScheduler scheduler;
  private final Rounds rounds;
  private final LinkHealth health;
  private final GrpcListener events;
  private final Backoff backoff;
  private final Runnable subscribe;
  private final Interruptions interruptions;

  private boolean needed = true;
  private @Nullable ScheduledFuture<?> retry;

  /**
   * @param channel the current channel
   * @param subscribe opens the status stream, once registration has had its answer
   */
  Registration(
      GrpcSettings settings,
      BrokerIdentity identity,
      Supplier<ManagedChannel> channel,
      StatusScheduler scheduler,
      Rounds rounds,
      LinkHealth health,
      GrpcListener events,
      Backoff backoff,
      Runnable subscribe,
      Interruptions interruptions) {
    this.settings = settings;
    this.identity = identity;
    this.channel = channel;
    this.scheduler = scheduler;
    this.rounds = rounds;
    this.health = health;
    this.events = events;
    this.backoff = backoff;
    this.subscribe = subscribe;
    this.interruptions = interruptions;
    this.request =
        BrokerRegistrationRequest.newBuilder()
            .setBrokerId(identity.id())
            .setBrokerName(identity.name())
            .build();
  }

  /** Whether this round still has to register before it subscribes. */
  boolean needed() {
    return needed;
  }

  /** A new round begins: register again first, and forget a retry of the old one. */
  void renew() {
    StatusScheduler.cancel(retry);
    retry = null;
    needed = true;
  }

  /** Stops a pending retry at shutdown. */
  void stop() {
    StatusScheduler.cancel(retry);
  }

  /**
   * Sends {@code RegisterBroker}.
   *
   * @param thenSubscribe whether this is the round's first step, after which the stream is opened
   *     (a retry for a round that already follows the stream passes {@code false})
   */
  void register(boolean thenSubscribe) {
    retry = null;
    if (rounds.isClosed()) {
      return;
    }
    long round = rounds.current();
    LOG.debug("Registering broker {} at {}", identity.id(), settings.target());
    BrokerRegistrationServiceGrpc.newStub(channel.get())
        .withDeadlineAfter(settings.registrationDeadline().toNanos(), TimeUnit.NANOSECONDS)
        .registerBroker(
            request,
            scheduler.<BrokerRegistrationResponse>answerOn(
                response -> onAnswer(round, thenSubscribe, response),
                status -> onFailure(round, thenSubscribe, status)));
  }

  private void onAnswer(long round, boolean thenSubscribe, BrokerRegistrationResponse response) {
    if (!rounds.isCurrent(round)) {
      return;
    }
    needed = false;
    if (response.getSuccess()) {
      backoff.reset();
      LOG.info(
          "Registered broker {} ({}) with the central server at {}: {}",
          identity.id(),
          identity.name(),
          settings.target(),
          response.getMessage());
      health.registered();
      events.onRegistered(response.getMessage());
    } else {
      rejected(
          "the central server refused to register broker "
              + identity.id()
              + ": "
              + (response.getMessage().isEmpty() ? "(no message)" : response.getMessage()));
    }
    if (thenSubscribe) {
      subscribe.run();
    }
  }

  private void onFailure(long round, boolean thenSubscribe, Status status) {
    if (!rounds.isCurrent(round)) {
      return;
    }
    String reason = "registration failed: " + GrpcStatusText.describe(status);
    if (TRANSIENT.contains(status.getCode())) {
      if (thenSubscribe) {
        // The server is probably down; subscribing now would fail the same way.
        interruptions.interrupt(reason, false);
      } else {
        LOG.warn("{}; trying again later", reason);
        health.notRegistered(reason);
        scheduleRetry();
      }
      return;
    }
    needed = false;
    rejected(reason);
    if (thenSubscribe) {
      subscribe.run();
    }
  }

  /** The server answered but did not register us: follow the stream anyway, retry later. */
  private void rejected(String reason) {
    LOG.warn("{}; following the agent status stream anyway and registering again later", reason);
    health.notRegistered(reason);
    events.onRegistrationRejected(reason);
    scheduleRetry();
  }

  private void scheduleRetry() {
    Duration delay = backoff.nextDelay();
    retry = scheduler.schedule(() -> register(false), delay);
  }
}
