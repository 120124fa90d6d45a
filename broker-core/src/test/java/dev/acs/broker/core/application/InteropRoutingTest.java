package dev.acs.broker.core.application;

import static dev.acs.broker.core.testing.Agents.idle;
import static org.assertj.core.api.Assertions.assertThat;

import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.agent.Agent;
import dev.acs.broker.core.agent.AgentId;
import dev.acs.broker.core.agent.AgentRegistry;
import dev.acs.broker.core.agent.AgentState;
import dev.acs.broker.core.agent.AgentStatusUpdate;
import dev.acs.broker.core.agent.Availability;
import dev.acs.broker.core.message.Destination;
import dev.acs.broker.core.message.MessageEnvelope;
import dev.acs.broker.core.message.MessageType;
import dev.acs.broker.core.message.OutboundMessage;
import dev.acs.broker.core.routing.AgentSuspicion;
import dev.acs.broker.core.routing.MessageRouter;
import dev.acs.broker.core.routing.OutstandingWork;
import dev.acs.broker.core.routing.StickyRoutingPolicy;
import dev.acs.broker.core.testing.FakeInboundMessages;
import dev.acs.broker.core.testing.FakeInboundMessages.Delivery;
import dev.acs.broker.core.testing.FakeInboundMessages.Settlement;
import dev.acs.broker.core.testing.FlatDocument;
import dev.acs.broker.core.testing.ManualClock;
import dev.acs.broker.core.testing.ManualScheduler;
import dev.acs.broker.core.testing.Messages;
import dev.acs.broker.core.testing.RecordingOutboundPublisher;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The routing service against the real central server's behaviours of SPEC §7 (issue 17). */
class InteropRoutingTest {

  private static final Duration PARK_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration GRACE = Duration.ofSeconds(1);

  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private final AgentRegistry registry = new AgentRegistry(Availability.preferIdle(), clock);
  private final RecordingOutboundPublisher publisher = RecordingOutboundPublisher.confirming();
  private final FakeInboundMessages input = new FakeInboundMessages();
  private final OutstandingWork work = new OutstandingWork(clock, Duration.ofMinutes(5));

  private RoutingServiceBuilder builder(boolean parks) {
    RoutingServiceBuilder builder =
        RoutingService.builder(
                new BrokerIdentity("broker_1", "B"),
                registry,
                new MessageRouter(
                    new StickyRoutingPolicy(work, new SplittableRandom(1), false), parks),
                publisher)
            .clock(clock)
            .outstandingWork(work);
    if (parks) {
      builder.parking(PARK_TIMEOUT, scheduler);
    }
    return builder;
  }

  private Map<String, String> body(int index) {
    return FlatDocument.decode(publisher.published().get(index).body());
  }

  private static Agent seen(String id, AgentState state, String lastSeen) {
    return new Agent(
        AgentId.of(id),
        "Agent " + id,
        state,
        lastSeen,
        Map.of(AgentState.METRIC_KEY, state.wireName()));
  }

  @Nested
  @DisplayName("Hold while the status stream is down")
  class Hold {

    private final StatusHold hold = new StatusHold(StatusHold.Mode.HOLD, GRACE, clock, scheduler);

    @Test
    void messagesDuringAnOutage_waitForTheNextSnapshot_andGoByIt() {
      RoutingService service = builder(true).statusHold(hold, scheduler).build();
      registry.apply(AgentStatusUpdate.snapshot(List.of(idle("old"))));
      input.start(service);

      hold.interrupted("UNAVAILABLE: server gone");
      Delivery during = input.offer(Messages.fromFrontend("m1", "web_1"), Map.of());
      assertThat(publisher.published()).as("nothing goes to the last view's agent").isEmpty();
      assertThat(during.settlement()).isEqualTo(Settlement.PENDING);

      scheduler.advance(GRACE);
      assertThat(hold.declared()).isTrue();
      scheduler.advance(PARK_TIMEOUT.multipliedBy(3));
      assertThat(publisher.published()).as("no timeout into an error while held").isEmpty();

      // The restarted server knows nobody yet: the message keeps waiting for agents to report.
      // As the status feed does it: the registry applies the snapshot, then the hold hears it.
      registry.apply(AgentStatusUpdate.snapshot(List.of()));
      hold.onStatus(AgentStatusUpdate.snapshot(List.of()));
      assertThat(hold.holds()).isFalse();
      scheduler.advance(Duration.ofSeconds(20));
      assertThat(publisher.published()).as("a whole park timeout after the hold").isEmpty();

      registry.apply(AgentStatusUpdate.snapshot(List.of(idle("new"))));

      assertThat(body(0)).containsEntry("receiver_id", "new");
      assertThat(during.settlement()).isEqualTo(Settlement.ACKED);
      assertThat(service.inFlight()).isZero();
    }

