package dev.acs.broker.core.routing;

import static dev.acs.broker.core.testing.Agents.idle;
import static dev.acs.broker.core.testing.Agents.named;
import static dev.acs.broker.core.testing.Agents.offline;
import static dev.acs.broker.core.testing.Agents.paused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.acs.broker.core.agent.Agent;
import dev.acs.broker.core.agent.AgentState;
import dev.acs.broker.core.agent.AgentStatusUpdate;
import dev.acs.broker.core.agent.AgentView;
import dev.acs.broker.core.agent.Availability;
import dev.acs.broker.core.message.DeadLetterReason;
import dev.acs.broker.core.message.MessageEnvelope;
import dev.acs.broker.core.message.MessageType;
import dev.acs.broker.core.message.WireFields;
import dev.acs.broker.core.testing.Messages;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class MessageRouterTest {

  private final MessageRouter router =
      new MessageRouter(new RandomRoutingPolicy(new SplittableRandom(7)));

  @Test
  void explicitReceiver_available_isHonoured() {
    RoutingDecision decision =
        router.decide(
            Messages.fromAgent(MessageType.REPLY, "m1", "a", "b"),
            view(idle("a"), idle("b"), idle("c")));

    assertThat(decision).isInstanceOf(RoutingDecision.Deliver.class);
    RoutingDecision.Deliver deliver = (RoutingDecision.Deliver) decision;
    assertThat(deliver.agent().id().value()).isEqualTo("b");
    assertThat(deliver.explicitReceiver()).isTrue();
  }

  @ParameterizedTest(name = "receiver {0} in {1}")
  @MethodSource("receiversNotAvailable")
  void explicitReceiver_notAvailable_isReplacedByAChoice(String receiver, AgentView view) {
    RoutingDecision decision =
        router.decide(Messages.fromAgent(MessageType.TEXT, "m1", "a", receiver), view);

    assertChosenByThePolicy(decision, "c");
  }

  /** A receiver that is offline, and one the registry has never heard of. */
  static Stream<Arguments> receiversNotAvailable() {
    return Stream.of(
        Arguments.of("b", view(idle("a"), offline("b"), idle("c"))),
        Arguments.of("ghost", view(idle("a"), idle("c"))));
  }

  @Test
  void explicitReceiver_withErrorStatus_isNotHonoured() {
    MessageEnvelope message =
        MessageEnvelope.builder(MessageType.TEXT)
            .senderId("a")
            .receiverId("b")
            .routingStatus(WireFields.STATUS_ERROR)
            .build();

    RoutingDecision decision = router.decide(message, view(idle("a"), idle("b")));

    assertChosenByThePolicy(decision, "b");
  }

  @Test
  void frontendMessageToServer_goesToSomeAvailableAgent() {
    RoutingDecision decision =
        router.decide(
            Messages.fromFrontend("k3x9qa", "web_1a2b3c4d"), view(idle("a"), paused("p")));

    assertThat(delivered(decision)).isIn("a", "p");
  }

  @Test
  void sender_isNeverChosen() {
    AgentView view = view(idle("a"), idle("b"));
    for (int i = 0; i < 1_000; i++) {
      assertThat(
              delivered(
                  router.decide(Messages.fromAgent(MessageType.TEXT, "m", "a", "server"), view)))
          .isEqualTo("b");
    }
  }

  @Test
  void senderIsTheOnlyAvailableAgent_getsTheOnlyYouText() {
    RoutingDecision decision =
        router.decide(
            Messages.fromAgent(MessageType.TEXT, "m1", "a", "server"),
            view(named("a", "Alice", AgentState.IDLE), offline("b")));

    assertThat(decision)
        .isEqualTo(
            new RoutingDecision.Reject(
                "Only you (Alice) are online right now.",
                "the sender is the only available agent"));
  }

  @Test
  void noAvailableAgent_getsTheGeneralText() {
    RoutingDecision decision =
        router.decide(Messages.fromFrontend("m1", "web_1"), view(offline("a")));

    assertThat(decision).isInstanceOf(RoutingDecision.Reject.class);
    assertThat(((RoutingDecision.Reject) decision).errorDetails())
        .isEqualTo("No other online agents available to handle the message.");
  }

  @Test
  void noAgentsAtAll_getsTheGeneralText() {
    RoutingDecision decision =
        router.decide(
            Messages.fromFrontend("m1", "web_1"), AgentView.empty(Availability.reference()));

    assertThat(((RoutingDecision.Reject) decision).errorDetails())
        .isEqualTo(MessageRouter.NO_OTHER_AGENTS);
  }

  @Test
  void errorMessages_areForwarded() {
    RoutingDecision decision =
        router.decide(Messages.fromAgent(MessageType.ERROR, "m1", "a", "web_1"), view(idle("b")));

    assertThat(decision).isInstanceOf(RoutingDecision.ForwardError.class);
  }

  @Test
  void statusUpdateWithAgents_isAbsorbed() {
    MessageEnvelope message =
        MessageEnvelope.builder(MessageType.AGENT_STATUS_UPDATE)
            .statusUpdate(AgentStatusUpdate.snapshot(List.of(idle("a"))))
            .build();

    assertThat(router.decide(message, view())).isInstanceOf(RoutingDecision.Absorb.class);
  }

  @Test
  void statusUpdateWithoutAgents_isDeadLettered() {
    MessageEnvelope message = MessageEnvelope.builder(MessageType.AGENT_STATUS_UPDATE).build();

    assertThat(router.decide(message, view()))
        .isInstanceOfSatisfying(
            RoutingDecision.DeadLetter.class,
            d -> assertThat(d.code()).isEqualTo(DeadLetterReason.MALFORMED_STATUS_UPDATE));
  }

  @ParameterizedTest
  @EnumSource(
      value = MessageType.class,
      names = {"TEXT", "REPLY", "SYSTEM", "ERROR", "AGENT_STATUS_UPDATE"},
      mode = EnumSource.Mode.EXCLUDE)
  void typesTheBrokerDoesNotRoute_areDeadLetteredWithTheirOwnReason(MessageType type) {
    RoutingDecision decision =
        router.decide(Messages.fromAgent(type, "m1", "a", "b"), view(idle("a"), idle("b")));

    assertThat(decision)
        .isInstanceOfSatisfying(
            RoutingDecision.DeadLetter.class,
            d -> {
              assertThat(d.code()).isEqualTo(DeadLetterReason.UNHANDLED_MESSAGE_TYPE);
              assertThat(d.reason()).contains(type.name());
            });
  }

  @ParameterizedTest
  @EnumSource(
      value = MessageType.class,
      names = {"TEXT", "REPLY", "SYSTEM"})
  void routableTypes_areDelivered(MessageType type) {
    assertThat(
            router.decide(
                Messages.fromAgent(type, "m1", "a", "server"), view(idle("a"), idle("b"))))
        .isInstanceOf(RoutingDecision.Deliver.class);
  }

  private static String delivered(RoutingDecision decision) {
    assertThat(decision).isInstanceOf(RoutingDecision.Deliver.class);
    return ((RoutingDecision.Deliver) decision).agent().id().value();
  }

  /** The message goes to {@code agent}, picked by the policy, not taken from its receiver. */
  private static void assertChosenByThePolicy(RoutingDecision decision, String agent) {
    assertThat(delivered(decision)).isEqualTo(agent);
    assertThat(((RoutingDecision.Deliver) decision).explicitReceiver()).isFalse();
  }

  private static AgentView view(Agent... agents) {
    return AgentView.of(1, Instant.EPOCH, Availability.reference(), Arrays.asList(agents));
  }
}
