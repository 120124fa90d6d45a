package dev.acs.broker.adapter.grpc;

import dev.acs.broker.proto.registration.BrokerRegistrationRequest;
import dev.acs.broker.proto.registration.BrokerRegistrationResponse;
import dev.acs.broker.proto.registration.BrokerRegistrationServiceGrpc;
import dev.acs.broker.proto.status.AgentInfo;
import dev.acs.broker.proto.status.AgentStatusRequest;
import dev.acs.broker.proto.status.AgentStatusResponse;
import dev.acs.broker.proto.status.AgentStatusServiceGrpc;
import io.grpc.BindableService;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The central server's two services, scripted by the test. By default registration succeeds, a
 * subscription gets a full snapshot of {@link #agents()} and stays open, and a probe gets the same
 * snapshot.
 */
final class FakeCentralServer {

  /** What one call of {@code SubscribeToAgentStatus} does with its response stream. */
  interface StreamScript extends Consumer<ServerCallStreamObserver<AgentStatusResponse>> {}

  /** One observed {@code SubscribeToAgentStatus} call. */
  record SubscribeCall(AgentStatusRequest request, long nanoTime) {}

  final BlockingQueue<BrokerRegistrationRequest> registrations = new LinkedBlockingQueue<>();
  final BlockingQueue<SubscribeCall> subscriptions = new LinkedBlockingQueue<>();
  final BlockingQueue<AgentStatusRequest> probes = new LinkedBlockingQueue<>();
  final List<Status> cancelledStreams = new CopyOnWriteArrayList<>();

  /** Answers for the next registrations, in order; then success. */
  final ConcurrentLinkedQueue<Object> registrationScript = new ConcurrentLinkedQueue<>();

  /** Behaviours of the next subscriptions, in order; then the default. */
  final ConcurrentLinkedQueue<StreamScript> streamScript = new ConcurrentLinkedQueue<>();

  /** A registration script step: never answer. */
  static final Object HANG = new Object();

  final AtomicInteger events = new AtomicInteger();
  private final List<ServerCallStreamObserver<AgentStatusResponse>> open =
      new CopyOnWriteArrayList<>();
  private volatile List<AgentInfo> agents = List.of();
  private volatile boolean probesHang;
  private volatile boolean probesHeld;

  /** Probes taken while {@link #holdProbes} was on, each with the snapshot of that moment. */
  final BlockingQueue<HeldProbe> heldProbes = new LinkedBlockingQueue<>();

  /** A probe the test answers later, with the answer the server built when it came in. */
  record HeldProbe(StreamObserver<AgentStatusResponse> observer, AgentStatusResponse snapshot) {
    void answer() {
      observer.onNext(snapshot);
      observer.onCompleted();
    }
  }

  /** Replaces the server's agents (without telling anyone). */
  void setAgents(Collection<AgentInfo> newAgents) {
    agents = List.copyOf(newAgents);
  }

  List<AgentInfo> agents() {
    return agents;
  }

  void probesHang(boolean hang) {
    probesHang = hang;
  }

  /** Whether probes wait in {@link #heldProbes} until the test answers them. */
  void holdProbes(boolean hold) {
    probesHeld = hold;
  }

  AgentStatusResponse snapshot() {
    return AgentStatusResponse.newBuilder().addAllAgents(agents).setIsFullUpdate(true).build();
  }

  /** Sends a full snapshot of the current agents on every open stream. */
  void publishSnapshot() {
    publish(snapshot());
  }

  /** Sends a delta of these agents on every open stream. */
  void publishDelta(AgentInfo... delta) {
    publish(
        AgentStatusResponse.newBuilder()
            .addAllAgents(List.of(delta))
            .setIsFullUpdate(false)
            .build());
  }

  private void publish(AgentStatusResponse response) {
    for (ServerCallStreamObserver<AgentStatusResponse> stream : open) {
      synchronized (stream) {
        stream.onNext(response);
      }
    }
  }

  /** Ends every open stream with {@code status}, or completes them when it is null. */
  void endStreams(@Nullable Status status) {
    List<ServerCallStreamObserver<AgentStatusResponse>> streams = new ArrayList<>(open);
    open.clear();
    for (ServerCallStreamObserver<AgentStatusResponse> stream : streams) {
      synchronized (stream) {
        if (status == null) {
          stream.onCompleted();
        } else {
          stream.onError(status.asRuntimeException());
        }
      }
    }
  }

  int openStreams() {
    return open.size();
  }

  /**
   * A script step: keep the stream open and send the snapshot (the default). The stream is
   * registered as open first: a client that has seen the snapshot may at once ask the test to end
   * open streams, and this one must be among them.
   */
  StreamScript snapshotAndStay() {
    return stream -> {
      keepOpen(stream);
      stream.onNext(snapshot());
    };
  }

  /** A script step: end the stream at once with {@code status} (or complete it if null). */
  static StreamScript endAtOnce(@Nullable Status status) {
    return stream -> {
      if (status == null) {
        stream.onCompleted();
      } else {
        stream.onError(status.asRuntimeException());
      }
    };
  }

  void keepOpen(ServerCallStreamObserver<AgentStatusResponse> stream) {
    stream.setOnCancelHandler(
        () -> {
          open.remove(stream);
          cancelledStreams.add(Status.CANCELLED);
        });
    open.add(stream);
  }

  /** The services to bind on a test server. */
  List<BindableService> services() {
    return List.of(new Registration(), new AgentStatus());
  }

  static AgentInfo agent(String id, String state) {
    return agent(id, state, Map.of());
  }

  static AgentInfo agent(String id, String state, Map<String, String> moreMetrics) {
    return AgentInfo.newBuilder()
        .setAgentId(id)
        .setAgentName("Agent " + id)
        .setLastSeen("2025-01-02T03:04:05Z")
        .putMetrics("internal_state", state)
        .putAllMetrics(moreMetrics)
        .build();
  }

  private final class Registration
      extends BrokerRegistrationServiceGrpc.BrokerRegistrationServiceImplBase {
    @Override
    public void registerBroker(
        BrokerRegistrationRequest request,
        StreamObserver<BrokerRegistrationResponse> responseObserver) {
      registrations.add(request);
      events.incrementAndGet();
      Object next = registrationScript.poll();
      if (next == HANG) {
        return;
      }
      if (next instanceof Status) {
        responseObserver.onError(new StatusException((Status) next));
        return;
      }
      BrokerRegistrationResponse response =
          next instanceof BrokerRegistrationResponse
              ? (BrokerRegistrationResponse) next
              : BrokerRegistrationResponse.newBuilder()
                  .setSuccess(true)
                  .setMessage("Broker " + request.getBrokerName() + " registered")
                  .build();
      responseObserver.onNext(response);
      responseObserver.onCompleted();
    }
  }

  private final class AgentStatus extends AgentStatusServiceGrpc.AgentStatusServiceImplBase {
    @Override
    public void subscribeToAgentStatus(
        AgentStatusRequest request, StreamObserver<AgentStatusResponse> responseObserver) {
      subscriptions.add(new SubscribeCall(request, System.nanoTime()));
      events.incrementAndGet();
      ServerCallStreamObserver<AgentStatusResponse> stream =
          (ServerCallStreamObserver<AgentStatusResponse>) responseObserver;
      StreamScript script = streamScript.poll();
      synchronized (stream) {
        (script == null ? snapshotAndStay() : script).accept(stream);
      }
    }

    @Override
    public void getAgentStatus(
        AgentStatusRequest request, StreamObserver<AgentStatusResponse> responseObserver) {
      probes.add(request);
      if (probesHang) {
        return;
      }
      if (probesHeld) {
        heldProbes.add(new HeldProbe(responseObserver, snapshot()));
        return;
      }
      responseObserver.onNext(snapshot());
      responseObserver.onCompleted();
    }
  }
}
