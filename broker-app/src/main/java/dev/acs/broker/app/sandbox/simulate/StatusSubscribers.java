package dev.acs.broker.app.sandbox.simulate;

import dev.acs.broker.proto.status.AgentStatusResponse;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The open {@code SubscribeToAgentStatus} streams of a {@link StandInCentralServer}: sending a
 * snapshot to each, forgetting the ones that went away, ending them all. Not thread-safe on
 * purpose: the server calls it under its own lock, which is also what keeps every stream's
 * snapshots in the order the agents changed.
 */
final class StatusSubscribers {

  private final List<ServerCallStreamObserver<AgentStatusResponse>> streams = new ArrayList<>();
  private int opened;
  private int broadcasts;

  void add(ServerCallStreamObserver<AgentStatusResponse> stream) {
    opened++;
    streams.add(stream);
  }

  void remove(ServerCallStreamObserver<AgentStatusResponse> stream) {
    streams.remove(stream);
  }

  /** How many streams are open now. */
  int count() {
    return streams.size();
  }

  /** How many streams were ever added. */
  int opened() {
    return opened;
  }

  /** How many snapshots were sent (each counted once, however many streams got it). */
  int broadcasts() {
    return broadcasts;
  }

  /** Forgets every stream without ending it (the server went down with them). */
  void clear() {
    streams.clear();
  }

  /** Sends {@code snapshot} to every stream; a cancelled or closed one is dropped. */
  void send(AgentStatusResponse snapshot) {
    broadcasts++;
    streams.removeIf(
        stream -> {
          if (stream.isCancelled()) {
            return true;
          }
          try {
            stream.onNext(snapshot);
            return false;
          } catch (RuntimeException closed) {
            return true;
          }
        });
  }

  /**
   * Ends every stream with {@code end} ({@code onCompleted}, or {@code onError}) and forgets it.
   */
  void endAll(Consumer<ServerCallStreamObserver<AgentStatusResponse>> end) {
    for (ServerCallStreamObserver<AgentStatusResponse> stream : streams) {
      try {
        end.accept(stream);
      } catch (RuntimeException alreadyClosed) {
        // The client went away meanwhile.
      }
    }
    streams.clear();
  }
}
