package dev.acs.broker.app.metrics;

import dev.acs.broker.adapter.amqp.AmqpListener;
import dev.acs.broker.adapter.grpc.GrpcListener;
import dev.acs.broker.core.message.DeadLetterReason;
import dev.acs.broker.core.message.MessageEnvelope;
import dev.acs.broker.core.port.RoutingObserver;
import dev.acs.broker.core.routing.MessageRouter;
import dev.acs.broker.core.routing.RoutingDecision;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The broker's event counters and latency histograms: a {@link RoutingObserver} for the core, an
 * {@link AmqpListener} and a {@link GrpcListener} for the adapters. Every label has a small fixed
 * set of values (never an agent or message id), and every labelled series is registered up front,
 * so a scrape shows zeros rather than missing series.
 *
 * <p>Thread-safe; callbacks only increment counters and record timings.
 */
public final class BrokerMetrics implements RoutingObserver {

  /** Outcome label values of {@code broker_messages_routed_total}, one per decision kind. */
  public static final List<String> OUTCOMES =
      List.of(
          "delivered",
          "forwarded",
          "rejected",
          "parked",
          "absorbed",
          "dead_lettered",
          "returned_to_client");

  /** Reason label values of {@code broker_messages_rejected_total}. */
  public static final List<String> REJECTION_REASONS =
      List.of("no_other_agents", "only_you_online");

  /** Role label values of the RabbitMQ metrics. */
  public static final List<String> ROLES = List.of("consumer", "publisher");

  private final Counter consumed;
  private final Map<String, Counter> routed = new LinkedHashMap<>();
  private final Counter forwarded;
  private final Map<String, Counter> rejected = new LinkedHashMap<>();
  private final Map<DeadLetterReason, Counter> deadLettered = new EnumMap<>(DeadLetterReason.class);
  private final Counter requeued;
  private final Timer decisionTime;
  private final Timer relayTime;
  private final Counter streamReconnects;
  private final Counter snapshots;
  private final Counter registrationsAccepted;
  private final Counter registrationsRejected;
  private final Map<String, Counter> recoveries = new LinkedHashMap<>();
  private final Map<String, Counter> connectionLosses = new LinkedHashMap<>();
  private final Timer confirmTime;
  private final Counter publishFailures;

  /**
   * Parked messages whose final decision is still to come: their second {@code decided} call must
   * not count them as consumed again. Bounded by the input's prefetch.
   */
  private final Set<MessageEnvelope> parked =
      Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

