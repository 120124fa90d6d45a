package dev.acs.broker.adapter.grpc;

import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.agent.AgentStatusUpdate;
import dev.acs.broker.core.port.AgentStatusListener;
import dev.acs.broker.core.port.AgentStatusSource;
import dev.acs.broker.core.port.Subscription;
import dev.acs.broker.core.retry.Backoff;
import dev.acs.broker.proto.status.AgentStatusRequest;
import io.grpc.ManagedChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the central server's agent status stream and keeps it alive: each round registers ({@link
 * Registration}), subscribes ({@link StatusStream}) and is watched by the {@link LivenessProbe};
 * after any interruption this class reports it, replaces the channel when it may be half-open, and
 * starts a new round after the next reconnect backoff.
 *
 * <p>Threading: all mutable state of this class and of its parts is read and written only on the
 * single {@link StatusScheduler} thread; gRPC callbacks, which arrive on gRPC's threads, are
 * re-posted there. So the listener is called in order and from one thread at a time, and there are
 * no locks. Callbacks of a round that has since been replaced are recognised by their round number
 * ({@link Rounds}) and dropped. The health is volatile so any thread may read it.
 */
final class GrpcAgentStatusSource implements AgentStatusSource, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(GrpcAgentStatusSource.class);

  private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

  private final BrokerIdentity identity;
  private final Supplier<ManagedChannel> channels;
  private final GrpcListener events;
  private final StatusScheduler scheduler;
  private final Rounds rounds = new Rounds();
  private final LinkHealth health = new LinkHealth();
  private final Backoff reconnects;
  private final Registration registration;
  private final StatusStream stream;
  private final LivenessProbe probe;
  private final AtomicBoolean subscribed = new AtomicBoolean();

  // Confined to the scheduler thread.
  private @Nullable AgentStatusListener listener;
  private @Nullable ManagedChannel channel;
  private @Nullable ScheduledFuture<?> reconnect;

  GrpcAgentStatusSource(
      GrpcSettings settings,
      BrokerIdentity identity,
      Supplier<ManagedChannel> channels,
      ScheduledExecutorService scheduler,
      Clock clock,
      RandomGenerator random,
      GrpcListener events) {
    Objects.requireNonNull(settings, "settings");
    this.identity = Objects.requireNonNull(identity, "identity");
    this.channels = Objects.requireNonNull(channels, "channels");
    this.events = Objects.requireNonNull(events, "events");
    Objects.requireNonNull(scheduler, "scheduler");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(random, "random");
    this.scheduler = new StatusScheduler(scheduler, rounds::isClosed);
    this.reconnects = newBackoff(settings, random);
    AgentStatusRequest statusRequest =
        AgentStatusRequest.newBuilder().setBrokerId(identity.id()).build();
    AgentStatusMapper mapper = new AgentStatusMapper();
    this.stream =
        new StatusStream(
            settings,
            identity,
            statusRequest,
            this::channel,
            this.scheduler,
            rounds,
            health,
            events,
            clock,
            mapper,
            reconnects,
            this::deliver,
            this::interrupt);
    this.registration =
        new Registration(
            settings,
            identity,
            this::channel,
            this.scheduler,
            rounds,
            health,
            events,
            newBackoff(settings, random),
            stream::open,
            this::interrupt);
    this.probe =
        new LivenessProbe(
            settings,
            statusRequest,
            this::channel,
            this.scheduler,
            rounds,
            health,
            clock,
            mapper,
            stream,
            this::deliver,
            this::interrupt);
  }

  private static Backoff newBackoff(GrpcSettings settings, RandomGenerator random) {
    return new Backoff(
        settings.backoffInitial(),
        settings.backoffMultiplier(),
        settings.backoffJitter(),
        settings.backoffMax(),
        random);
  }

  /**
   * Starts registering, subscribing and probing on the scheduler thread; returns at once. One
   * subscription per adapter: cancelling it shuts the adapter down.
   *
   * @throws IllegalStateException when called a second time or after {@link #close()}
   */
  @Override
  public Subscription subscribe(AgentStatusListener newListener) {
    Objects.requireNonNull(newListener, "listener");
    if (rounds.isClosed()) {
      throw new IllegalStateException("the gRPC status source is closed");
    }
    if (!subscribed.compareAndSet(false, true)) {
      throw new IllegalStateException(
          "the gRPC status source follows one subscriber only and already has one");
    }
    scheduler.post(() -> start(newListener));
    return this::close;
  }

  GrpcHealth health() {
    return health.current();
  }

  ProbeCounts probeCounts() {
    return probe.counts();
  }

  // ---------------------------------------------------------------- rounds (scheduler thread)

  private void start(AgentStatusListener newListener) {
    scheduler.claimCurrentThread();
    listener = newListener;
    channel = channels.get();
    probe.start();
    connect();
  }

  /** Starts a round: registers if needed, then subscribes. */
  private void connect() {
    reconnect = null;
    if (rounds.isClosed()) {
      return;
    }
    // Our own backoff paces the attempts; the channel's (up to 2 min) must not add to it.
    channel().resetConnectBackoff();
    if (registration.needed()) {
      registration.register(true);
    } else {
      stream.open();
    }
  }

  /**
   * Reports the interruption, ends the round (and the channel, when it may be half-open), and
   * schedules a new register-and-subscribe after the next backoff delay.
   */
  private void interrupt(String reason, boolean freshChannel) {
    rounds.next();
    stream.cancel("superseded after: " + reason);
    registration.renew();
    probe.renew();
    if (freshChannel) {
      channel().shutdownNow();
      channel = channels.get();
    }
    Duration delay = reconnects.nextDelay();
    health.interrupted(reason);
    LOG.warn(
        "Agent status stream interrupted: {}; registering and subscribing again in {} ms",
        reason,
        delay.toMillis());
    AgentStatusListener current = listener;
    if (current != null) {
      try {
        current.onInterrupted(reason);
      } catch (RuntimeException e) {
        LOG.error("The agent status listener failed on an interruption", e);
      }
    }
    events.onReconnectScheduled(delay, reason);
    reconnect = scheduler.schedule(this::connect, delay);
  }

  private void deliver(AgentStatusUpdate update) {
    AgentStatusListener current = listener;
    if (rounds.isClosed() || current == null) {
      return;
    }
    try {
      current.onStatus(update);
    } catch (RuntimeException e) {
      LOG.error("The agent status listener failed on an update; continuing with the next", e);
    }
  }

  private ManagedChannel channel() {
    ManagedChannel current = channel;
    if (current == null) {
      throw new IllegalStateException("no channel before the subscription started");
    }
    return current;
  }

  // ---------------------------------------------------------------- close

  /**
   * Cancels the stream (not reported as an interruption), stops the scheduler and shuts the channel
   * down, waiting briefly for each. Idempotent; may be called from any thread, the listener's
   * included.
   */
  @Override
  public void close() {
    if (!rounds.close()) {
      return;
    }
    boolean onScheduler = scheduler.isCurrentThread();
    if (onScheduler) {
      stopRound();
    } else {
      scheduler.runAndWait(this::stopRound, CLOSE_WAIT);
    }
    scheduler.shutdown(CLOSE_WAIT);
    // After the scheduler stopped, nothing else touches the channel field.
    ManagedChannel last = channel;
    if (last != null && onScheduler) {
      // Called from the listener: do not block the thread that delivers updates.
      last.shutdownNow();
    } else if (last != null) {
      last.shutdown();
      try {
        if (!last.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
          last.shutdownNow();
        }
      } catch (InterruptedException e) {
        last.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    health.closed();
    LOG.info("gRPC status source of broker {} closed", identity.id());
  }

  private void stopRound() {
    stream.cancel("broker shutting down");
    StatusScheduler.cancel(reconnect);
    registration.stop();
    probe.stop();
  }
}
