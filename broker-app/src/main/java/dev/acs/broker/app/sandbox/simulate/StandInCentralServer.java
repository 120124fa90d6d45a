package dev.acs.broker.app.sandbox.simulate;

import dev.acs.broker.proto.registration.BrokerRegistrationRequest;
import dev.acs.broker.proto.status.AgentInfo;
import dev.acs.broker.proto.status.AgentStatusResponse;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A stand-in for the central server's gRPC side, on a loopback port: it records broker
 * registrations and streams agent status the way the real server does (a full snapshot first, then
 * a full snapshot on every change). Agents are set, changed and removed at run time by the caller
 * (a test, or {@code broker simulate}) or by {@code SendAgentStatus}.
 *
 * <p>{@link #startLikeTheRealServer} adds the quirks of SPEC §7: a report that changes nothing but
 * {@code last_seen} is stored (and returned by {@code GetAgentStatus}) but not broadcast; {@code
 * last_seen} is ISO-8601 without an offset; {@link #stop()} and {@link #restart()} take the server
 * down and bring it back on the same port knowing no agents. A killed agent is one that simply
 * stops reporting: it stays {@code idle} here, as on the real server.
 *
 * <p>Thread-safe. Closing it ends every stream and stops the server.
 */
public final class StandInCentralServer implements AutoCloseable {

  /** The metrics key holding an agent's state (SPEC §2). */
  public static final String STATE_KEY = AgentReports.STATE_KEY;

  /** One {@code RegisterBroker} call. */
  public record Registration(String brokerId, String brokerName) {}

  private final Object lock = new Object();
  private final Map<String, AgentInfo> agents = new LinkedHashMap<>();
  private final StatusSubscribers subscribers = new StatusSubscribers();
  private final List<Registration> registrations = new ArrayList<>();
  private final Clock clock;
  private final boolean likeTheRealServer;
  private final int port;
  private volatile @Nullable Server server;

  private StandInCentralServer(int port, Clock clock, boolean likeTheRealServer)
      throws IOException {
    this.clock = clock;
    this.likeTheRealServer = likeTheRealServer;
    Server started = listen(port);
    this.server = started;
    this.port = started.getPort();
  }

  private Server listen(int onPort) throws IOException {
    return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", onPort))
        .addService(new AcceptingRegistrations(this::recordRegistration))
        .addService(new StandInStatusService(this))
        .build()
        .start();
  }

  /**
   * Starts a server on 127.0.0.1.
   *
   * @param port the port, or 0 for any free one (see {@link #port()})
   */
  public static StandInCentralServer start(int port) throws IOException {
    return new StandInCentralServer(port, Clock.systemUTC(), false);
  }

  /**
   * Starts a server on 127.0.0.1 with the real central server's quirks (SPEC §7): only changes are
   * broadcast, {@code last_seen} has no offset, and {@link #restart()} forgets every agent.
   *
   * @param port the port, or 0 for any free one (see {@link #port()})
   */
  public static StandInCentralServer startLikeTheRealServer(int port) throws IOException {
    return new StandInCentralServer(port, Clock.systemUTC(), true);
  }

  /** The port the server listens on (kept across {@link #restart()}). */
  public int port() {
    return port;
  }

  /** How many snapshots were broadcast to subscribers (each counted once per broadcast). */
  public int broadcastCount() {
    synchronized (lock) {
      return subscribers.broadcasts();
    }
  }

  /**
   * Takes the server down as a killed process would: every stream and call fails, and the agents
   * are forgotten (a restarted real server knows none until each reports again).
   */
  public void stop() {
    Server running;
    synchronized (lock) {
      running = server;
      server = null;
      agents.clear();
      subscribers.clear();
    }
    if (running != null) {
      running.shutdownNow();
      try {
        running.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Brings a {@link #stop() stopped} server back on the same port, knowing no agents. */
  public void restart() throws IOException {
    synchronized (lock) {
      if (server != null) {
        throw new IllegalStateException("the stand-in server is running; stop() it first");
      }
    }
    Server started = listen(port);
    synchronized (lock) {
      server = started;
    }
  }

  /** Whether the server runs (between {@link #stop()} and {@link #restart()} it does not). */
  public boolean isRunning() {
    return server != null;
  }

  /** Whether the server knows this agent now (a message routed to any other is lost, SPEC §7). */
  public boolean knows(String agentId) {
    synchronized (lock) {
      return agents.containsKey(agentId);
    }
  }

  /**
   * An agent's periodic status report with an unchanged state: its {@code last_seen} advances; with
   * the real server's quirks nothing is broadcast. Does nothing while stopped or for an unknown
   * agent (the real agent's report would register it; use {@link #putAgent} for that).
   */
  public void report(String agentId) {
    synchronized (lock) {
      AgentInfo current = agents.get(agentId);
      if (current != null && server != null) {
        store(info(agentId, current.getAgentName(), current.getMetricsOrDefault(STATE_KEY, "")));
      }
    }
  }

  /** Every registration received so far, in order. */
  public List<Registration> registrations() {
    synchronized (lock) {
      return List.copyOf(registrations);
    }
  }

  /** How many status subscriptions are open now. */
  public int subscriberCount() {
    synchronized (lock) {
      return subscribers.count();
    }
  }

  /** How many status subscriptions were ever opened. */
  public int subscriptionCount() {
    synchronized (lock) {
      return subscribers.opened();
    }
  }

  /** Adds or replaces an agent named {@code "Agent <id>"} and streams the new snapshot. */
  public void putAgent(String agentId, String state) {
    putAgent(agentId, "Agent " + agentId, state);
  }

  /** Adds or replaces an agent and streams the new snapshot. */
  public void putAgent(String agentId, String agentName, String state) {
    synchronized (lock) {
      store(info(agentId, agentName, state));
    }
  }

  /**
   * Stores an agent's report and broadcasts the new snapshot, unless (with the real server's
   * quirks) only its {@code last_seen} changed; the caller holds the lock.
   */
  private void store(AgentInfo report) {
    AgentInfo before = agents.put(report.getAgentId(), report);
    if (likeTheRealServer && before != null && sameButLastSeen(before, report)) {
      return;
    }
    broadcast();
  }

  private static boolean sameButLastSeen(AgentInfo before, AgentInfo after) {
    Map<String, String> beforeMetrics = new HashMap<>(before.getMetricsMap());
    Map<String, String> afterMetrics = new HashMap<>(after.getMetricsMap());
    beforeMetrics.remove("last_seen");
    afterMetrics.remove("last_seen");
    return before.getAgentName().equals(after.getAgentName()) && beforeMetrics.equals(afterMetrics);
  }

  /**
   * Changes an agent's state and streams the new snapshot.
   *
   * @throws IllegalArgumentException when the agent is unknown
   */
  public void setState(String agentId, String state) {
    synchronized (lock) {
      AgentInfo current = agents.get(agentId);
      if (current == null) {
        throw new IllegalArgumentException("no agent '" + agentId + "' in the stand-in server");
      }
      store(info(agentId, current.getAgentName(), state));
    }
  }

  /** Removes an agent (it disappears from the next snapshot) and streams the new snapshot. */
  public void removeAgent(String agentId) {
    synchronized (lock) {
      if (agents.remove(agentId) != null) {
        broadcast();
      }
    }
  }

  /** The current state of an agent, or {@code null} when unknown. */
  public @Nullable String stateOf(String agentId) {
    synchronized (lock) {
      AgentInfo info = agents.get(agentId);
      return info == null ? null : info.getMetricsOrDefault(STATE_KEY, null);
    }
  }

  /** The current full snapshot. */
  public AgentStatusResponse snapshot() {
    synchronized (lock) {
      return AgentStatusResponse.newBuilder()
          .addAllAgents(agents.values())
          .setIsFullUpdate(true)
          .build();
    }
  }

  /** Ends every open status stream with UNAVAILABLE, as a restarting server would. */
  public void dropSubscriptions() {
    endSubscriptions(Status.UNAVAILABLE.withDescription("stand-in dropped"));
  }

  /**
   * Ends every open status stream with {@code status} (a fault a test wants the broker to meet).
   */
  public void endSubscriptions(Status status) {
    if (status.isOk()) {
      throw new IllegalArgumentException("use completeSubscriptions() for a clean end");
    }
    endSubscriptions(subscriber -> subscriber.onError(status.asException()));
  }

  /** Completes every open status stream cleanly ({@code onCompleted}) and keeps serving. */
  public void completeSubscriptions() {
    endSubscriptions(ServerCallStreamObserver::onCompleted);
  }

  private void endSubscriptions(Consumer<ServerCallStreamObserver<AgentStatusResponse>> end) {
    synchronized (lock) {
      subscribers.endAll(end);
    }
  }

  @Override
  public void close() {
    completeSubscriptions();
    Server running = server;
    if (running == null) {
      return;
    }
    running.shutdown();
    try {
      if (!running.awaitTermination(5, TimeUnit.SECONDS)) {
        running.shutdownNow();
      }
    } catch (InterruptedException interrupted) {
      running.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private AgentInfo info(String agentId, String agentName, String state) {
    // The real server writes its local clock without an offset (Python's isoformat()).
    String now =
        likeTheRealServer
            ? LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC).toString()
            : clock.instant().toString();
    return AgentReports.registered(agentId, agentName, state, now)
        .putMetrics("last_seen", now)
        .build();
  }

  /** Sends the current snapshot to every subscriber; the caller holds the lock. */
  private void broadcast() {
    subscribers.send(snapshot());
  }

  /**
   * A new {@code SubscribeToAgentStatus} stream: counted, and sent the current snapshot first (SPEC
   * §2), under the lock so no change can slip in between.
   */
  void subscribe(ServerCallStreamObserver<AgentStatusResponse> stream) {
    stream.setOnCancelHandler(
        () -> {
          synchronized (lock) {
            subscribers.remove(stream);
          }
        });
    synchronized (lock) {
      subscribers.add(stream);
      stream.onNext(snapshot());
    }
  }

  /** An agent's own report ({@code SendAgentStatus}), stored as {@link #putAgent} would. */
  void receive(AgentInfo report) {
    synchronized (lock) {
      store(report);
    }
  }

  private void recordRegistration(BrokerRegistrationRequest request) {
    synchronized (lock) {
      registrations.add(new Registration(request.getBrokerId(), request.getBrokerName()));
    }
  }
}
