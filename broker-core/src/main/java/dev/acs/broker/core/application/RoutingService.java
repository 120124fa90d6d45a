package dev.acs.broker.core.application;

import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.agent.AgentChange;
import dev.acs.broker.core.agent.AgentId;
import dev.acs.broker.core.agent.AgentRegistry;
import dev.acs.broker.core.agent.AgentStatusUpdate;
import dev.acs.broker.core.agent.AgentView;
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
import dev.acs.broker.core.port.Subscription;
import dev.acs.broker.core.routing.AgentSuspicion;
import dev.acs.broker.core.routing.MessageRouter;
import dev.acs.broker.core.routing.OutstandingWork;
import dev.acs.broker.core.routing.RoutingDecision;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
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
 * <p>When the router parks (no agent can take a message yet), the message stays unsettled, so it is
 * safe if the broker dies, and is decided again on every registry change, never by polling. After
 * the park timeout it gets a final decision (a delivery or the reference error). Parked messages of
 * one conversation leave in arrival order, and a new message of a conversation with parked messages
 * queues behind them. Their number is bounded by the input's prefetch.
 */
public final class RoutingService implements InboundHandler {

  private static final Logger LOG = System.getLogger(RoutingService.class.getName());

  private static final RoutingDecision HELD =
      new RoutingDecision.Park(
          "holding: the agent status stream is down, so the view may name agents a restarted"
              + " central server does not know; waiting for a full snapshot");

  private final AgentRegistry registry;
  private final MessageRouter router;
  private final OutboundPublisher publisher;
  private final RoutingObserver observer;
  private final LongSupplier nanoClock;
  private final Clock clock;
  private final OutstandingWork work;
  private final Duration parkTimeout;
  private final @Nullable DelayScheduler scheduler;
  private final OutcomeRenderer renderer;
  private final InFlightMessages inFlight = new InFlightMessages();
  private final ThrottledWarnings settleWarnings;
  private final UnpublishableMessages unpublishable;
  private final Object parkingLock = new Object();
  private final LinkedList<Parked> parked = new LinkedList<>();
  // SPEC §7 interop (issue 17): each is its own class; null when switched off.
  private final @Nullable StatusHold hold;
  private final @Nullable AgentSuspicion suspicion;
  private final AnswerChains chains;
  private final Executor releases;

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

  private RoutingService(Builder builder) {
    this.registry = builder.registry;
    this.router = builder.router;
    this.publisher = builder.publisher;
    this.observer = builder.observer;
    this.nanoClock = builder.nanoClock;
    this.clock = builder.clock;
    this.work =
        builder.work != null ? builder.work : new OutstandingWork(clock, Duration.ofMinutes(5));
    this.parkTimeout = builder.parkTimeout;
    this.scheduler = builder.scheduler;
    if (router.parks() && scheduler == null) {
      throw new IllegalArgumentException("a parking router needs a scheduler for park timeouts");
    }
    this.hold = builder.hold;
    this.suspicion = builder.suspicion;
    this.chains =
        new AnswerChains(
            builder.maxHops,
            builder.answersToClient,
            clock,
            AnswerChainsLimits.CAPACITY,
            AnswerChainsLimits.TTL);
    if (hold != null && scheduler == null) {
      throw new IllegalArgumentException("a status hold needs a scheduler to park messages");
    }
    this.renderer =
        new OutcomeRenderer(
            builder.identity,
            router.policy().name(),
            builder.decisionHeaders,
            builder.errorReceiver);
    this.settleWarnings = new ThrottledWarnings(LOG, nanoClock);
    this.unpublishable =
        new UnpublishableMessages(renderer, publisher, observer, inFlight, nanoClock);
    this.releases = builder.releases;
    registry.onUpdate(this::agentsChanged);
    if (hold != null) {
      // Lifted by a snapshot (after the registry applied it) or, in last-view mode, by the end of
      // the grace: either way every held message is decided again now, whether or not the update
      // improved any agent, since the messages waited for the hold rather than for an agent.
      hold.onLifted(this::redecideParked);
    }
  }

  /** Starts a service with the required parts; the rest have production defaults. */
  public static Builder builder(
      BrokerIdentity identity,
      AgentRegistry registry,
      MessageRouter router,
      OutboundPublisher publisher) {
    return new Builder(identity, registry, router, publisher);
  }

