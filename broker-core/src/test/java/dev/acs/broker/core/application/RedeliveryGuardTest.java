package dev.acs.broker.core.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.acs.broker.core.testing.ManualClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RedeliveryGuardTest {

  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final RedeliveryGuard guard = new RedeliveryGuard(5, clock, Duration.ofMinutes(10), 3);

  private static byte[] body(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void firstDeliveries_areAllowed_andNotRemembered() {
    for (int i = 0; i < 100; i++) {
      assertThat(guard.admit(body("m" + i), false, null))
          .isEqualTo(new RedeliveryGuard.Verdict(1, true));
    }
    assertThat(guard.remembered()).isZero();
  }

  @Test
  void redeliveriesOnAClassicQueue_areCounted_andTheSixthOfFiveIsRefused() {
    byte[] poison = body("{\"message_id\":\"p\"}");
    assertThat(guard.admit(poison, false, null).attempt()).isEqualTo(1);
    for (int attempt = 2; attempt <= 5; attempt++) {
      assertThat(guard.admit(poison, true, null))
          .isEqualTo(new RedeliveryGuard.Verdict(attempt, true));
    }
    assertThat(guard.admit(poison, true, null)).isEqualTo(new RedeliveryGuard.Verdict(6, false));
  }

  @Test
  void forgetting_aSetAsideMessage_freesItsMemory() {
    byte[] poison = body("p");
    guard.admit(poison, true, null);
    assertThat(guard.remembered()).isEqualTo(1);

    guard.forget(poison);

    assertThat(guard.remembered()).isZero();
    assertThat(guard.admit(poison, true, null).attempt()).isEqualTo(2);
  }

  @Test
  void differentBodies_areCountedApart() {
    guard.admit(body("a"), true, null);
    guard.admit(body("a"), true, null);
    assertThat(guard.admit(body("b"), true, null).attempt()).isEqualTo(2);
    assertThat(guard.admit(body("a"), true, null).attempt()).isEqualTo(4);
  }

  @Test
  void theMemoryExpires_aMessageNotSeenForTheMemoryPeriodCountsAfresh() {
    byte[] message = body("m");
    guard.admit(message, true, null);
    guard.admit(message, true, null);
    clock.advance(Duration.ofMinutes(10));

    assertThat(guard.admit(message, true, null).attempt()).isEqualTo(2);
  }

  @Test
  void theMemoryIsBounded_theMessageSeenLongestAgoIsForgottenFirst() {
    guard.admit(body("a"), true, null);
    guard.admit(body("b"), true, null);
    guard.admit(body("c"), true, null);
    guard.admit(body("a"), true, null); // a is now the most recent
    guard.admit(body("d"), true, null); // evicts b

    assertThat(guard.remembered()).isEqualTo(3);
    assertThat(guard.admit(body("b"), true, null).attempt()).isEqualTo(2);
    assertThat(guard.admit(body("a"), true, null).attempt()).isEqualTo(4);
  }

  @Test
  void aQuorumQueuesDeliveryCount_isUsedAsIs_withoutMemory() {
    byte[] message = body("q");
    assertThat(guard.admit(message, true, 4L)).isEqualTo(new RedeliveryGuard.Verdict(5, true));
    assertThat(guard.admit(message, true, 5L)).isEqualTo(new RedeliveryGuard.Verdict(6, false));
    assertThat(guard.admit(message, false, 0L)).isEqualTo(new RedeliveryGuard.Verdict(1, true));
    assertThat(guard.remembered()).isZero();
  }

  @Test
  void aLimitOfOne_refusesEveryRedelivery() {
    RedeliveryGuard strict = new RedeliveryGuard(1, clock);
    assertThat(strict.admit(body("x"), false, null).allowed()).isTrue();
    assertThat(strict.admit(body("x"), true, null).allowed()).isFalse();
  }

  @Test
  void invalidSettings_areRefusedWithTheValue() {
    assertThatThrownBy(() -> new RedeliveryGuard(0, clock))
        .hasMessageContaining("at least 1, was 0");
    assertThatThrownBy(() -> new RedeliveryGuard(5, clock, Duration.ZERO, 1))
        .hasMessageContaining("positive");
    assertThatThrownBy(() -> new RedeliveryGuard(5, clock, Duration.ofMinutes(1), 0))
        .hasMessageContaining("capacity");
  }
}