    @Test
    void theHold_alsoParksWhenTheRouterItselfNeverParks() {
      RoutingService service = builder(false).statusHold(hold, scheduler).build();
      registry.apply(AgentStatusUpdate.snapshot(List.of(idle("a"))));
      input.start(service);
      hold.interrupted("stream completed by server");

      Delivery during = input.offer(Messages.fromFrontend("m1", "web_1"), Map.of());
      assertThat(publisher.published()).isEmpty();

      registry.apply(AgentStatusUpdate.snapshot(List.of(idle("a"))));
      hold.onStatus(AgentStatusUpdate.snapshot(List.of(idle("a"))));

      assertThat(body(0)).containsEntry("receiver_id", "a");
      assertThat(during.settlement()).isEqualTo(Settlement.ACKED);
    }

    @Test
    void lastViewMode_routesOnTheLastViewOnceTheGraceIsOver() {
      StatusHold lastView = new StatusHold(StatusHold.Mode.LAST_VIEW, GRACE, clock, scheduler);
      RoutingService service = builder(true).statusHold(lastView, scheduler).build();
      registry.apply(AgentStatusUpdate.snapshot(List.of(idle("a"))));
      input.start(service);
      lastView.interrupted("UNAVAILABLE");

      input.offer(Messages.fromFrontend("m1", "web_1"), Map.of());
      assertThat(publisher.published()).as("parked during the grace").isEmpty();

      scheduler.advance(GRACE);

      assertThat(body(0)).containsEntry("receiver_id", "a");
      input.offer(Messages.fromFrontend("m2", "web_2"), Map.of());
      assertThat(publisher.published()).hasSize(2);
      assertThat(service.parkedCount()).isZero();
    }

    @Test
    void aDelta_doesNotLiftTheHold() {
      hold.interrupted("UNAVAILABLE");
      hold.onStatus(AgentStatusUpdate.delta(List.of(idle("a"))));
      assertThat(hold.holds()).isTrue();
      hold.onStatus(AgentStatusUpdate.snapshot(List.of(idle("a"))));
      assertThat(hold.holds()).isFalse();
    }
  }

  @Nested
  @DisplayName("Distrust silent agents")
  class Distrust {

    private final AgentSuspicion suspicion =
        new AgentSuspicion(AgentSuspicion.Settings.DEFAULTS, clock);

    private void status(Agent... agents) {
      AgentStatusUpdate update = AgentStatusUpdate.snapshot(List.of(agents));
      suspicion.observe(update);
      registry.apply(update);
    }

    @Test
    void anAgentWhoseLastSeenStalls_isAvoided_andTheReasonSaysWhy() {
      RoutingService service = builder(true).suspicion(suspicion).build();
      input.start(service);
      // Server times without offset, as the real server writes them.
      status(
          seen("dead", AgentState.IDLE, "2026-01-01T10:00:00.000001"),
          seen("live", AgentState.IDLE, "2026-01-01T10:00:00.000002"));
      status(
          seen("dead", AgentState.IDLE, "2026-01-01T10:00:00.000001"),
          seen("live", AgentState.IDLE, "2026-01-01T10:00:31"));
      assertThat(suspicion.suspects()).containsOnlyKeys(AgentId.of("dead"));

      for (int i = 0; i < 20; i++) {
        input.offer(Messages.fromFrontend("m" + i, "web_" + i), Map.of());
      }

      assertThat(publisher.published())
          .allSatisfy(
              out ->
                  assertThat(FlatDocument.decode(out.body())).containsEntry("receiver_id", "live"));
      assertThat(publisher.published().get(0).headers().get(OutcomeRenderer.ROUTING_REASON))
          .contains("suspected and avoided: dead (" + AgentSuspicion.SILENT + ")");
    }

