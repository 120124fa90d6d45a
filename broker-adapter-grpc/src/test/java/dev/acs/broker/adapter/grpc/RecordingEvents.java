package dev.acs.broker.adapter.grpc;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/** A {@link GrpcListener} that remembers everything. */
final class RecordingEvents implements GrpcListener {

  final BlockingQueue<String> registered = new LinkedBlockingQueue<>();
  final BlockingQueue<String> rejected = new LinkedBlockingQueue<>();
  final List<Duration> reconnectDelays = new CopyOnWriteArrayList<>();
  final BlockingQueue<String> reconnectReasons = new LinkedBlockingQueue<>();
  final BlockingQueue<Integer> snapshots = new LinkedBlockingQueue<>();

  @Override
  public void onRegistered(String serverMessage) {
    registered.add(serverMessage);
  }

  @Override
  public void onRegistrationRejected(String reason) {
    rejected.add(reason);
  }

  @Override
  public void onReconnectScheduled(Duration delay, String reason) {
    reconnectDelays.add(delay);
    reconnectReasons.add(reason);
  }

  @Override
  public void onSnapshot(int agentCount) {
    snapshots.add(agentCount);
  }
}
