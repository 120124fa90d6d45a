package dev.acs.broker.adapter.grpc;

import dev.acs.broker.core.agent.AgentStatusUpdate;
import dev.acs.broker.proto.status.AgentStatusRequest;
import dev.acs.broker.proto.status.AgentStatusResponse;
import dev.acs.broker.proto.status.AgentStatusServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The liveness probe: while a stream is open and silent, calls {@code GetAgentStatus} once the
 * stream has delivered nothing for {@link GrpcSettings#livenessInterval()}. The channel sends no
 * keepalive pings (SPEC §2: the server forbids frequent ones), so this is how a silently dead
 * connection is found: after {@link GrpcSettings#PROBE_FAILURES_TO_RECONNECT} unanswered probes in
 * a row the round is interrupted on a fresh channel. An answer is also a snapshot to reconcile
 * with, which is delivered like one from the stream.
 *
 * <p>Only while the stream is silent (issue 13). A stream that delivered within the last interval
 * proves itself alive, so the probe is skipped and looked at again one interval after that
 * delivery: the answer is the whole fleet (about 27 MB at 100,000 agents), and a busy fleet would
 * otherwise download it every interval for nothing. Since the check follows the last delivery, a
 * connection that dies is still found within {@link GrpcSettings#livenessBound()} of its last
 * delivery. A stream that delivers while a probe is out is alive too, and newer than the answer:
 * the server built the answer at some moment during the call; applying it after a stream update
 * sent later would revert that update (an agent that turned idle shown busy again until its next
 * change, which with deltas may be long). So such an answer is not applied, and such a failure
 * (behind a busy stream a large answer can miss its deadline) does not count.
 *
 * <p>Confined to the scheduler thread, except {@link #counts} and {@link #stop}; at most one probe
 * is in flight.
 */
final class LivenessProbe {

  // The status source's logger, so that its log lines keep the one name operators filter on.
  private static final Logger LOG = LoggerFactory.getLogger(GrpcAgentStatusSource.class);

  /** Probe failures that suggest a dead connection rather than a live server saying no. */
  private static final Set<Status.Code> UNREACHABLE =
      EnumSet.of(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED);

  private final GrpcSettings settings;
  private final AgentStatusRequest request;
  private final Supplier<ManagedChannel> channel;
  private final StatusScheduler scheduler;
  private final Rounds rounds;
  private final LinkHealth health;
  private final Clock clock;
  private final AgentStatusMapper mapper;
  private final StatusStream stream;
  private final Consumer<AgentStatusUpdate> deliver;
  private final Interruptions interruptions;

  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private boolean inFlight;
  private int failures;
  private volatile boolean stopped;
  private volatile @Nullable ScheduledFuture<?> timer;

  /**
   * @param stream the stream the probe watches over: probes run only while it is open
   * @param deliver hands an update to the source's listener
   */
  LivenessProbe(
      GrpcSettings settings,
      AgentStatusRequest request,
      Supplier<ManagedChannel> channel,
      StatusScheduler scheduler,
      Rounds rounds,
      LinkHealth health,
      Clock clock,
      AgentStatusMapper mapper,
      StatusStream stream,
      Consumer<AgentStatusUpdate> deliver,
      Interruptions interruptions) {
    this.settings = settings;
    this.request = request;
    this.channel = channel;
    this.scheduler = scheduler;
    this.rounds = rounds;
    this.health = health;
    this.clock = clock;
    this.mapper = mapper;
    this.stream = stream;
    this.deliver = deliver;
    this.interruptions = interruptions;
  }

  /** Starts probing, for as long as the adapter runs. */
  void start() {
    checkAfter(settings.livenessInterval());
  }

  /** A new round begins: a probe of the old one no longer counts, nor do its failures. */
  void renew() {
    inFlight = false;
    failures = 0;
  }

  /** Stops probing at shutdown. */
  void stop() {
    stopped = true;
    StatusScheduler.cancel(timer);
  }

  /** How many probes were sent and how many skipped because the stream had just delivered. */
  ProbeCounts counts() {
    return new ProbeCounts(sent.get(), skipped.get());
  }

  private void checkAfter(Duration delay) {
    if (!stopped) {
      timer = scheduler.schedule(this::check, delay);
    }
  }

  /** Probes, or skips while the stream proves itself alive; then plans the next check. */
  private void check() {
    Duration interval = settings.livenessInterval();
    Duration next = interval;
    try {
      if (rounds.isClosed() || !stream.isOpen() || inFlight) {
        return;
      }
      Instant delivered = stream.lastDelivered();
      if (delivered != null) {
        Duration quiet = Duration.between(delivered, clock.instant());
        if (quiet.compareTo(interval) < 0) {
          skipped.incrementAndGet();
          // Looked at again when the stream will have been quiet for one interval; a clock that
          // stepped back counts as a delivery just now.
          next = quiet.isNegative() ? interval : interval.minus(quiet);
          return;
        }
      }
      send();
    } catch (RuntimeException e) {
      // An exception must not end the probing for good.
      LOG.error("Liveness probe could not be started", e);
      inFlight = false;
    } finally {
      checkAfter(next);
    }
  }

  private void send() {
    inFlight = true;
    sent.incrementAndGet();
    long round = rounds.current();
    long streamedBefore = stream.responses();
    AgentStatusServiceGrpc.newStub(channel.get())
        .withMaxInboundMessageSize(settings.maxInboundMessageBytes())
        .withDeadlineAfter(settings.probeDeadline().toNanos(), TimeUnit.NANOSECONDS)
        .getAgentStatus(
            request,
            scheduler.<AgentStatusResponse>answerOn(
                response -> onAnswer(round, streamedBefore, response),
                status -> onFailure(round, streamedBefore, status)));
  }

  private void onAnswer(long round, long streamedBefore, AgentStatusResponse response) {
    if (!rounds.isCurrent(round)) {
      return;
    }
    inFlight = false;
    failures = 0;
    long streamed = stream.responses() - streamedBefore;
    if (streamed > 0) {
      LOG.debug(
          "Liveness probe answered ({} agents), not applied: the stream delivered {} updates"
              + " meanwhile",
          response.getAgentsCount(),
          streamed);
      health.probeSnapshot(clock.instant());
      return;
    }
    AgentStatusUpdate update = mapper.toUpdate(response);
    LOG.debug(
        "Liveness probe answered: {} agents ({})",
        update.agents().size(),
        update.fullSnapshot() ? "full" : "delta");
    // Reconcile, but never let a delta be the first thing the listener sees of a stream.
    if (update.fullSnapshot()) {
      health.probeSnapshot(clock.instant());
      deliver.accept(update);
    } else if (stream.sawSnapshot()) {
      deliver.accept(update);
    }
  }

  private void onFailure(long round, long streamedBefore, Status status) {
    if (!rounds.isCurrent(round)) {
      return;
    }
    inFlight = false;
    if (!UNREACHABLE.contains(status.getCode())) {
      // The server answered, so the connection is alive; it just does not like the probe.
      failures = 0;
      LOG.debug(
          "Liveness probe answered with {}; the connection is alive",
          GrpcStatusText.describe(status));
      return;
    }
    long streamed = stream.responses() - streamedBefore;
    if (streamed > 0) {
      failures = 0;
      LOG.debug(
          "Liveness probe failed ({}) while the stream delivered {} updates; the connection is"
              + " alive",
          GrpcStatusText.describe(status),
          streamed);
      return;
    }
    failures++;
    LOG.warn(
        "Liveness probe failed ({} of {}): {}",
        failures,
        GrpcSettings.PROBE_FAILURES_TO_RECONNECT,
        GrpcStatusText.describe(status));
    if (failures >= GrpcSettings.PROBE_FAILURES_TO_RECONNECT) {
      interruptions.interrupt(
          "liveness probe failed "
              + failures
              + " times in a row ("
              + GrpcStatusText.describe(status)
              + "); reconnecting on a fresh channel",
          true);
    }
  }
}
