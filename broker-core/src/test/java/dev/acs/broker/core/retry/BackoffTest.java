package dev.acs.broker.core.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private static Backoff defaults(RandomGenerator random) {
    return new Backoff(Duration.ofSeconds(1), 1.6, 0.2, Duration.ofSeconds(30), random);
  }

  private static List<Duration> take(Backoff backoff, int count) {
    List<Duration> delays = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      delays.add(backoff.nextDelay());
    }
    return delays;
  }

  @Test
  void withoutJitter_delaysGrowByTheMultiplierUpToTheCap() {
    Backoff backoff =
        new Backoff(
            Duration.ofSeconds(1), 1.6, 0.0, Duration.ofSeconds(30), new SplittableRandom(1));

    assertThat(take(backoff, 10))
        .extracting(Duration::toMillis)
        .containsExactly(1000L, 1600L, 2560L, 4096L, 6553L, 10485L, 16777L, 26843L, 30000L, 30000L);
  }

  @Test
  void withJitter_eachDelayStaysWithinTwentyPercentOfItsStep_andTheStepStopsBelowTheCap() {
    Backoff backoff = defaults(new SplittableRandom(42));
    double base = 1000;
    for (int step = 0; step < 30; step++) {
      long delay = backoff.nextDelay().toMillis();
      assertThat(delay)
          .as("step %d", step)
          .isBetween(
              (long) Math.floor(base * 0.8) - 1, (long) Math.min(Math.ceil(base * 1.2), 30_000));
      base = Math.min(base * 1.6, 25_000);
    }
  }

  @Test
  void jitter_scalesEachStepByTheDrawnFactor() {
    // Jitter 0.25 keeps the arithmetic exact: the lowest draw 0.0 gives the factor 0.75, the
    // middle 0.5 gives 1.0, and 0.75 gives 1.125.
    Backoff backoff =
        new Backoff(
            Duration.ofSeconds(1), 2.0, 0.25, Duration.ofSeconds(30), scripted(0.0, 0.5, 0.75));

    assertThat(take(backoff, 3)).extracting(Duration::toMillis).containsExactly(750L, 2000L, 4500L);
  }

  @Test
  void atTheCap_jitteredDelaysStayAtOrBelowMax() {
    // The step stops growing at 25 s / 1.25 = 20 s, so the highest draw lands on 25 s (never
    // beyond) and the lowest on 15 s.
    Backoff backoff =
        new Backoff(
            Duration.ofSeconds(20),
            2.0,
            0.25,
            Duration.ofSeconds(25),
            scripted(0.0, Math.nextDown(1.0)));

    assertThat(take(backoff, 2)).extracting(Duration::toMillis).containsExactly(15_000L, 25_000L);
  }

  @Test
  void withoutJitter_theRandomSourceIsNeverAsked() {
    Backoff backoff =
        new Backoff(Duration.ofMillis(10), 1.6, 0.0, Duration.ofMillis(100), scripted());

    assertThat(take(backoff, 5))
        .extracting(Duration::toMillis)
        .containsExactly(10L, 16L, 25L, 40L, 65L);
  }

  @Test
  void jitter_spreadsDelaysRatherThanRepeatingOne() {
    Backoff backoff =
        new Backoff(
            Duration.ofSeconds(1), 1.0, 0.2, Duration.ofSeconds(1), new SplittableRandom(7));

    assertThat(take(backoff, 50)).doesNotHaveDuplicates();
  }

  @Test
  void neverExceedsTheCap_evenWithJitter() {
    Backoff backoff = defaults(new SplittableRandom(3));

    assertThat(take(backoff, 200))
        .allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(Duration.ofSeconds(30)));
  }

  @Test
  void sameSeed_sameDelays() {
    assertThat(take(defaults(new SplittableRandom(99)), 20))
        .isEqualTo(take(defaults(new SplittableRandom(99)), 20));
  }

  @Test
  void reset_startsOverAtTheInitialDelay() {
    Backoff backoff =
        new Backoff(
            Duration.ofSeconds(1), 1.6, 0.0, Duration.ofSeconds(30), new SplittableRandom(1));
    take(backoff, 5);

    backoff.reset();

    assertThat(backoff.nextDelay()).isEqualTo(Duration.ofSeconds(1));
    assertThat(backoff.nextDelay()).isEqualTo(Duration.ofMillis(1600));
  }

  @Test
  void rejectsSettingsThatMakeNoSense() {
    RandomGenerator random = new SplittableRandom(1);
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, 1.6, 0.2, Duration.ofSeconds(1), random))
        .hasMessageContaining("initial backoff must be positive");
    assertThatThrownBy(
            () -> new Backoff(Duration.ofSeconds(2), 1.6, 0.2, Duration.ofSeconds(1), random))
        .hasMessageContaining("max backoff must be at least");
    assertThatThrownBy(
            () -> new Backoff(Duration.ofSeconds(1), 0.5, 0.2, Duration.ofSeconds(1), random))
        .hasMessageContaining("multiplier must be >= 1");
    assertThatThrownBy(
            () -> new Backoff(Duration.ofSeconds(1), 1.6, 1.0, Duration.ofSeconds(1), random))
        .hasMessageContaining("jitter must be in [0, 1)");
  }

  /** A random source that returns the given doubles in order and fails when asked for more. */
  private static RandomGenerator scripted(double... draws) {
    Deque<Double> queue = new ArrayDeque<>();
    for (double draw : draws) {
      queue.add(draw);
    }
    return new RandomGenerator() {
      @Override
      public double nextDouble() {
        Double next = queue.poll();
        if (next == null) {
          throw new AssertionError("the backoff asked for more random draws than scripted");
        }
        return next;
      }

      @Override
      public long nextLong() {
        throw new AssertionError("the backoff draws doubles only");
      }
    };
  }
}
