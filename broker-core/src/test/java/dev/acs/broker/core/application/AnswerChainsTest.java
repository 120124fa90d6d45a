package dev.acs.broker.core.application;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acs.broker.core.agent.AgentId;
import dev.acs.broker.core.message.DeadLetterReason;
import dev.acs.broker.core.message.MessageEnvelope;
import dev.acs.broker.core.message.MessageType;
import dev.acs.broker.core.routing.RoutingDecision;
import dev.acs.broker.core.testing.ManualClock;
import dev.acs.broker.core.testing.Messages;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AnswerChainsTest {

  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));

  private static MessageEnvelope answer(String id, String from, String original) {
    return MessageEnvelope.builder(MessageType.TEXT)
        .messageId(id)
        .senderId(from)
        .originalMessageId(original)
        .build();
  }

  @Test
  void memory_isBoundedByCapacity_oldestForgottenFirst() {
    AnswerChains chains = new AnswerChains(1, false, clock, 3, Duration.ofMinutes(15));
    for (int i = 0; i < 5; i++) {
      chains.delivered(Messages.fromFrontend("m" + i, "web_1"), AgentId.of("a"));
    }

    assertThat(chains.size()).isEqualTo(3);
    assertThat(chains.check(answer("x", "a", "m0"))).as("forgotten: a new chain").isNull();
    chains.delivered(answer("r4", "a", "m4"), AgentId.of("b"));
    assertThat(chains.check(answer("r5", "b", "r4")))
        .isInstanceOfSatisfying(
            RoutingDecision.DeadLetter.class,
            dead -> assertThat(dead.code()).isEqualTo(DeadLetterReason.HOP_LIMIT));
  }

  @Test
  void entries_expire() {
    AnswerChains chains = new AnswerChains(1, false, clock, 100, Duration.ofMinutes(15));
    chains.delivered(Messages.fromFrontend("m0", "web_1"), AgentId.of("a"));
    chains.delivered(answer("r1", "a", "m0"), AgentId.of("b"));

    clock.advance(Duration.ofMinutes(15));

    assertThat(chains.check(answer("r2", "b", "r1"))).isNull();
    chains.delivered(Messages.fromFrontend("m1", "web_1"), AgentId.of("a"));
    assertThat(chains.size()).as("expired entries dropped on the next insert").isEqualTo(1);
  }

  @Test
  void anAnswerFromAnotherAgentThanTheReceiver_isNotAHop() {
    AnswerChains chains = new AnswerChains(1, false, clock, 100, Duration.ofMinutes(15));
    chains.delivered(Messages.fromFrontend("m0", "web_1"), AgentId.of("a"));
    chains.delivered(answer("r1", "a", "m0"), AgentId.of("b"));

    assertThat(chains.check(answer("r2", "c", "r1"))).isNull();
    assertThat(chains.check(answer("r2", "b", "r1"))).isNotNull();
  }

  @Test
  void noLimit_andAnswersToAgents_remembersNothing() {
    AnswerChains chains = new AnswerChains(0, false, clock, 100, Duration.ofMinutes(15));
    chains.delivered(Messages.fromFrontend("m0", "web_1"), AgentId.of("a"));
    assertThat(chains.active()).isFalse();
    assertThat(chains.size()).isZero();
  }
}