    @Test
    void aDemotedAgent_stillTakesWorkWhenNobodyHealthyCan() {
      RoutingService service = builder(true).suspicion(suspicion).build();
      input.start(service);
      status(
          seen("dead", AgentState.IDLE, "2026-01-01T10:00:00"),
          seen("live", AgentState.PAUSED, "2026-01-01T10:00:40"));

      input.offer(Messages.fromFrontend("m1", "web_1"), Map.of());

      assertThat(body(0)).containsEntry("receiver_id", "dead");
      assertThat(publisher.published().get(0).headers().get(OutcomeRenderer.ROUTING_REASON))
          .startsWith("no healthy agent available; taking suspected agent dead");
    }

    @Test
    void excludeMode_parksRatherThanUseASuspect() {
      AgentSuspicion strict =
          new AgentSuspicion(
              new AgentSuspicion.Settings(
                  AgentSuspicion.Mode.EXCLUDE, Duration.ofSeconds(30), Duration.ofSeconds(10)),
              clock);
      RoutingService service = builder(true).suspicion(strict).build();
      input.start(service);
      AgentStatusUpdate update =
          AgentStatusUpdate.snapshot(
              List.of(
                  seen("dead", AgentState.IDLE, "2026-01-01T10:00:00"),
                  seen("live", AgentState.PAUSED, "2026-01-01T10:00:40")));
      strict.observe(update);
      registry.apply(update);

      input.offer(Messages.fromFrontend("m1", "web_1"), Map.of());

      assertThat(publisher.published()).isEmpty();
      assertThat(service.parkedCount()).isEqualTo(1);
    }

    @Test
    void anIdleAgentThatSitsOnItsWork_isSuspected_untilItAnswers() {
      RoutingService service = builder(true).suspicion(suspicion).build();
      input.start(service);
      status(
          seen("a", AgentState.IDLE, "2026-01-01T10:00:00"),
          seen("b", AgentState.IDLE, "2026-01-01T10:00:00"));
      input.offer(Messages.fromFrontend("m1", "web_1"), Map.of());
      String chosen = body(0).get("receiver_id");
      String other = chosen.equals("a") ? "b" : "a";

      clock.advance(Duration.ofSeconds(9));
      suspicion.reevaluate();
      assertThat(suspicion.suspects()).isEmpty();
      clock.advance(Duration.ofSeconds(1));
      suspicion.reevaluate();
      assertThat(suspicion.suspects()).containsEntry(AgentId.of(chosen), AgentSuspicion.UNANSWERED);

      input.offer(Messages.fromFrontend("m2", "web_1"), Map.of());
      assertThat(body(1)).as("the conversation moves").containsEntry("receiver_id", other);

      input.offer(
          MessageEnvelope.builder(MessageType.TEXT)
              .messageId("r1")
              .senderId(chosen)
              .originalMessageId("m1")
              .build(),
          Map.of());
      assertThat(suspicion.suspects()).isEmpty();
    }

    @Test
    void aBusyAgent_isNotSuspectedForSlowAnswers() {
      RoutingService service = builder(true).suspicion(suspicion).build();
      input.start(service);
      status(seen("a", AgentState.IDLE, "2026-01-01T10:00:00"));
      input.offer(Messages.fromFrontend("m1", "web_1"), Map.of());
      status(seen("a", AgentState.BUSY, "2026-01-01T10:00:01"));

      clock.advance(Duration.ofMinutes(1));
      suspicion.reevaluate();

      assertThat(suspicion.suspects()).isEmpty();
    }

    @Test
    void withoutOtherAgentsReporting_nobodyIsSuspectedOfSilence() {
      status(seen("alone", AgentState.IDLE, "2026-01-01T10:00:00"));
      clock.advance(Duration.ofMinutes(5));
      status(seen("alone", AgentState.IDLE, "2026-01-01T10:00:00"));
      assertThat(suspicion.suspects()).isEmpty();
    }
  }

