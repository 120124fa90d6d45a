package dev.acs.broker.adapter.grpc;

import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.agent.AgentStatusUpdate;
import dev.acs.broker.core.retry.Backoff;
import dev.acs.broker.proto.status.AgentStatusRequest;
import dev.acs.broker.proto.status.AgentStatusResponse;
import dev.acs.broker.proto.status.AgentStatusServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code SubscribeToAgentStatus} stream of the current round: opens it, applies its responses
 * one at a time, and reports its end as an interruption. A full snapshot proves the link healthy,
 * so it resets the reconnect backoff.
 *
 * <p>Confined to the scheduler thread: callbacks are re-posted there, and those of a stream that
 * has since been replaced are dropped.
 */
final class StatusStream {

  // The status source's logger, so that its log lines keep the one name operators filter on.
  private static final Logger LOG = LoggerFactory.getLogger(GrpcAgentStatusSource.class);

  private final GrpcSettings settings;
  private final BrokerIdentity identity;
  private final AgentStatusRequest request;
  private final Supplier<ManagedChannel> channel;
  private final StatusScheduler scheduler;
  private final Rounds rounds;
  private final LinkHealth health;
  private final GrpcListener events;
  private final Clock clock;
  private final AgentStatusMapper mapper;
  private final Backoff reconnects;
  private final Consumer<AgentStatusUpdate> deliver;
  private final Interruptions interruptions;

  private @Nullable Attempt current;
  // Confined to the scheduler thread, like current.
  private long responses;

  /**
   * @param reconnects the backoff of the source's reconnect loop, reset by a full snapshot
   * @param deliver hands an update to the source's listener
   */
  StatusStream(
      GrpcSettings settings,
      BrokerIdentity identity,
      AgentStatusRequest request,
      Supplier<ManagedChannel> channel,
      StatusScheduler scheduler,
      Rounds rounds,
      LinkHealth health,
      GrpcListener events,
      Clock clock,
      AgentStatusMapper mapper,
      Backoff reconnects,
      Consumer<AgentStatusUpdate> deliver,
      Interruptions interruptions) {
    this.settings = settings;
    this.identity = identity;
    this.request = request;
    this.channel = channel;
    this.scheduler = scheduler;
    this.rounds = rounds;
    this.health = health;
    this.events = events;
    this.clock = clock;
    this.mapper = mapper;
    this.reconnects = reconnects;
    this.deliver = deliver;
    this.interruptions = interruptions;
  }

  /** Subscribes; the stream of the previous attempt must have ended or been cancelled. */
  void open() {
    if (rounds.isClosed()) {
      return;
    }
    LOG.info("Subscribing to agent status at {} as broker {}", settings.target(), identity.id());
    Attempt attempt = new Attempt(rounds.current());
    current = attempt;
    AgentStatusServiceGrpc.newStub(channel.get())
        .withMaxInboundMessageSize(settings.maxInboundMessageBytes())
        .subscribeToAgentStatus(request, attempt);
  }

  /** Whether a stream is open (or being opened) in this round. */
  boolean isOpen() {
    return current != null;
  }

  /**
   * How many responses streams have delivered so far (all rounds): the liveness probe compares it
   * before and after a call to tell a stream that moved on from a silent one.
   */
  long responses() {
    return responses;
  }

  /**
   * When the open stream last delivered a response (by the injected clock), or {@code null} when it
   * has delivered nothing yet: the liveness probe does not ask a stream that proves itself alive.
   */
  @Nullable Instant lastDelivered() {
    Attempt attempt = current;
    return attempt == null ? null : attempt.lastDeliveredAt;
  }

  /** Whether the open stream has delivered its first full snapshot. */
  boolean sawSnapshot() {
    Attempt attempt = current;
    return attempt != null && attempt.sawSnapshot;
  }

  /** Cancels the open stream, if any; its end is not reported as an interruption. */
  void cancel(String why) {
    Attempt attempt = current;
    current = null;
    if (attempt != null) {
      attempt.cancel(why);
    }
  }

  private void onResponse(Attempt attempt, AgentStatusResponse response) {
    if (rounds.isClosed() || attempt != current) {
      return;
    }
    responses++;
    attempt.lastDeliveredAt = clock.instant();
    AgentStatusUpdate update = mapper.toUpdate(response);
    if (update.fullSnapshot()) {
      attempt.sawSnapshot = true;
      reconnects.reset();
      health.streamDelivered(clock.instant());
      LOG.debug("Agent status snapshot received: {} agents", update.agents().size());
      events.onSnapshot(update.agents().size());
    } else {
      if (!attempt.sawSnapshot) {
        LOG.warn("The status stream began with a delta, not a full snapshot; applying it anyway");
      }
      health.streamDelivered(null);
      LOG.debug("Agent status delta received: {} agents", update.agents().size());
    }
    deliver.accept(update);
    attempt.requestNext();
  }

  private void onEnd(Attempt attempt, String reason) {
    if (rounds.isClosed() || attempt != current) {
      return;
    }
    current = null;
    interruptions.interrupt(reason, false);
  }

  /** One call of {@code SubscribeToAgentStatus}; callbacks are re-posted to the scheduler. */
  private final class Attempt
      implements ClientResponseObserver<AgentStatusRequest, AgentStatusResponse> {

    private final long round;
    private @Nullable ClientCallStreamObserver<AgentStatusRequest> call;
    private boolean sawSnapshot;
    private @Nullable Instant lastDeliveredAt;

    Attempt(long round) {
      this.round = round;
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
      scheduler.post(() -> onResponse(this, response));
    }

    @Override
    public void onError(Throwable error) {
      Status status = Status.fromThrowable(error);
      scheduler.post(() -> onEnd(this, GrpcStatusText.describe(status)));
    }

    @Override
    public void onCompleted() {
      scheduler.post(() -> onEnd(this, "stream completed by server"));
    }

    void requestNext() {
      ClientCallStreamObserver<AgentStatusRequest> started = call;
      if (started != null) {
        started.request(1);
      }
    }

    void cancel(String why) {
      ClientCallStreamObserver<AgentStatusRequest> started = call;
      if (started != null) {
        started.cancel(why, null);
      }
    }

    @Override
    public String toString() {
      return "StatusStream.Attempt{round=" + round + ", sawSnapshot=" + sawSnapshot + "}";
    }
  }
}
