package dev.acs.broker.adapter.grpc;

import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.agent.AgentStatusUpdate;
import dev.acs.broker.core.port.AgentStatusListener;
import dev.acs.broker.core.port.AgentStatusSource;
import dev.acs.broker.core.port.Subscription;
import dev.acs.broker.proto.registration.BrokerRegistrationRequest;
import dev.acs.broker.proto.registration.BrokerRegistrationResponse;
import dev.acs.broker.proto.registration.BrokerRegistrationServiceGrpc;
import dev.acs.broker.proto.status.AgentStatusRequest;
import dev.acs.broker.proto.status.AgentStatusResponse;
import dev.acs.broker.proto.status.AgentStatusServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the central server's agent status stream and keeps it alive: registers, subscribes,
 * probes, and after any interruption registers and subscribes again with backoff.
 *
 * <p>Threading: every piece of mutable state below the "confined" marker is read and written only
 * on the single scheduler thread; gRPC callbacks, which arrive on gRPC's threads, are re-posted
 * there. So the listener is called in order and from one thread at a time, and there are no locks.
 * Callbacks of a stream or probe that has since been replaced are recognised by their epoch and
 * dropped. Health fields are volatile so any thread may read them.
 */
final class GrpcAgentStatusSource implements AgentStatusSource, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(GrpcAgentStatusSource.class);

  /** Registration failures worth retrying before subscribing: the server is likely down or busy. */
  private static final Set<Status.Code> TRANSIENT =
      EnumSet.of(
          Status.Code.UNAVAILABLE,
          Status.Code.DEADLINE_EXCEEDED,
          Status.Code.RESOURCE_EXHAUSTED,
          Status.Code.ABORTED,
          Status.Code.CANCELLED);

  /** Probe failures that suggest a dead connection rather than a live server saying no. */
  private static final Set<Status.Code> UNREACHABLE =
      EnumSet.of(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED);

  private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

  private final GrpcSettings settings;
  private final BrokerIdentity identity;
  private final Supplier<ManagedChannel> channels;
  private final ScheduledExecutorService scheduler;
  private final Clock clock;
  private final GrpcListener events;
  private final AgentStatusMapper mapper = new AgentStatusMapper();
  private final Backoff streamBackoff;
  private final Backoff registrationBackoff;
  private final AgentStatusRequest statusRequest;
  private final BrokerRegistrationRequest registrationRequest;

  private final AtomicBoolean subscribed = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile GrpcHealth health = GrpcHealth.initial();
  private volatile @Nullable Thread schedulerThread;

  // Confined to the scheduler thread.
  private @Nullable AgentStatusListener listener;
  private @Nullable ManagedChannel channel;
  private @Nullable StreamAttempt stream;
  private long epoch;
  // Stream responses taken in so far; a probe answer is stale if the stream moved on meanwhile.
  private long streamResponses;
  private boolean registrationNeeded = true;
  private boolean probeInFlight;
  private int probeFailures;
  private @Nullable ScheduledFuture<?> reconnect;
  private @Nullable ScheduledFuture<?> reregistration;
  private @Nullable ScheduledFuture<?> probes;

  GrpcAgentStatusSource(
      GrpcSettings settings,
      BrokerIdentity identity,
      Supplier<ManagedChannel> channels,
      ScheduledExecutorService scheduler,
      Clock clock,
      RandomGenerator random,
      GrpcListener events) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.identity = Objects.requireNonNull(identity, "identity");
    this.channels = Objects.requireNonNull(channels, "channels");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.events = Objects.requireNonNull(events, "events");
    Objects.requireNonNull(random, "random");
    this.streamBackoff = newBackoff(settings, random);
    this.registrationBackoff = newBackoff(settings, random);
    this.statusRequest = AgentStatusRequest.newBuilder().setBrokerId(identity.id()).build();
    this.registrationRequest =
        BrokerRegistrationRequest.newBuilder()
            .setBrokerId(identity.id())
            .setBrokerName(identity.name())
            .build();
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
    if (closed.get()) {
      throw new IllegalStateException("the gRPC status source is closed");
    }
    if (!subscribed.compareAndSet(false, true)) {
      throw new IllegalStateException(
          "the gRPC status source follows one subscriber only and already has one");
    }
    post(() -> start(newListener));
    return this::close;
  }

  GrpcHealth health() {
    return health;
  }

  // ---------------------------------------------------------------- lifecycle (scheduler thread)

  private void start(AgentStatusListener newListener) {
    schedulerThread = Thread.currentThread();
    listener = newListener;
    channel = channels.get();
    long period = settings.livenessInterval().toNanos();
    probes = scheduler.scheduleAtFixedRate(this::probe, period, period, TimeUnit.NANOSECONDS);
    connect();
  }

  /** Registers if needed, then subscribes. */
  private void connect() {
    reconnect = null;
    if (closed.get()) {
      return;
    }
    // Our own backoff paces the attempts; the channel's (up to 2 min) must not add to it.
    channel().resetConnectBackoff();
    if (registrationNeeded) {
      register(true);
    } else {
      subscribeToStream();
    }
  }

  // ---------------------------------------------------------------- registration

  private void register(boolean thenSubscribe) {
    reregistration = null;
    if (closed.get()) {
      return;
    }
    long myEpoch = epoch;
    LOG.debug("Registering broker {} at {}", identity.id(), settings.target());
    BrokerRegistrationServiceGrpc.newStub(channel())
        .withDeadlineAfter(settings.registrationDeadline().toNanos(), TimeUnit.NANOSECONDS)
        .registerBroker(
            registrationRequest,
            new StreamObserver<>() {
              @Override
              public void onNext(BrokerRegistrationResponse response) {
                post(() -> onRegistrationAnswer(myEpoch, thenSubscribe, response));
              }

              @Override
              public void onError(Throwable error) {
                Status status = Status.fromThrowable(error);
                post(() -> onRegistrationFailure(myEpoch, thenSubscribe, status));
              }

              @Override
              public void onCompleted() {}
            });
  }

  private void onRegistrationAnswer(
      long myEpoch, boolean thenSubscribe, BrokerRegistrationResponse response) {
    if (closed.get() || myEpoch != epoch) {
      return;
    }
    registrationNeeded = false;
    if (response.getSuccess()) {
      registrationBackoff.reset();
      LOG.info(
          "Registered broker {} ({}) with the central server at {}: {}",
          identity.id(),
          identity.name(),
          settings.target(),
          response.getMessage());
      updateHealth(true, health.streamConnected(), health.lastError());
      events.onRegistered(response.getMessage());
    } else {
      rejected(
          "the central server refused to register broker "
              + identity.id()
              + ": "
              + (response.getMessage().isEmpty() ? "(no message)" : response.getMessage()));
    }
    if (thenSubscribe) {
      subscribeToStream();
    }
  }

  private void onRegistrationFailure(long myEpoch, boolean thenSubscribe, Status status) {
    if (closed.get() || myEpoch != epoch) {
      return;
    }
    String reason = "registration failed: " + describe(status);
    if (TRANSIENT.contains(status.getCode())) {
      if (thenSubscribe) {
        // The server is probably down; subscribing now would fail the same way.
        interrupt(reason, false);
      } else {
        LOG.warn("{}; trying again later", reason);
        updateHealth(false, health.streamConnected(), reason);
        scheduleReregistration();
      }
      return;
    }
    registrationNeeded = false;
    rejected(reason);
    if (thenSubscribe) {
      subscribeToStream();
    }
  }

  /** The server answered but did not register us: follow the stream anyway, retry later. */
  private void rejected(String reason) {
    LOG.warn("{}; following the agent status stream anyway and registering again later", reason);
    updateHealth(false, health.streamConnected(), reason);
    events.onRegistrationRejected(reason);
    scheduleReregistration();
  }

  private void scheduleReregistration() {
    Duration delay = registrationBackoff.nextDelay();
    reregistration = schedule(() -> register(false), delay);
  }

  // ---------------------------------------------------------------- stream

  private void subscribeToStream() {
    if (closed.get()) {
      return;
    }
    LOG.info("Subscribing to agent status at {} as broker {}", settings.target(), identity.id());
    StreamAttempt attempt = new StreamAttempt(epoch);
    stream = attempt;
    AgentStatusServiceGrpc.newStub(channel())
        .withMaxInboundMessageSize(settings.maxInboundMessageBytes())
        .subscribeToAgentStatus(statusRequest, attempt);
  }

  private void onStreamResponse(StreamAttempt attempt, AgentStatusResponse response) {
    if (closed.get() || attempt != stream) {
      return;
    }
    streamResponses++;
    AgentStatusUpdate update = mapper.toUpdate(response);
    if (update.fullSnapshot()) {
      attempt.sawSnapshot = true;
      streamBackoff.reset();
      health =
          new GrpcHealth(
              health.registered(),
              true,
              clock.instant(),
              health.reconnectCount(),
              health.lastError());
      LOG.debug("Agent status snapshot received: {} agents", update.agents().size());
      events.onSnapshot(update.agents().size());
    } else {
      if (!attempt.sawSnapshot) {
        LOG.warn("The status stream began with a delta, not a full snapshot; applying it anyway");
      }
      updateHealth(health.registered(), true, health.lastError());
      LOG.debug("Agent status delta received: {} agents", update.agents().size());
    }
    deliver(update);
    attempt.requestNext();
  }

  private void onStreamEnd(StreamAttempt attempt, String reason) {
    if (closed.get() || attempt != stream) {
      return;
    }
    stream = null;
    interrupt(reason, false);
  }

  /**
   * Reports the interruption, forgets the current stream (and the channel, when it may be
   * half-open), and schedules a new register-and-subscribe after the next backoff delay.
   */
  private void interrupt(String reason, boolean freshChannel) {
    epoch++;
    cancelStream("superseded after: " + reason);
    cancel(reregistration);
    reregistration = null;
    probeInFlight = false;
    probeFailures = 0;
    registrationNeeded = true;
    if (freshChannel) {
      channel().shutdownNow();
      channel = channels.get();
    }
    Duration delay = streamBackoff.nextDelay();
    health =
        new GrpcHealth(false, false, health.lastSnapshotAt(), health.reconnectCount() + 1, reason);
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
    reconnect = schedule(this::connect, delay);
  }

  private void cancelStream(String why) {
    StreamAttempt current = stream;
    stream = null;
    if (current != null) {
      current.cancel(why);
    }
  }

  // ---------------------------------------------------------------- liveness probe

  private void probe() {
    try {
      if (closed.get() || stream == null || probeInFlight) {
        return;
      }
      probeInFlight = true;
      long myEpoch = epoch;
      long streamResponsesAtProbe = streamResponses;
      AgentStatusServiceGrpc.newStub(channel())
          .withMaxInboundMessageSize(settings.maxInboundMessageBytes())
          .withDeadlineAfter(settings.probeDeadline().toNanos(), TimeUnit.NANOSECONDS)
          .getAgentStatus(
              statusRequest,
              new StreamObserver<>() {
                @Override
                public void onNext(AgentStatusResponse response) {
                  post(() -> onProbeAnswer(myEpoch, streamResponsesAtProbe, response));
                }

                @Override
                public void onError(Throwable error) {
                  Status status = Status.fromThrowable(error);
                  post(() -> onProbeFailure(myEpoch, streamResponsesAtProbe, status));
                }

                @Override
                public void onCompleted() {}
              });
    } catch (RuntimeException e) {
      // An exception would cancel the periodic task for good.
      LOG.error("Liveness probe could not be started", e);
      probeInFlight = false;
    }
  }

  /**
   * A probe answered: the connection is alive, and the answer reconciles the registry with the
   * server's list, unless the stream delivered anything while the probe was out. The server built
   * the answer at some moment during the call; an update it streamed after that moment and that was
   * taken in before the answer would be reverted by it (an agent that turned idle shown busy again,
   * until its next change, which with deltas may be long). A stream that delivers is live and newer
   * than the answer, so there is nothing to reconcile.
   */
  private void onProbeAnswer(
      long myEpoch, long streamResponsesAtProbe, AgentStatusResponse response) {
    if (closed.get() || myEpoch != epoch) {
      return;
    }
    probeInFlight = false;
    probeFailures = 0;
    if (streamResponses != streamResponsesAtProbe) {
      LOG.debug(
          "Liveness probe answered ({} agents), not applied: the stream delivered {} updates"
              + " meanwhile",
          response.getAgentsCount(),
          streamResponses - streamResponsesAtProbe);
      health =
          new GrpcHealth(
              health.registered(),
              health.streamConnected(),
              clock.instant(),
              health.reconnectCount(),
              health.lastError());
      return;
    }
    AgentStatusUpdate update = mapper.toUpdate(response);
    StreamAttempt current = stream;
    boolean snapshotSeen = current != null && current.sawSnapshot;
    LOG.debug(
        "Liveness probe answered: {} agents ({})",
        update.agents().size(),
        update.fullSnapshot() ? "full" : "delta");
    // Reconcile, but never let a delta be the first thing the listener sees of a stream.
    if (update.fullSnapshot()) {
      health =
          new GrpcHealth(
              health.registered(),
              health.streamConnected(),
              clock.instant(),
              health.reconnectCount(),
              health.lastError());
      deliver(update);
    } else if (snapshotSeen) {
      deliver(update);
    }
  }

  /**
   * A probe failed. It counts towards declaring the connection dead only if the stream delivered
   * nothing while it was out: the probe exists to find a stream that went silent, and a large
   * fleet's answer (tens of megabytes at 100,000 agents) can miss its deadline behind a busy stream
   * on a connection that is plainly alive.
   */
  private void onProbeFailure(long myEpoch, long streamResponsesAtProbe, Status status) {
    if (closed.get() || myEpoch != epoch) {
      return;
    }
    probeInFlight = false;
    if (!UNREACHABLE.contains(status.getCode())) {
      // The server answered, so the connection is alive; it just does not like the probe.
      probeFailures = 0;
      LOG.debug("Liveness probe answered with {}; the connection is alive", describe(status));
      return;
    }
    if (streamResponses != streamResponsesAtProbe) {
      probeFailures = 0;
      LOG.debug(
          "Liveness probe failed ({}) while the stream delivered {} updates; the connection is"
              + " alive",
          describe(status),
          streamResponses - streamResponsesAtProbe);
      return;
    }
    probeFailures++;
    LOG.warn(
        "Liveness probe failed ({} of {}): {}",
        probeFailures,
        GrpcSettings.PROBE_FAILURES_TO_RECONNECT,
        describe(status));
    if (probeFailures >= GrpcSettings.PROBE_FAILURES_TO_RECONNECT) {
      interrupt(
          "liveness probe failed "
              + probeFailures
              + " times in a row ("
              + describe(status)
              + "); reconnecting on a fresh channel",
          true);
    }
  }

  // ---------------------------------------------------------------- close

  /**
   * Cancels the stream (not reported as an interruption), stops the scheduler and shuts the channel
   * down, waiting briefly for each. Idempotent; may be called from any thread, the listener's
   * included.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    boolean onScheduler = Thread.currentThread() == schedulerThread;
    if (onScheduler) {
      stopConfined();
    } else {
      runOnSchedulerAndWait(this::stopConfined);
    }
    scheduler.shutdownNow();
    if (!onScheduler) {
      awaitQuietly(scheduler, CLOSE_WAIT);
    }
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
    health =
        new GrpcHealth(
            false, false, health.lastSnapshotAt(), health.reconnectCount(), health.lastError());
    LOG.info("gRPC status source of broker {} closed", identity.id());
  }

  private void stopConfined() {
    cancelStream("broker shutting down");
    cancel(reconnect);
    cancel(reregistration);
    cancel(probes);
  }

  private void runOnSchedulerAndWait(Runnable task) {
    try {
      Future<?> done = scheduler.submit(task);
      done.get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException | ExecutionException | TimeoutException e) {
      LOG.warn("Could not stop the status stream cleanly: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void awaitQuietly(ScheduledExecutorService executor, Duration timeout) {
    try {
      if (!executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("The gRPC status scheduler did not stop within {}", timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---------------------------------------------------------------- helpers

  private void deliver(AgentStatusUpdate update) {
    AgentStatusListener current = listener;
    if (closed.get() || current == null) {
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

  private void updateHealth(boolean registered, boolean streamConnected, @Nullable String error) {
    health =
        new GrpcHealth(
            registered, streamConnected, health.lastSnapshotAt(), health.reconnectCount(), error);
  }

  /** Runs {@code task} on the scheduler thread, unless the adapter is shutting down. */
  private void post(Runnable task) {
    try {
      scheduler.execute(
          () -> {
            try {
              task.run();
            } catch (RuntimeException e) {
              LOG.error("Unexpected failure in the gRPC status source", e);
            }
          });
    } catch (RejectedExecutionException e) {
      if (!closed.get()) {
        LOG.error("The gRPC status scheduler rejected a task while running", e);
      }
    }
  }

  private @Nullable ScheduledFuture<?> schedule(Runnable task, Duration delay) {
    try {
      return scheduler.schedule(
          () -> {
            try {
              task.run();
            } catch (RuntimeException e) {
              LOG.error("Unexpected failure in the gRPC status source", e);
            }
          },
          delay.toNanos(),
          TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return null;
    }
  }

  private static void cancel(@Nullable Future<?> future) {
    if (future != null) {
      future.cancel(false);
    }
  }

  /**
   * "CODE: description (root cause)" on one line, the way problems are reported: grpc-java puts
   * diagnostics on further lines of the description, and the useful part of a local failure (a
   * refused connection, a TLS handshake) is in the cause.
   */
  static String describe(Status status) {
    StringBuilder text = new StringBuilder(status.getCode().name());
    String description = status.getDescription();
    if (description != null && !description.isBlank()) {
      text.append(": ").append(firstLine(description));
    }
    Throwable root = status.getCause();
    if (root != null) {
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      text.append(" (").append(firstLine(root.toString())).append(')');
    }
    text.append(TlsFailureHint.of(status.getCause()));
    return text.toString();
  }

  private static String firstLine(String text) {
    int end = text.indexOf('\n');
    return (end < 0 ? text : text.substring(0, end)).strip();
  }

  /** One call of {@code SubscribeToAgentStatus}; callbacks are re-posted to the scheduler. */
  private final class StreamAttempt
      implements ClientResponseObserver<AgentStatusRequest, AgentStatusResponse> {

    private final long epochAtStart;
    private @Nullable ClientCallStreamObserver<AgentStatusRequest> call;
    private boolean sawSnapshot;

    StreamAttempt(long epochAtStart) {
      this.epochAtStart = epochAtStart;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<AgentStatusRequest> requestStream) {
      call = requestStream;
      // One message at a time: the next is requested once this one is applied, so a burst of
      // updates waits in gRPC's flow control rather than in an unbounded queue of ours.
      requestStream.disableAutoRequestWithInitial(1);
    }

    @Override
    public void onNext(AgentStatusResponse response) {
      post(() -> onStreamResponse(this, response));
    }

    @Override
    public void onError(Throwable error) {
      Status status = Status.fromThrowable(error);
      post(() -> onStreamEnd(this, describe(status)));
    }

    @Override
    public void onCompleted() {
      post(() -> onStreamEnd(this, "stream completed by server"));
    }

    void requestNext() {
      ClientCallStreamObserver<AgentStatusRequest> current = call;
      if (current != null) {
        current.request(1);
      }
    }

    void cancel(String why) {
      ClientCallStreamObserver<AgentStatusRequest> current = call;
      if (current != null) {
        current.cancel(why, null);
      }
    }

    @Override
    public String toString() {
      return "StreamAttempt{epoch=" + epochAtStart + ", sawSnapshot=" + sawSnapshot + "}";
    }
  }
}
