package dev.acs.broker.adapter.grpc;

import dev.acs.broker.core.agent.AgentId;
import dev.acs.broker.core.agent.AgentRegistry;
import dev.acs.broker.core.agent.AgentStatusUpdate;
import dev.acs.broker.core.agent.Availability;
import dev.acs.broker.core.port.AgentStatusListener;
import dev.acs.broker.proto.status.AgentInfo;
import java.time.Clock;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The listener the broker's core would be: applies updates to a real {@link AgentRegistry}, and
 * records interruptions and which thread delivered, for the test to check.
 */
final class RegistryFeed implements AgentStatusListener {

  final AgentRegistry registry = new AgentRegistry(Availability.reference(), Clock.systemUTC());
  final BlockingQueue<String> interruptions = new LinkedBlockingQueue<>();
  final BlockingQueue<AgentStatusUpdate> updates = new LinkedBlockingQueue<>();
  final Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
  final AtomicInteger concurrentCalls = new AtomicInteger();
  volatile int maxConcurrentCalls;

  @Override
  public void onStatus(AgentStatusUpdate update) {
    enter();
    try {
      registry.apply(update);
      updates.add(update);
    } finally {
      concurrentCalls.decrementAndGet();
    }
  }

  @Override
  public void onInterrupted(String reason) {
    enter();
    try {
      registry.markInterrupted(reason);
      interruptions.add(reason);
    } finally {
      concurrentCalls.decrementAndGet();
    }
  }

  private void enter() {
    threads.add(Thread.currentThread().getName());
    int now = concurrentCalls.incrementAndGet();
    if (now > maxConcurrentCalls) {
      maxConcurrentCalls = now;
    }
  }

  /** The ids the registry knows now. */
  Set<String> agentIds() {
    return registry.view().agents().stream().map(a -> a.id().value()).collect(Collectors.toSet());
  }

  static Set<String> ids(Collection<AgentInfo> agents) {
    return agents.stream().map(AgentInfo::getAgentId).collect(Collectors.toSet());
  }

  String stateOf(String id) {
    return registry.view().find(AgentId.of(id)).orElseThrow().state().wireName();
  }
}
