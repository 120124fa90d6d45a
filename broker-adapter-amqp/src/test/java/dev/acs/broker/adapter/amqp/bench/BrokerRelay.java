package dev.acs.broker.adapter.amqp.bench;

import dev.acs.broker.adapter.amqp.AmqpListener;
import dev.acs.broker.adapter.amqp.AmqpSettings;
import dev.acs.broker.adapter.amqp.AmqpTransport;
import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.agent.AgentRegistry;
import dev.acs.broker.core.agent.AgentStatusUpdate;
import dev.acs.broker.core.agent.Availability;
import dev.acs.broker.core.application.DecisionHeaders;
import dev.acs.broker.core.application.RoutingService;
import dev.acs.broker.core.message.MessageEnvelope;
import dev.acs.broker.core.port.RoutingObserver;
import dev.acs.broker.core.port.Subscription;
import dev.acs.broker.core.routing.MessageRouter;
import dev.acs.broker.core.routing.OutstandingWork;
import dev.acs.broker.core.routing.RoutingDecision;
import dev.acs.broker.core.routing.RoutingPolicies;
import dev.acs.broker.core.testing.Agents;
import java.time.Clock;
import java.time.Duration;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;

/**
 * The real pipeline: {@link AmqpTransport} feeding the core's {@link RoutingService} with a {@link
 * MessageRouter} over the configured policy and a registry snapshot of stand-in idle agents.
 */
final class BrokerRelay extends Relay {

  private final AmqpTransport transport;
  private final RoutingService service;
  private final String name;
  private @Nullable Subscription subscription;

  /**
   * The pipeline on these settings.
   *
   * @param name how the benchmark reports it
   * @param headers the decision headers the core adds to each message
   */
  BrokerRelay(
      String name, AmqpSettings settings, int agents, String policy, DecisionHeaders headers) {
    this.name = name;
    BrokerIdentity identity = new BrokerIdentity("broker_bench", "bench");
    this.transport = new AmqpTransport(settings, identity, AmqpListener.NONE);
    AgentRegistry registry = new AgentRegistry(Availability.reference(), Clock.systemUTC());
    registry.apply(
        AgentStatusUpdate.snapshot(
            IntStream.rangeClosed(1, agents).mapToObj(i -> Agents.idle("agent-" + i)).toList()));
    OutstandingWork work = new OutstandingWork(Clock.systemUTC(), Duration.ofMinutes(5));
    MessageRouter router =
        new MessageRouter(
            RoutingPolicies.named(policy, work, RoutingPolicies.threadSafeRandom(), false));
    this.service =
        RoutingService.builder(identity, registry, router, transport.outbound())
            .outstandingWork(work)
            .decisionHeaders(headers)
            .observer(
                new RoutingObserver() {
                  @Override
                  public void settled(
                      MessageEnvelope message, RoutingDecision decision, long relayNanos) {
                    BrokerRelay.this.settled(relayNanos);
                  }

                  @Override
                  public void publishFailed(MessageEnvelope message, Throwable cause) {
                    failed();
                  }
                })
            .build();
  }

  @Override
  String name() {
    return name;
  }

  @Override
  void start() throws InterruptedException {
    transport.connect();
    subscription = transport.inbound().start(service);
  }

  @Override
  void abort() {
    transport.close();
  }

  @Override
  void stop() throws InterruptedException {
    if (subscription != null) {
      subscription.cancel();
    }
    service.awaitSettled(Duration.ofSeconds(30));
    transport.close();
  }
}
