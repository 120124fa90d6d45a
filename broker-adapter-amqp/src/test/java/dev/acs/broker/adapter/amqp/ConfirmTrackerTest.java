package dev.acs.broker.adapter.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ConfirmTrackerTest {

  private final AtomicLong clock = new AtomicLong();
  private final List<Long> latencies = new ArrayList<>();
  private final List<String> failures = new ArrayList<>();
  private final ConfirmTracker tracker =
      new ConfirmTracker(
          clock::get,
          new ConfirmTracker.Observer() {
            @Override
            public void confirmed(long latencyNanos) {
              latencies.add(latencyNanos);
            }

            @Override
            public void failed(String reason) {
              failures.add(reason);
            }
          });

  @Test
  void ack_single_completesOnlyThatPublish() {
    CompletableFuture<Void> first = tracker.register(1);
    CompletableFuture<Void> second = tracker.register(2);
    clock.set(500);

    tracker.ack(2, false);

    assertThat(second).isCompleted().isNotCompletedExceptionally();
    assertThat(first).isNotDone();
    assertThat(latencies).containsExactly(500L);
    assertThat(tracker.outstanding()).isEqualTo(1);
  }

  @Test
  void ack_multiple_completesEveryPublishUpToTheTag() {
    CompletableFuture<Void> first = tracker.register(1);
    CompletableFuture<Void> second = tracker.register(2);
    CompletableFuture<Void> third = tracker.register(3);
    CompletableFuture<Void> fourth = tracker.register(4);
    tracker.ack(2, false);

    tracker.ack(3, true);

    assertThat(List.of(first, second, third))
        .allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
    assertThat(fourth).isNotDone();
  }

  @Test
  void nack_failsThePublishes() {
    CompletableFuture<Void> first = tracker.register(1);
    CompletableFuture<Void> second = tracker.register(2);
    CompletableFuture<Void> third = tracker.register(3);

    tracker.nack(2, true);

    assertThat(first).isCompletedExceptionally();
    assertThat(second).isCompletedExceptionally();
    assertThat(third).isNotDone();
    tracker.nack(3, false);
    assertThat(third)
        .failsWithin(java.time.Duration.ZERO)
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(ConfirmTracker.PublishFailedException.class);
  }

  @Test
  void returnThenAck_failsThePublishWithThatBodyAndQueue() {
    CompletableFuture<Void> returned = tracker.register(1, "gone", bytes("a"));
    CompletableFuture<Void> otherBody = tracker.register(2, "gone", bytes("b"));
    CompletableFuture<Void> otherQueue = tracker.register(3, "there", bytes("a"));

    tracker.returned("gone", bytes("a"), "NO_ROUTE");
    tracker.ack(3, true);

    assertThat(returned).isCompletedExceptionally();
    assertThat(otherBody).isCompleted().isNotCompletedExceptionally();
    assertThat(otherQueue).isCompleted().isNotCompletedExceptionally();
    assertThat(failures).containsExactly("NO_ROUTE");
  }

  @Test
  void returnOfABodyPublishedTwice_failsBoth_soNothingUnroutedIsAcked() {
    CompletableFuture<Void> first = tracker.register(1, "q", bytes("same"));
    CompletableFuture<Void> second = tracker.register(2, "q", bytes("same"));

    tracker.returned("q", bytes("same"), "NO_ROUTE");
    tracker.ack(2, true);

    assertThat(first).isCompletedExceptionally();
    assertThat(second).isCompletedExceptionally();
  }

  @Test
  void failAll_failsOutstandingAndLaterRegistrations() {
    CompletableFuture<Void> first = tracker.register(1);
    CompletableFuture<Void> second = tracker.register(2);

    tracker.failAll("channel closed");

    assertThat(first).isCompletedExceptionally();
    assertThat(second).isCompletedExceptionally();
    assertThat(tracker.outstanding()).isZero();
    assertThat(tracker.register(1)).isCompletedExceptionally();
    tracker.ack(2, true); // a confirm from the dead channel changes nothing
    assertThat(tracker.outstanding()).isZero();
  }

  @Test
  void freshTracker_afterReset_startsAtOneAgain() {
    tracker.register(1);
    tracker.failAll("lost");
    ConfirmTracker next = new ConfirmTracker(clock::get, tracker_observer());

    CompletableFuture<Void> again = next.register(1);
    next.ack(1, false);

    assertThat(again).isCompleted().isNotCompletedExceptionally();
  }

  @Test
  void sendFailed_failsJustThatPublish() {
    CompletableFuture<Void> first = tracker.register(1);
    CompletableFuture<Void> second = tracker.register(2);

    tracker.sendFailed(2, "socket closed");

    assertThat(second).isCompletedExceptionally();
    assertThat(first).isNotDone();
  }

  @Test
  void confirmsForUnknownTags_areIgnored() {
    tracker.ack(7, true);
    tracker.nack(8, false);
    tracker.returned("q", bytes("x"), "x");

    assertThat(tracker.outstanding()).isZero();
    assertThat(failures).isEmpty();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static ConfirmTracker.Observer tracker_observer() {
    return new ConfirmTracker.Observer() {
      @Override
      public void confirmed(long latencyNanos) {}

      @Override
      public void failed(String reason) {}
    };
  }
}