  /**
   * Registers the meters in {@code registry}.
   *
   * @param policy the configured routing policy, the {@code policy} label of routed messages
   */
  public BrokerMetrics(MeterRegistry registry, String policy) {
    consumed =
        Counter.builder("broker.messages.consumed")
            .description(
                "Messages taken from the input queue: routed by the core or set aside by the"
                    + " adapter as unreadable")
            .register(registry);
    for (String outcome : OUTCOMES) {
      routed.put(
          outcome,
          Counter.builder("broker.messages.routed")
              .description("Routing decisions by policy and outcome")
              .tag("policy", policy)
              .tag("outcome", outcome)
              .register(registry));
    }
    forwarded =
        Counter.builder("broker.messages.forwarded")
            .description("ERROR messages forwarded to the server, confirmed")
            .register(registry);
    for (String reason : REJECTION_REASONS) {
      rejected.put(
          reason,
          Counter.builder("broker.messages.rejected")
              .description("No-agent error answers sent to the sender, confirmed, by reason")
              .tag("reason", reason)
              .register(registry));
    }
    for (DeadLetterReason reason : DeadLetterReason.values()) {
      deadLettered.put(
          reason,
          Counter.builder("broker.messages.dead.lettered")
              .description("Messages put in the dead-letter queue, confirmed, by reason")
              .tag("reason", reason.code())
              .register(registry));
    }
    requeued =
        Counter.builder("broker.messages.requeued")
            .description("Messages returned to the input queue because publishing failed")
            .register(registry);
    decisionTime =
        Timer.builder("broker.decision.duration")
            .description("Time to decide where a message goes")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(1_000))
            .maximumExpectedValue(Duration.ofSeconds(1))
            .register(registry);
    relayTime =
        Timer.builder("broker.relay.duration")
            .description(
                "Time from consuming a message to its outcome being confirmed and the input"
                    + " acknowledged (includes time parked)")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(100_000))
            .maximumExpectedValue(Duration.ofMinutes(2))
            .register(registry);
    streamReconnects =
        Counter.builder("broker.status.stream.reconnects")
            .description("Times the agent status stream was scheduled to be re-established")
            .register(registry);
    snapshots =
        Counter.builder("broker.status.snapshots")
            .description("Full agent snapshots received on the status stream")
            .register(registry);
    registrationsAccepted =
        Counter.builder("broker.registrations")
            .description("RegisterBroker answers by result")
            .tag("result", "accepted")
            .register(registry);
    registrationsRejected =
        Counter.builder("broker.registrations")
            .description("RegisterBroker answers by result")
            .tag("result", "rejected")
            .register(registry);
    for (String role : ROLES) {
      recoveries.put(
          role,
          Counter.builder("broker.amqp.recoveries")
              .description("RabbitMQ connections or channels restored after a loss, by role")
              .tag("role", role)
              .register(registry));
      connectionLosses.put(
          role,
          Counter.builder("broker.amqp.connection.losses")
              .description("RabbitMQ connections or channels lost, by role")
              .tag("role", role)
              .register(registry));
    }
    confirmTime =
        Timer.builder("broker.publish.confirm.duration")
            .description("Time from publishing to RabbitMQ's publisher confirm")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(50_000))
            .maximumExpectedValue(Duration.ofSeconds(30))
            .register(registry);
    publishFailures =
        Counter.builder("broker.publish.failures")
            .description("Publishes refused (nack), returned as unroutable or lost with a channel")
            .register(registry);
  }

  @Override
  public void decided(MessageEnvelope message, RoutingDecision decision, long decisionNanos) {
    boolean park = decision instanceof RoutingDecision.Park;
    // A parked message is decided twice: once when parked, once when released.
    boolean releasedFromPark = !park && parked.remove(message);
    if (park) {
      parked.add(message);
    }
    if (!releasedFromPark) {
      consumed.increment();
      decisionTime.record(decisionNanos, TimeUnit.NANOSECONDS);
    }
    registered(routed, outcome(decision)).increment();
  }

  @Override
  public void settled(MessageEnvelope message, RoutingDecision decision, long relayNanos) {
    relayTime.record(relayNanos, TimeUnit.NANOSECONDS);
    if (decision instanceof RoutingDecision.ForwardError) {
      forwarded.increment();
    } else if (decision instanceof RoutingDecision.Reject reject) {
      registered(
              rejected,
              MessageRouter.NO_OTHER_AGENTS.equals(reject.errorDetails())
                  ? "no_other_agents"
                  : "only_you_online")
          .increment();
    } else if (decision instanceof RoutingDecision.DeadLetter deadLetter) {
      registered(deadLettered, deadLetter.code()).increment();
    }
  }

  @Override
  public void publishFailed(MessageEnvelope message, Throwable cause) {
    requeued.increment();
  }

  /** The label value of a decision. */
  static String outcome(RoutingDecision decision) {
    if (decision instanceof RoutingDecision.Deliver) {
      return "delivered";
    } else if (decision instanceof RoutingDecision.ForwardError) {
      return "forwarded";
    } else if (decision instanceof RoutingDecision.Reject) {
      return "rejected";
    } else if (decision instanceof RoutingDecision.Park) {
      return "parked";
    } else if (decision instanceof RoutingDecision.Absorb) {
      return "absorbed";
    } else if (decision instanceof RoutingDecision.ReturnToClient) {
      return "returned_to_client";
    } else {
      return "dead_lettered";
    }
  }

  /** What the RabbitMQ adapter reports: recoveries, confirm latency, unreadable input. */
  public AmqpListener amqpListener() {
    return new AmqpListener() {
      @Override
      public void connectionLost(String role, String reason) {
        counter(connectionLosses, role).increment();
      }

      @Override
      public void recovered(String role) {
        counter(recoveries, role).increment();
      }

      @Override
      public void confirmed(long latencyNanos) {
        confirmTime.record(latencyNanos, TimeUnit.NANOSECONDS);
      }

      @Override
      public void publishFailed(String reason) {
        publishFailures.increment();
      }

      @Override
      public void deadLettered(DeadLetterReason reason) {
        // Unreadable input never reaches the core: it is consumed and dead-lettered here.
        consumed.increment();
        registered(deadLettered, reason).increment();
      }
    };
  }

  /** What the gRPC adapter reports: registrations, snapshots, stream reconnects. */
  public GrpcListener grpcListener() {
    return new GrpcListener() {
      @Override
      public void onRegistered(String serverMessage) {
        registrationsAccepted.increment();
      }

      @Override
      public void onRegistrationRejected(String reason) {
        registrationsRejected.increment();
      }

      @Override
      public void onReconnectScheduled(Duration delay, String reason) {
        streamReconnects.increment();
      }

      @Override
      public void onSnapshot(int agentCount) {
        snapshots.increment();
      }
    };
  }

  private static Counter counter(Map<String, Counter> byRole, String role) {
    Counter counter = byRole.get(role);
    // The adapter's roles are fixed; an unknown one is counted with the publisher's rather than
    // adding a series.
    return counter != null ? counter : registered(byRole, "publisher");
  }

  /**
   * The counter registered for {@code key} in the constructor. Every key the broker passes has one,
   * so a missing counter is a bug in this class, not a value to skip.
   */
  private static <K> Counter registered(Map<K, Counter> counters, K key) {
    Counter counter = counters.get(key);
    if (counter == null) {
      throw new IllegalStateException("no counter registered for " + key);
    }
    return counter;
  }
}
