package dev.acs.broker.core.application;

import dev.acs.broker.core.agent.AgentRegistry;
import dev.acs.broker.core.port.AgentStatusObserver;
import dev.acs.broker.core.port.AgentStatusSource;
import dev.acs.broker.core.port.InboundMessages;
import dev.acs.broker.core.port.Subscription;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Runs the broker: follows the agent status stream, waits for the first snapshot so that no message
 * is judged against an empty view, then consumes; on shutdown stops consuming, lets in-flight
 * messages settle, and ends the stream.
 *
 * <p>{@link #start} and {@link #stop} are meant to be called once each, from one thread.
 */
public final class BrokerService {

  private static final Logger LOG = System.getLogger(BrokerService.class.getName());

  private final AgentStatusSource statusSource;
  private final InboundMessages inbound;
  private final AgentRegistry registry;
  private final RoutingService routing;
  private final AgentStatusFeed feed;

  private @Nullable Subscription statusSubscription;
  private @Nullable Subscription inboundSubscription;

  /**
   * A service over the given ports; {@code routing} must route over {@code registry}. Status
   * updates are applied on a thread of their own, conflated while an apply runs.
   *
   * @throws IllegalArgumentException when {@code routing} routes over another registry
   */
  public BrokerService(
      AgentStatusSource statusSource,
      InboundMessages inbound,
      AgentRegistry registry,
      RoutingService routing) {
    this(
        statusSource,
        inbound,
        registry,
        routing,
        AgentStatusFeed.onOwnThread(registry, Clock.systemUTC(), AgentStatusObserver.NONE));
  }

  /**
   * A service over the given ports that takes status updates in through {@code feed}, which must
   * apply to {@code registry}; the service closes the feed when it stops.
   *
   * @throws IllegalArgumentException when {@code routing} or {@code feed} use another registry
   */
  public BrokerService(
      AgentStatusSource statusSource,
      InboundMessages inbound,
      AgentRegistry registry,
      RoutingService routing,
      AgentStatusFeed feed) {
    this.statusSource = Objects.requireNonNull(statusSource, "statusSource");
    this.inbound = Objects.requireNonNull(inbound, "inbound");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.routing = Objects.requireNonNull(routing, "routing");
    this.feed = Objects.requireNonNull(feed, "feed");
    if (routing.registry() != registry || feed.registry() != registry) {
      throw new IllegalArgumentException(
          "the routing service and the status feed must use the broker service's registry, or"
              + " messages are routed on a view the status stream never updates; BrokerCore"
              + " builds them on one");
    }
  }

  /**
   * Subscribes to agent status, blocks until the first full snapshot (at most {@code
   * snapshotTimeout}), then starts consuming.
   *
   * @throws BrokerStartupException when no snapshot arrived in time; the status subscription is
   *     cancelled first
   */
  public void start(Duration snapshotTimeout) throws InterruptedException {
    LOG.log(Level.INFO, "Subscribing to agent status");
    statusSubscription = statusSource.subscribe(feed);
    LOG.log(Level.INFO, "Waiting up to " + snapshotTimeout + " for the first agent snapshot");
    if (!registry.awaitFirstSnapshot(snapshotTimeout)) {
      String why = registry.health().interruption();
      statusSubscription.cancel();
      feed.close();
      throw new BrokerStartupException(
          "No agent snapshot from the central server within "
              + snapshotTimeout
              + (why == null ? "" : " (last problem: " + why + ")")
              + "; check that the central server is running and reachable at the configured"
              + " gRPC host and port, or raise the snapshot timeout");
    }
    LOG.log(
        Level.INFO,
        "First agent snapshot: "
            + registry.view().size()
            + " agents, "
            + registry.view().availableCount()
            + " available; consuming messages");
    inboundSubscription = inbound.start(routing);
  }

  /**
   * Stops consuming, waits up to {@code drain} for in-flight messages to settle, then ends the
   * status stream. Messages still unsettled after the drain time are redelivered by the transport
   * once the adapters close.
   *
   * @return whether every in-flight message settled in time
   */
  public boolean stop(Duration drain) throws InterruptedException {
    if (inboundSubscription != null) {
      inboundSubscription.cancel();
    }
    // Parked messages may wait for minutes; another replica (or this one, restarted) takes them.
    routing.requeueParked();
    int pending = routing.inFlight();
    LOG.log(Level.INFO, "Stopped consuming; waiting for " + pending + " in-flight messages");
    boolean drained = routing.awaitSettled(drain);
    if (!drained) {
      LOG.log(
          Level.WARNING,
          routing.inFlight()
              + " messages did not settle within "
              + drain
              + "; they will be redelivered");
    }
    if (statusSubscription != null) {
      statusSubscription.cancel();
    }
    feed.close();
    return drained;
  }
}