  @Nested
  @DisplayName("Answers that end")
  class Answers {

    private MessageEnvelope answer(String id, String from, String to) {
      return MessageEnvelope.builder(MessageType.TEXT)
          .messageId(id)
          .senderId(from)
          .originalMessageId(to)
          .routingStatus("pending")
          .build();
    }

    @Test
    void aChainBetweenTwoAgents_stopsAtTheHopLimit() {
      RoutingService service = builder(true).answers(2, false).build();
      registry.apply(AgentStatusUpdate.snapshot(List.of(idle("a"), idle("b"))));
      input.start(service);

      input.offer(Messages.fromFrontend("m0", "web_1"), Map.of());
      String previous = "m0";
      for (int hop = 1; hop <= 3; hop++) {
        String from = body(hop - 1).get("receiver_id");
        input.offer(answer("m" + hop, from, previous), Map.of());
        previous = "m" + hop;
      }

      List<OutboundMessage> out = publisher.published();
      assertThat(out).hasSize(4);
      assertThat(out.subList(0, 3))
          .allSatisfy(m -> assertThat(m.destination()).isEqualTo(Destination.SERVER));
      assertThat(out.get(3).destination()).isEqualTo(Destination.DEAD_LETTER);
      assertThat(out.get(3).headers())
          .containsEntry(OutcomeRenderer.DEAD_LETTER_REASON, "hop-limit");
    }

    @Test
    void answersToClient_returnsTheAnswerToTheFrontendThatAsked() {
      RoutingService service = builder(true).answers(2, true).build();
      registry.apply(AgentStatusUpdate.snapshot(List.of(idle("a"), idle("b"))));
      input.start(service);

      input.offer(Messages.fromFrontend("m0", "web_1"), Map.of());
      String agent = body(0).get("receiver_id");
      input.offer(answer("r1", agent, "m0"), Map.of());

      assertThat(body(1))
          .containsEntry("receiver_id", "web_1")
          .containsEntry("routing_status", "routed");
    }

    @Test
    void aMessageNamingAnUnknownOriginal_isRoutedAsUsual() {
      RoutingService service = builder(true).answers(1, false).build();
      registry.apply(AgentStatusUpdate.snapshot(List.of(idle("a"), idle("b"))));
      input.start(service);

      input.offer(answer("r1", "a", "never-routed"), Map.of());

      assertThat(body(0)).containsEntry("receiver_id", "b");
    }
  }

  @Nested
  @DisplayName("Errors people see")
  class Errors {

    @Test
    void serverForm_addressesServer_withTheReasonWhereTheServerReadsIt() {
      RoutingService service = builder(false).errorReceiver(ErrorReceiver.SERVER).build();
      registry.apply(AgentStatusUpdate.snapshot(List.of()));
      input.start(service);

      input.offer(Messages.fromFrontend("m1", "web_1"), Map.of("text_payload", "hello"));

      assertThat(body(0))
          .containsEntry("message_type", "ERROR")
          .containsEntry("receiver_id", "Server")
          .containsEntry("routing_status", "error")
          .containsEntry("routing_status_message", MessageRouter.NO_OTHER_AGENTS)
          .containsEntry("error_details", MessageRouter.NO_OTHER_AGENTS)
          .containsEntry("text_payload", "hello")
          .containsEntry("sender_id", "broker_1");
    }

    @Test
    void senderForm_keepsSpecSection4() {
      RoutingService service = builder(false).errorReceiver(ErrorReceiver.SENDER).build();
      registry.apply(AgentStatusUpdate.snapshot(List.of()));
      input.start(service);

      input.offer(Messages.fromFrontend("m1", "web_1"), Map.of("text_payload", "hello"));

      assertThat(body(0))
          .containsEntry("receiver_id", "web_1")
          .doesNotContainKey("routing_status_message")
          .containsEntry("error_details", MessageRouter.NO_OTHER_AGENTS);
    }
  }
}
