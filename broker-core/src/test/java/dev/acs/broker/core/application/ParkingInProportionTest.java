package dev.acs.broker.core.application;

import static dev.acs.broker.core.testing.Agents.busy;
import static dev.acs.broker.core.testing.Agents.idle;
import static dev.acs.broker.core.testing.Agents.offline;
import static org.assertj.core.api.Assertions.assertThat;

import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.agent.Agent;
import dev.acs.broker.core.agent.AgentRegistry;
import dev.acs.broker.core.agent.AgentStatusUpdate;
import dev.acs.broker.core.agent.AgentView;
import dev.acs.broker.core.agent.Availability;
import dev.acs.broker.core.message.MessageEnvelope;
import dev.acs.broker.core.routing.MessageRouter;
import dev.acs.broker.core.routing.RandomRoutingPolicy;
import dev.acs.broker.core.routing.RoutingPolicy;
import dev.acs.broker.core.testing.FakeInboundMessages;
import dev.acs.broker.core.testing.FakeInboundMessages.Delivery;
import dev.acs.broker.core.testing.FakeInboundMessages.Settlement;
import dev.acs.broker.core.testing.ManualClock;
import dev.acs.broker.core.testing.ManualScheduler;
import dev.acs.broker.core.testing.Messages;
import dev.acs.broker.core.testing.RecordingOutboundPublisher;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Parked messages cost work only when an update can help them, and leave through the release
 * executor, not on the thread that applied the update.
 */
class ParkingInProportionTest {

  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private final AgentRegistry registry = new AgentRegistry(Availability.preferIdle(), clock);
  private final RecordingOutboundPublisher publisher = RecordingOutboundPublisher.confirming();
  private final FakeInboundMessages input = new FakeInboundMessages();
  private final CountingPolicy policy = new CountingPolicy();
  private final ArrayDeque<Runnable> releases = new ArrayDeque<>();
  private final RoutingService service =
      RoutingService.builder(
              new BrokerIdentity("broker_1", "B"),
              registry,
              new MessageRouter(policy, true),
              publisher)
          .clock(clock)
          .parking(Duration.ofSeconds(30), scheduler)
          .releases(releases::add)
          .build();

  @Test
  void anUpdateThatMakesNoAgentNewlyRoutable_scansNothing_andReleasesNothing() {
    registry.apply(AgentStatusUpdate.snapshot(List.of(offline("a"), offline("b"))));
    input.start(service);
    for (int i = 0; i < 20; i++) {
      input.offer(Messages.fromFrontend("m" + i, "web_" + i), Map.of());
    }
    assertThat(service.parkedCount()).isEqualTo(20);
    int decisionsBefore = policy.calls;

    // A renamed offline agent, a newcomer that is offline, a full snapshot repeating all that.
    registry.apply(
        AgentStatusUpdate.delta(
            List.of(new Agent(offline("a").id(), "renamed", offline("a").state(), "x", Map.of()))));
    registry.apply(AgentStatusUpdate.delta(List.of(offline("c"))));
    registry.apply(AgentStatusUpdate.snapshot(List.of(offline("a"), offline("b"), offline("c"))));

    assertThat(policy.calls).as("no parked message was decided again").isEqualTo(decisionsBefore);
    assertThat(service.parkedCount()).isEqualTo(20);
    assertThat(releases).isEmpty();
  }

  @Test
  void anAgentMovingToAWorseTier_releasesNothing() {
    registry.apply(AgentStatusUpdate.snapshot(List.of(offline("a"), idle("b"))));
    input.start(service);
    policy.refuse = true; // park whatever comes
    input.offer(Messages.fromFrontend("m1", "web_1"), Map.of());
    int decisionsBefore = policy.calls;

    registry.apply(AgentStatusUpdate.delta(List.of(busy("b"))));

    assertThat(policy.calls).isEqualTo(decisionsBefore);
    assertThat(service.parkedCount()).isEqualTo(1);
  }

  @Test
  void releasedMessages_arePublishedByTheReleaseExecutor_notByTheUpdatingThread() {
    registry.apply(AgentStatusUpdate.snapshot(List.of(offline("a"))));
    input.start(service);
    Delivery first = input.offer(Messages.fromFrontend("m1", "web_1"), Map.of());
    Delivery second = input.offer(Messages.fromFrontend("m2", "web_1"), Map.of());

    registry.apply(AgentStatusUpdate.delta(List.of(idle("a"))));

    assertThat(service.parkedCount()).isZero();
    assertThat(publisher.published()).as("nothing published on the status thread").isEmpty();
    assertThat(first.settlement()).isEqualTo(Settlement.PENDING);
    assertThat(service.inFlight()).as("still counted until published").isEqualTo(2);

    releases.poll().run();

    assertThat(publisher.published()).hasSize(2);
    assertThat(first.settlement()).isEqualTo(Settlement.ACKED);
    assertThat(second.settlement()).isEqualTo(Settlement.ACKED);
    assertThat(service.inFlight()).isZero();
  }

  @Test
  void aParkTimeout_isPublishedByTheReleaseExecutorToo() {
    registry.apply(AgentStatusUpdate.snapshot(List.of(offline("a"))));
    input.start(service);
    Delivery parked = input.offer(Messages.fromFrontend("m1", "web_1"), Map.of());

    scheduler.advance(Duration.ofSeconds(30));
    assertThat(publisher.published()).isEmpty();
    releases.poll().run();

    assertThat(publisher.published()).hasSize(1);
    assertThat(parked.settlement()).isEqualTo(Settlement.ACKED);
  }

  /** Random choice that counts how often it is asked, and can be told to find nobody. */
  private static final class CountingPolicy implements RoutingPolicy {
    private final RandomRoutingPolicy random = new RandomRoutingPolicy(new SplittableRandom(1));
    int calls;
    boolean refuse;

    @Override
    public Optional<Agent> choose(MessageEnvelope message, AgentView agents) {
      calls++;
      return refuse ? Optional.empty() : random.choose(message, agents);
    }

    @Override
    public String name() {
      return "counting";
    }
  }
}
