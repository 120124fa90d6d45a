package dev.acs.broker.app.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.acs.broker.app.TestConfigs;
import dev.acs.broker.app.wiring.TestBrokerComponent;
import dev.acs.broker.core.application.BrokerStartupException;
import dev.acs.broker.core.testing.Agents;
import dev.acs.broker.core.testing.FakeInboundMessages.Delivery;
import dev.acs.broker.core.testing.FakeInboundMessages.Settlement;
import dev.acs.broker.core.testing.Messages;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Start-up and orderly shutdown of the wired broker, over the in-memory fakes. */
class BrokerRunnerTest {

  private static final Duration WAIT = Duration.ofSeconds(5);

  private static CompletableFuture<Integer> runInBackground(
      TestBrokerComponent broker, ShutdownSignal signal) {
    CompletableFuture<Integer> exit = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                exit.complete(broker.runner().run(signal));
              } catch (Throwable failure) {
                exit.completeExceptionally(failure);
              }
            },
            "broker-main");
    thread.start();
    return exit;
  }

  @Test
  void run_routesUntilAskedToStop_thenClosesEverythingAndReturns0() throws Exception {
    TestBrokerComponent broker = TestBrokerComponent.create(TestConfigs.config());
    ShutdownSignal signal = new ShutdownSignal();
    CompletableFuture<Integer> exit = runInBackground(broker, signal);

    await("subscription").atMost(WAIT).until(broker.statusSource()::isSubscribed);
    broker.statusSource().snapshot(Agents.idle("agent_1"), Agents.idle("agent_2"));
    await("consuming").atMost(WAIT).until(broker.inbound()::isStarted);
    Delivery delivery =
        broker.inbound().offer(Messages.fromFrontend("m1", "web_00000001"), Map.of());
    assertThat(delivery.settlement()).isEqualTo(Settlement.ACKED);

    signal.request("test");

    assertThat(exit.get(5, TimeUnit.SECONDS)).isZero();
    assertThat(broker.inbound().isStarted()).isFalse();
    assertThat(broker.statusSource().isSubscribed()).isFalse();
    assertThat(broker.transport().closeCount()).isEqualTo(1);
    assertThat(signal.awaitStopped(Duration.ZERO)).isTrue();
  }

  @Test
  void stopRequestedWhileWaitingForTheSnapshot_endsStartUpAtOnceWithExit0() throws Exception {
    TestBrokerComponent broker =
        TestBrokerComponent.create(TestConfigs.config(Duration.ofMinutes(5), WAIT));
    ShutdownSignal signal = new ShutdownSignal();
    CompletableFuture<Integer> exit = runInBackground(broker, signal);
    await("subscription").atMost(WAIT).until(broker.statusSource()::isSubscribed);

    signal.request("SIGTERM");

    assertThat(exit.get(5, TimeUnit.SECONDS)).isZero();
    assertThat(broker.inbound().isStarted()).isFalse();
    assertThat(broker.statusSource().isSubscribed()).isFalse();
    assertThat(broker.transport().closeCount()).isEqualTo(1);
  }

  @Test
  void noSnapshotInTime_failsStartUpAfterReleasingEverything() {
    TestBrokerComponent broker =
        TestBrokerComponent.create(TestConfigs.config(Duration.ofMillis(50), WAIT));

    assertThatThrownBy(() -> broker.runner().run(new ShutdownSignal()))
        .isInstanceOf(BrokerStartupException.class)
        .hasMessageContaining("No agent snapshot");
    assertThat(broker.statusSource().isSubscribed()).isFalse();
    assertThat(broker.transport().closeCount()).isEqualTo(1);
  }

  @Test
  void stopRequestedBeforeStart_returns0WithoutConsuming() throws Exception {
    TestBrokerComponent broker = TestBrokerComponent.create(TestConfigs.config());
    ShutdownSignal signal = new ShutdownSignal();
    signal.request("early");

    assertThat(broker.runner().run(signal)).isZero();
    assertThat(broker.inbound().isStarted()).isFalse();
    assertThat(Thread.interrupted()).isFalse();
  }
}
