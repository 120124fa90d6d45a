package dev.acs.broker.app.simulate;

import dev.acs.broker.proto.registration.BrokerRegistrationRequest;
import dev.acs.broker.proto.registration.BrokerRegistrationResponse;
import dev.acs.broker.proto.registration.BrokerRegistrationServiceGrpc;
import dev.acs.broker.proto.status.AgentInfo;
import dev.acs.broker.proto.status.AgentStatusRequest;
import dev.acs.broker.proto.status.AgentStatusResponse;
import dev.acs.broker.proto.status.AgentStatusServiceGrpc;
import dev.acs.broker.proto.status.AgentStatusUpdateRequest;
import dev.acs.broker.proto.status.AgentStatusUpdateResponse;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for the central server's gRPC side, on a loopback port: it records broker
 * registrations and streams agent status the way the real server does (a full snapshot first, then
 * a full snapshot on every change). Agents are set, changed and removed at run time by the caller
 * (a test, or {@code broker simulate}) or by {@code SendAgentStatus}.
 *
 * <p>Thread-safe. Closing it ends every stream and stops the server.
 */
public final class StandInCentralServer implements AutoCloseable {

  /** The metrics key holding an agent's state (SPEC §2). */
  public static final String STATE_KEY = "internal_state";

  /** One {@code RegisterBroker} call. */
  public record Registration(String brokerId, String brokerName) {}

  private final Object lock = new Object();
  private final Map<String, AgentInfo> agents = new LinkedHashMap<>();
  private final List<ServerCallStreamObserver<AgentStatusResponse>> subscribers = new ArrayList<>();
  private final List<Registration> registrations = new ArrayList<>();
  private final Clock clock;
  private final Server server;
  private int subscriptionCount;

  private StandInCentralServer(int port, Clock clock) throws IOException {
    this.clock = clock;
    this.server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
            .addService(new Registrations())
            .addService(new Statuses())
            .build()
            .start();
  }

  /**
   * Starts a server on 127.0.0.1.
   *
   * @param port the port, or 0 for any free one (see {@link #port()})
   */
  public static StandInCentralServer start(int port) throws IOException {
    return new StandInCentralServer(port, Clock.systemUTC());
  }

  /** The port the server listens on. */
  public int port() {
    return server.getPort();
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
      return subscribers.size();
    }
  }

  /** How many status subscriptions were ever opened. */
  public int subscriptionCount() {
    synchronized (lock) {
      return subscriptionCount;
    }
  }

  /** Adds or replaces an agent named {@code "Agent <id>"} and streams the new snapshot. */
  public void putAgent(String agentId, String state) {
    putAgent(agentId, "Agent " + agentId, state);
  }

  /** Adds or replaces an agent and streams the new snapshot. */
  public void putAgent(String agentId, String agentName, String state) {
    synchronized (lock) {
      agents.put(agentId, info(agentId, agentName, state));
      broadcast();
    }
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
      agents.put(agentId, info(agentId, current.getAgentName(), state));
      broadcast();
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
  public @org.jspecify.annotations.Nullable String stateOf(String agentId) {
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

  private void endSubscriptions(
      java.util.function.Consumer<ServerCallStreamObserver<AgentStatusResponse>> end) {
    synchronized (lock) {
      for (ServerCallStreamObserver<AgentStatusResponse> subscriber : subscribers) {
        try {
          end.accept(subscriber);
        } catch (RuntimeException alreadyClosed) {
          // The client went away meanwhile.
        }
      }
      subscribers.clear();
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      for (ServerCallStreamObserver<AgentStatusResponse> subscriber : subscribers) {
        try {
          subscriber.onCompleted();
        } catch (RuntimeException alreadyClosed) {
          // The client went away meanwhile.
        }
      }
      subscribers.clear();
    }
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException interrupted) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private AgentInfo info(String agentId, String agentName, String state) {
    String now = clock.instant().toString();
    return AgentInfo.newBuilder()
        .setAgentId(agentId)
        .setAgentName(agentName)
        .setLastSeen(now)
        .putMetrics(STATE_KEY, state)
        .putMetrics("agent_name", agentName)
        .putMetrics("last_seen", now)
        .putMetrics("registration_status", "registered")
        .build();
  }

  /** Sends the current snapshot to every subscriber; the caller holds the lock. */
  private void broadcast() {
    AgentStatusResponse snapshot =
        AgentStatusResponse.newBuilder()
            .addAllAgents(agents.values())
            .setIsFullUpdate(true)
            .build();
    subscribers.removeIf(
        subscriber -> {
          if (subscriber.isCancelled()) {
            return true;
          }
          try {
            subscriber.onNext(snapshot);
            return false;
          } catch (RuntimeException closed) {
            return true;
          }
        });
  }

  private final class Registrations
      extends BrokerRegistrationServiceGrpc.BrokerRegistrationServiceImplBase {
    @Override
    public void registerBroker(
        BrokerRegistrationRequest request,
        StreamObserver<BrokerRegistrationResponse> responseObserver) {
      synchronized (lock) {
        registrations.add(new Registration(request.getBrokerId(), request.getBrokerName()));
      }
      responseObserver.onNext(
          BrokerRegistrationResponse.newBuilder()
              .setSuccess(true)
              .setMessage("Broker " + request.getBrokerName() + " registered")
              .build());
      responseObserver.onCompleted();
    }
  }

  private final class Statuses extends AgentStatusServiceGrpc.AgentStatusServiceImplBase {
    @Override
    public void subscribeToAgentStatus(
        AgentStatusRequest request, StreamObserver<AgentStatusResponse> responseObserver) {
      ServerCallStreamObserver<AgentStatusResponse> subscriber =
          (ServerCallStreamObserver<AgentStatusResponse>) responseObserver;
      subscriber.setOnCancelHandler(
          () -> {
            synchronized (lock) {
              subscribers.remove(subscriber);
            }
          });
      synchronized (lock) {
        subscriptionCount++;
        subscribers.add(subscriber);
        subscriber.onNext(snapshot());
      }
    }

    @Override
    public void getAgentStatus(
        AgentStatusRequest request, StreamObserver<AgentStatusResponse> responseObserver) {
      responseObserver.onNext(snapshot());
      responseObserver.onCompleted();
    }

    @Override
    public void sendAgentStatus(
        AgentStatusUpdateRequest request,
        StreamObserver<AgentStatusUpdateResponse> responseObserver) {
      AgentInfo agent = request.getAgent();
      if (agent.getAgentId().isBlank()) {
        responseObserver.onNext(
            AgentStatusUpdateResponse.newBuilder()
                .setSuccess(false)
                .setMessage("agent_id is required")
                .build());
      } else {
        synchronized (lock) {
          agents.put(agent.getAgentId(), Objects.requireNonNull(agent));
          broadcast();
        }
        responseObserver.onNext(
            AgentStatusUpdateResponse.newBuilder()
                .setSuccess(true)
                .setMessage("Status of " + agent.getAgentId() + " updated")
                .build());
      }
      responseObserver.onCompleted();
    }
  }
}
