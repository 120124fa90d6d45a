package dev.acs.broker.app.bench;

import dev.acs.broker.app.sandbox.simulate.AcceptingRegistrations;
import dev.acs.broker.app.sandbox.simulate.AgentReports;
import dev.acs.broker.proto.status.AgentInfo;
import dev.acs.broker.proto.status.AgentStatusRequest;
import dev.acs.broker.proto.status.AgentStatusResponse;
import dev.acs.broker.proto.status.AgentStatusServiceGrpc;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A stand-in central server for the fleet benchmarks: the gRPC contract of SPEC §2 over a fleet of
 * many agents whose states the benchmark changes one at a time, announcing each change either as a
 * one-agent delta ({@code is_full_update = false}) or, as the real server does (SPEC §7), as a full
 * snapshot of the whole fleet.
 *
 * <p>Unlike the sandbox's {@code StandInCentralServer} (full snapshots only, a map of agents) it
 * keeps the fleet in arrays and reuses each agent's encoded {@link AgentInfo} until the agent
 * changes, so that 5,000 deltas or 50 snapshots of 20,000 agents a second cost the benchmark JVM
 * little of the shared CPU.
 *
 * <p>A delta waits while the subscriber's stream is not ready (gRPC flow control), as a server that
 * awaits each write does: a broker that cannot keep up slows the stream down rather than making
 * this JVM buffer without bound. A full snapshot is only sent when the stream can take it; one that
 * cannot is left out, as it is superseded by the next (see {@link #changeWithSnapshot}). Every
 * change, send and {@code GetAgentStatus} answer happens under one lock, so a liveness probe's
 * answer is always the fleet as some prefix of the stream left it.
 */
final class FleetCentralServer implements AutoCloseable {

  /** Agent states the benchmarks use, as the wire words of SPEC §2. */
  enum State {
    IDLE("idle"),
    BUSY("busy"),
    PAUSED("paused"),
    OFFLINE("offline");

    final String wire;

    State(String wire) {
      this.wire = wire;
    }
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition ready = lock.newCondition();
  private final State[] states;
  private final AgentInfo[] infos;
  private final List<ServerCallStreamObserver<AgentStatusResponse>> subscribers = new ArrayList<>();
  private final Server server;
  private long sent;
  private long flowControlWaitNanos;
  private long probesAnswered;
  private long coalesced;

  /** A server on a free loopback port whose agents all start in {@code initial}. */
  FleetCentralServer(int agents, State initial) throws IOException {
    states = new State[agents];
    infos = new AgentInfo[agents];
    Arrays.fill(states, initial);
    for (int i = 0; i < agents; i++) {
      infos[i] = info(i, initial);
    }
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(new AcceptingRegistrations())
            .addService(new Statuses())
            .build()
            .start();
  }

  int port() {
    return server.getPort();
  }

  int size() {
    return states.length;
  }

  /** The id of agent {@code index}. */
  static String id(int index) {
    return String.format("agent_%06d", index);
  }

  State state(int index) {
    lock.lock();
    try {
      return states[index];
    } finally {
      lock.unlock();
    }
  }

  /** Agent {@code index} changes to {@code state} without anyone being told (set-up). */
  void setQuietly(int index, State state) {
    lock.lock();
    try {
      states[index] = state;
      infos[index] = info(index, state);
    } finally {
      lock.unlock();
    }
  }

  /** Agent {@code index} changes to {@code state}; every subscriber gets a one-agent delta. */
  void changeWithDelta(int index, State state) throws InterruptedException {
    lock.lock();
    try {
      setQuietly(index, state);
      send(AgentStatusResponse.newBuilder().addAgents(infos[index]).setIsFullUpdate(false).build());
    } finally {
      lock.unlock();
    }
  }

  /**
   * Agent {@code index} changes to {@code state}, and every subscriber whose stream can take it now
   * gets a full snapshot; a stream still busy with an earlier snapshot gets none, and its next one
   * carries this change too (the newest state is what a snapshot says). With {@code mustSend} the
   * change waits for every stream instead: the decisive change of a benchmark.
   *
   * @return whether every subscriber got a snapshot
   */
  boolean changeWithSnapshot(int index, State state, boolean mustSend) throws InterruptedException {
    lock.lock();
    try {
      setQuietly(index, state);
      if (!mustSend) {
        for (ServerCallStreamObserver<AgentStatusResponse> stream : subscribers) {
          if (!stream.isReady()) {
            coalesced++;
            return false;
          }
        }
      }
      send(snapshot());
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Snapshot changes that no snapshot was sent for at once (a later one carried them). */
  long coalesced() {
    lock.lock();
    try {
      return coalesced;
    } finally {
      lock.unlock();
    }
  }

  /** Updates sent on streams so far (the first snapshot of each subscription included). */
  long sent() {
    lock.lock();
    try {
      return sent;
    } finally {
      lock.unlock();
    }
  }

  /** Time sends spent waiting for a stream to become ready again. */
  long flowControlWaitNanos() {
    lock.lock();
    try {
      return flowControlWaitNanos;
    } finally {
      lock.unlock();
    }
  }

  long probesAnswered() {
    lock.lock();
    try {
      return probesAnswered;
    } finally {
      lock.unlock();
    }
  }

  int subscribers() {
    lock.lock();
    try {
      return subscribers.size();
    } finally {
      lock.unlock();
    }
  }

  private AgentStatusResponse snapshot() {
    return AgentStatusResponse.newBuilder()
        .addAllAgents(Arrays.asList(infos))
        .setIsFullUpdate(true)
        .build();
  }

  /** Sends to every subscriber, waiting for flow control; called with the lock held. */
  private void send(AgentStatusResponse response) throws InterruptedException {
    for (ServerCallStreamObserver<AgentStatusResponse> stream : List.copyOf(subscribers)) {
      long waitStart = System.nanoTime();
      while (!stream.isReady() && subscribers.contains(stream)) {
        // Woken by the stream's on-ready or on-cancel handler; the bound only guards against a
        // missed wake-up, it is not a pace.
        ready.await(100, TimeUnit.MILLISECONDS);
      }
      flowControlWaitNanos += System.nanoTime() - waitStart;
      if (subscribers.contains(stream)) {
        stream.onNext(response);
        sent++;
      }
    }
  }

  private void wake() {
    lock.lock();
    try {
      ready.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The agent as the real server reports it: its state and the other metrics keys SPEC §2 lists, so
   * a message is as large as a real one (about 250 bytes).
   */
  private static AgentInfo info(int index, State state) {
    String id = id(index);
    return AgentReports.registered(
            id, "Bench agent " + index, state.wire, "2026-12-06T18:00:00.000000")
        .putMetrics("grpc_status", "connected")
        .putMetrics("message_queue_status", "connected")
        .putMetrics("llm_client_status", "ready")
        .putMetrics("last_updated", "2026-12-06T18:00:00.000000")
        .build();
  }

  @Override
  public void close() throws InterruptedException {
    lock.lock();
    try {
      for (ServerCallStreamObserver<AgentStatusResponse> stream : subscribers) {
        stream.onCompleted();
      }
      subscribers.clear();
      ready.signalAll();
    } finally {
      lock.unlock();
    }
    server.shutdownNow();
    server.awaitTermination(10, TimeUnit.SECONDS);
  }

  private final class Statuses extends AgentStatusServiceGrpc.AgentStatusServiceImplBase {
    @Override
    public void subscribeToAgentStatus(
        AgentStatusRequest request, StreamObserver<AgentStatusResponse> responseObserver) {
      ServerCallStreamObserver<AgentStatusResponse> stream =
          (ServerCallStreamObserver<AgentStatusResponse>) responseObserver;
      stream.setOnReadyHandler(FleetCentralServer.this::wake);
      stream.setOnCancelHandler(
          () -> {
            lock.lock();
            try {
              subscribers.remove(stream);
              ready.signalAll();
            } finally {
              lock.unlock();
            }
          });
      lock.lock();
      try {
        // The first response of every subscription is a full snapshot (SPEC §2); later changes
        // follow it on the same stream in order because both happen under the lock.
        stream.onNext(snapshot());
        sent++;
        subscribers.add(stream);
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void getAgentStatus(
        AgentStatusRequest request, StreamObserver<AgentStatusResponse> responseObserver) {
      AgentStatusResponse answer;
      lock.lock();
      try {
        answer = snapshot();
        probesAnswered++;
      } finally {
        lock.unlock();
      }
      responseObserver.onNext(answer);
      responseObserver.onCompleted();
    }
  }
}