  @Override
  public void handle(InboundMessage message) {
    long receivedAt = nanoClock.getAsLong();
    MessageEnvelope envelope = message.envelope();
    RoutingDecision decision;
    @Nullable OutboundMessage outbound;
    try {
      noteAnswer(envelope);
      decision = decide(envelope);
      if (router.parks() || decision instanceof RoutingDecision.Park) {
        RoutingDecision proceed = parkOrProceed(message, decision, receivedAt);
        if (proceed == null) {
          return;
        }
        decision = proceed;
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
    synchronized (parkingLock) {
      return parked.size();
    }
  }

  /** How long the oldest parked message has waited; empty when none is parked. */
  public Optional<Duration> oldestParkedAge() {
    synchronized (parkingLock) {
      return parked.isEmpty()
          ? Optional.empty()
          : Optional.of(Duration.between(parked.getFirst().parkedAt, clock.instant()));
    }
  }

  /** The load this service tracks per agent. */
  public OutstandingWork outstandingWork() {
    return work;
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
    List<Parked> released;
    synchronized (parkingLock) {
      released = new ArrayList<>(parked);
      parked.clear();
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

  private RoutingDecision decide(MessageEnvelope envelope) {
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
   */
  private RoutingDecision route(MessageEnvelope envelope, AgentView view, boolean last) {
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

  private void noteAnswer(MessageEnvelope envelope) {
    Optional<AgentId> sender = envelope.senderAgent();
    if (sender.isPresent() && registry.view().get(sender.get()) != null) {
      work.answeredBy(sender.get());
      if (suspicion != null) {
        suspicion.heardFrom(sender.get());
      }
    }
  }

  /**
   * Parks the message when the router says so or its conversation already waits; returns {@code
   * null} when parked, else the decision to carry out.
   */
  private @Nullable RoutingDecision parkOrProceed(
      InboundMessage message, RoutingDecision decision, long receivedAt) {
    if (!(decision instanceof RoutingDecision.Park)
        && !(decision instanceof RoutingDecision.Deliver)) {
      return decision;
    }
    RoutingDecision queuedBehind;
    synchronized (parkingLock) {
      RoutingDecision current = decision;
      if (current instanceof RoutingDecision.Park) {
        // The agents may have changed between the decision and taking this lock, and that change
        // found nothing parked to release. Changes applied from now on wait for the lock and see
        // this message; one applied before is visible in the registry now. Decide again.
        current = route(message.envelope(), registry.view(), false);
      }
      String key = message.envelope().affinityKey().orElse(null);
      boolean mustWait = current instanceof RoutingDecision.Park;
      if (!mustWait && (key == null || !hasParked(key))) {
        return current;
      }
      Parked waiting = new Parked(message, key, receivedAt, clock.instant());
      parked.addLast(waiting);
      inFlight.begin();
      DelayScheduler timer = Objects.requireNonNull(scheduler);
      waiting.timeout = timer.schedule(parkTimeout, () -> parkTimedOut(waiting));
      queuedBehind =
          mustWait
              ? current
              : new RoutingDecision.Park(
                  "queued behind earlier parked messages of its conversation");
    }
    observer.decided(message.envelope(), queuedBehind, nanoClock.getAsLong() - receivedAt);
    if (LOG.isLoggable(Level.DEBUG)) {
      LOG.log(Level.DEBUG, explain(message.envelope(), queuedBehind));
    }
    return null;
  }

  private boolean hasParked(String key) {
    for (Parked waiting : parked) {
      if (key.equals(waiting.key)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Re-decides parked messages after an update, on the thread that applied it. Only an update that
   * lets some agent take more than before (it became routable, or moved to a better tier) can route
   * a message that had to wait, so any other update costs nothing here. What is released is
   * published by the release executor, never on this thread and never under the parking lock, so a
   * stalled RabbitMQ cannot stall the agent view.
   */
  private void agentsChanged(AgentViewChange change) {
    for (AgentChange agent : change.changes()) {
      if (agent.after() == null) {
        work.forget(agent.id());
      }
    }
    if (!router.parks() && hold == null) {
      return;
    }
    if (!change.someAgentImproved()) {
      return;
    }
    redecideParked();
  }

  /**
   * Decides every parked message again against the newest view and hands what is released to the
   * release executor; a conversation blocked on its agent keeps its later messages parked.
   */
  private void redecideParked() {
    if (!router.parks() && hold == null) {
      return;
    }
    List<Released> released = new ArrayList<>();
    synchronized (parkingLock) {
      if (parked.isEmpty()) {
        return;
      }
      // Decide against the newest view: a later update may have been applied in the meantime.
      AgentView view = registry.view();
      Set<String> blocked = new HashSet<>();
      Iterator<Parked> waiting = parked.iterator();
      while (waiting.hasNext()) {
        Parked next = waiting.next();
        if (next.key != null && blocked.contains(next.key)) {
          continue;
        }
        RoutingDecision decision = route(next.message.envelope(), view, false);
        if (decision instanceof RoutingDecision.Park) {
          if (next.key != null) {
            blocked.add(next.key);
          }
          continue;
        }
        waiting.remove();
        next.timeout.cancel();
        released.add(new Released(next, decision));
      }
    }
    if (!released.isEmpty()) {
      // One task for the batch keeps each conversation's messages in their order.
      releases.execute(
          () -> {
            for (Released one : released) {
              release(one.parked, one.decision);
            }
          });
    }
  }

  private void parkTimedOut(Parked waiting) {
    synchronized (parkingLock) {
      if (!parked.contains(waiting)) {
        return; // released by an agent change in the meantime
      }
      Duration wait = heldLonger(waiting);
      if (wait != null) {
        waiting.armedAt = clock.instant();
        waiting.timeout =
            Objects.requireNonNull(scheduler).schedule(wait, () -> parkTimedOut(waiting));
        return;
      }
      parked.remove(waiting);
    }
    // Through the same executor as the releases, so a conversation's messages keep their order.
    releases.execute(
        () -> release(waiting, route(waiting.message.envelope(), registry.view(), true)));
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

  /** Publishes the outcome of a parked message that has left the parking lot. */
  private void release(Parked waiting, RoutingDecision decision) {
    @Nullable OutboundMessage outbound;
    try {
      outbound = renderer.render(decision, waiting.message);
    } catch (RuntimeException bug) {
      RoutingDecision.DeadLetter deadLetter =
          new RoutingDecision.DeadLetter(DeadLetterReason.INTERNAL_ERROR, String.valueOf(bug));
      decision = deadLetter;
      outbound = renderer.deadLetter(waiting.message, deadLetter);
    }
    observer.decided(waiting.message.envelope(), decision, 0);
    publishAndSettle(waiting.message, decision, outbound, waiting.receivedAt);
    inFlight.end(); // the park's own count; publishAndSettle counted the publish
  }

  private void publishAndSettle(
      InboundMessage message,
      RoutingDecision decision,
      @Nullable OutboundMessage outbound,
      long receivedAt) {
    if (LOG.isLoggable(Level.DEBUG)) {
      LOG.log(Level.DEBUG, explain(message.envelope(), decision));
    }
    if (decision instanceof RoutingDecision.Deliver deliver) {
      work.routedTo(deliver.agent().id());
      if (suspicion != null) {
        suspicion.routedTo(deliver.agent().id());
      }
      chains.delivered(message.envelope(), deliver.agent().id());
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

  /** One log line that says what was decided and why: policy, candidates, choice, reason. */
  private String explain(MessageEnvelope envelope, RoutingDecision decision) {
    AgentView view = registry.view();
    String outcome;
    if (decision instanceof RoutingDecision.Deliver deliver) {
      outcome =
          "deliver to "
              + deliver.agent().id()
              + " ("
              + deliver.agent().state().wireName()
              + (deliver.explicitReceiver() ? ", named by the sender)" : ")");
    } else if (decision instanceof RoutingDecision.Reject reject) {
      outcome = "reject with '" + reject.errorDetails() + "'";
    } else if (decision instanceof RoutingDecision.DeadLetter deadLetter) {
      outcome = "dead-letter as " + deadLetter.code().code();
    } else {
      outcome = decision.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }
    return envelope.describe()
        + " -> "
        + outcome
        + " [policy "
        + router.policy().name()
        + ", "
        + view.availableCount()
        + " of "
        + view.size()
        + " agents available]: "
        + decision.reason();
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

  /** Collects the parts of a {@link RoutingService}. */
  public static final class Builder {
    private final BrokerIdentity identity;
    private final AgentRegistry registry;
    private final MessageRouter router;
    private final OutboundPublisher publisher;
    private RoutingObserver observer = RoutingObserver.NONE;
    private LongSupplier nanoClock = System::nanoTime;
    private Clock clock = Clock.systemUTC();
    private @Nullable OutstandingWork work;
    private Duration parkTimeout = Duration.ofSeconds(30);
    private @Nullable DelayScheduler scheduler;
    private DecisionHeaders decisionHeaders = DecisionHeaders.FULL;
    private ErrorReceiver errorReceiver = ErrorReceiver.SENDER;
    private @Nullable StatusHold hold;
    private @Nullable AgentSuspicion suspicion;
    private int maxHops;
    private boolean answersToClient;
    private Executor releases = Runnable::run;

    private Builder(
        BrokerIdentity identity,
        AgentRegistry registry,
        MessageRouter router,
        OutboundPublisher publisher) {
      this.identity = Objects.requireNonNull(identity, "identity");
      this.registry = Objects.requireNonNull(registry, "registry");
      this.router = Objects.requireNonNull(router, "router");
      this.publisher = Objects.requireNonNull(publisher, "publisher");
    }

    /** Hears every decision and settlement (default: nobody). */
    public Builder observer(RoutingObserver value) {
      this.observer = Objects.requireNonNull(value, "observer");
      return this;
    }

    /** The monotonic clock for latencies (default {@code System::nanoTime}). */
    public Builder nanoClock(LongSupplier value) {
      this.nanoClock = Objects.requireNonNull(value, "nanoClock");
      return this;
    }

    /** The wall clock for park ages (default UTC system clock). */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /** The load tracker shared with load-aware policies (default: a private one). */
    public Builder outstandingWork(OutstandingWork value) {
      this.work = Objects.requireNonNull(value, "work");
      return this;
    }

    /**
     * How long a message may stay parked before its final decision, and the scheduler that keeps
     * that time; required when the router parks.
     */
    public Builder parking(Duration timeout, DelayScheduler timer) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("park timeout must be positive, was " + timeout);
      }
      this.parkTimeout = timeout;
      this.scheduler = Objects.requireNonNull(timer, "timer");
      return this;
    }

    /**
     * Which decision headers messages to the server carry (default {@link DecisionHeaders#FULL});
     * {@link DecisionHeaders#ROUTED_BY} and {@link DecisionHeaders#NONE} save RabbitMQ work per
     * message.
     */
    public Builder decisionHeaders(DecisionHeaders value) {
      this.decisionHeaders = Objects.requireNonNull(value, "decisionHeaders");
      return this;
    }

    /**
     * Whom "no agent" errors are addressed to (default {@link ErrorReceiver#SENDER}, SPEC §4; the
     * broker's command line defaults to {@link ErrorReceiver#SERVER}, the form the real server
     * shows to people).
     */
    public Builder errorReceiver(ErrorReceiver value) {
      this.errorReceiver = Objects.requireNonNull(value, "errorReceiver");
      return this;
    }

    /**
     * Holds routing while the status stream is down (default: no hold, the last view is used); held
     * messages are parked with {@code timer}, whether or not the router parks otherwise.
     */
    public Builder statusHold(StatusHold value, DelayScheduler timer) {
      this.hold = Objects.requireNonNull(value, "hold");
      if (this.scheduler == null) {
        this.scheduler = Objects.requireNonNull(timer, "timer");
      }
      return this;
    }

    /** Demotes or skips agents it suspects dead (default: trusts the server's states alone). */
    public Builder suspicion(AgentSuspicion value) {
      this.suspicion = Objects.requireNonNull(value, "suspicion");
      return this;
    }

    /**
     * How agents' answers (found by {@code original_message_id}) are routed: an agent-to-agent
     * chain longer than {@code maxHops} is dead-lettered as {@code hop-limit} (0: no limit, the
     * default), and with {@code toClient} an answer goes back to the frontend client that asked.
     */
    public Builder answers(int maxHops, boolean toClient) {
      if (maxHops < 0) {
        throw new IllegalArgumentException("max hops must not be negative, was " + maxHops);
      }
      this.maxHops = maxHops;
      this.answersToClient = toClient;
      return this;
    }

    /**
     * Where parked messages released by an agent update are published (default: the updating
     * thread, after it has left the parking lock). Give it a thread of its own in production, so
     * that publishing, which may block on a RabbitMQ resource alarm, never holds up the agent
     * status thread; it must run tasks one at a time in order.
     */
    public Builder releases(Executor value) {
      this.releases = Objects.requireNonNull(value, "releases");
      return this;
    }

    /** The service. */
    public RoutingService build() {
      return new RoutingService(this);
    }
  }
}
