package dev.acs.broker.app.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acs.broker.adapter.amqp.AmqpHealth;
import dev.acs.broker.adapter.grpc.GrpcHealth;
import dev.acs.broker.app.admin.Readiness.Phase;
import dev.acs.broker.core.agent.RegistryHealth;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReadinessTest {

  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
  private static final Duration BOUND = Duration.ofMinutes(5);
  private static final GrpcHealth REGISTERED = new GrpcHealth(true, true, NOW, 0, null);
  private static final AmqpHealth AMQP_UP = new AmqpHealth(true, true, true, 0, null);
  private static final RegistryHealth FRESH =
      new RegistryHealth(true, true, NOW.minusSeconds(10), null, NOW);

  @Test
  void everythingUp_isReady() {
    Readiness.Report report = Readiness.evaluate(Phase.RUNNING, REGISTERED, FRESH, AMQP_UP, BOUND);

    assertThat(report.ready()).isTrue();
    assertThat(report.failing()).isEmpty();
    assertThat(report.checks())
        .extracting(Readiness.Check::name)
        .containsExactly("lifecycle", "central-server-registration", "agent-status", "rabbitmq");
  }

  @Test
  void duringStartUp_beforeTheFirstSnapshot_saysSo() {
    Readiness.Report report =
        Readiness.evaluate(
            Phase.STARTING,
            new GrpcHealth(false, false, null, 0, null),
            new RegistryHealth(false, false, null, "no status received yet", NOW),
            new AmqpHealth(false, false, false, 0, null),
            BOUND);

    assertThat(report.ready()).isFalse();
    assertThat(report.failing())
        .containsExactly("lifecycle", "central-server-registration", "agent-status", "rabbitmq");
    assertThat(report.checks().get(2).detail()).isEqualTo("waiting for the first snapshot");
    assertThat(report.checks().get(3).detail()).contains("connects after the first agent snapshot");
  }

  @Test
  void staleView_isNotReady_andSaysHowOld() {
    RegistryHealth stale = new RegistryHealth(true, true, NOW.minusSeconds(400), null, NOW);

    Readiness.Report report = Readiness.evaluate(Phase.RUNNING, REGISTERED, stale, AMQP_UP, BOUND);

    assertThat(report.failing()).containsExactly("agent-status");
    assertThat(report.checks().get(2).detail())
        .isEqualTo("agent view is stale: last update 6m 40s ago, bound 5m 0s");
  }

  @Test
  void streamDown_isNotReady_withTheInterruption() {
    RegistryHealth down =
        new RegistryHealth(true, false, NOW.minusSeconds(1), "UNAVAILABLE: io exception", NOW);
    GrpcHealth unregistered = new GrpcHealth(false, false, NOW, 3, "UNAVAILABLE: io exception");

    Readiness.Report report = Readiness.evaluate(Phase.RUNNING, unregistered, down, AMQP_UP, BOUND);

    assertThat(report.failing()).containsExactly("central-server-registration", "agent-status");
    assertThat(report.checks().get(2).detail())
        .isEqualTo("status stream down: UNAVAILABLE: io exception");
  }

  @Test
  void rabbitMqLost_isNotReady_namingTheConnection() {
    AmqpHealth consumerDown = new AmqpHealth(false, true, false, 1, "connection reset");

    Readiness.Report report =
        Readiness.evaluate(Phase.RUNNING, REGISTERED, FRESH, consumerDown, BOUND);

    assertThat(report.failing()).containsExactly("rabbitmq");
    assertThat(report.checks().get(3).detail())
        .isEqualTo("consumer connection down: connection reset");
  }

  @Test
  void stopping_isNotReady() {
    Readiness.Report report = Readiness.evaluate(Phase.STOPPING, REGISTERED, FRESH, AMQP_UP, BOUND);

    assertThat(report.failing()).containsExactly("lifecycle");
    assertThat(report.checks().get(0).detail()).isEqualTo("shutting down");
  }

  @Test
  void rabbitMqUp_saysWhichNodeEachConnectionIsOn() {
    AmqpHealth onCluster =
        new AmqpHealth(true, true, true, 0, null, "rabbit-2:5672", "rabbit-3:5672");

    Readiness.Report report =
        Readiness.evaluate(Phase.RUNNING, REGISTERED, FRESH, onCluster, BOUND);

    assertThat(report.checks().get(3).detail())
        .isEqualTo(
            "consumer and publisher connections open (consumer on rabbit-2:5672, publisher on"
                + " rabbit-3:5672)");
  }
}
