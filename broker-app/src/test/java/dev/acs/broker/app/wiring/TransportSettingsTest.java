package dev.acs.broker.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acs.broker.adapter.amqp.AmqpSettings;
import dev.acs.broker.adapter.grpc.GrpcSettings;
import dev.acs.broker.app.TestConfigs;
import dev.acs.broker.app.config.BrokerConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The failure-detection settings of {@code broker run} reach the adapters. */
class TransportSettingsTest {

  @Test
  void defaults_keepTheAdaptersDefaults() {
    BrokerConfig config = TestConfigs.config();

    assertThat(AmqpModule.settings(config).heartbeat()).isEqualTo(Duration.ofSeconds(15));
    GrpcSettings grpc = GrpcModule.settings(config);
    // broker run probes every 10 s (the adapter's own default is 25 s): the probe's fresh
    // last_seen values are how a silent agent is found within a minute (docs/interop.md).
    assertThat(grpc.livenessInterval()).isEqualTo(BrokerConfig.Grpc.DEFAULT_LIVENESS_INTERVAL);
    assertThat(grpc.livenessInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(grpc.probeDeadline()).isEqualTo(Duration.ofSeconds(5));
    assertThat(grpc.livenessBound()).isEqualTo(Duration.ofSeconds(25));
    assertThat(grpc.registrationDeadline()).isEqualTo(GrpcSettings.DEFAULT_REGISTRATION_DEADLINE);
  }

  @Test
  void grpcDeadlineSeconds_setsTheRegistrationDeadline_andCapsTheProbes() {
    BrokerConfig base = TestConfigs.config();
    BrokerConfig config =
        new BrokerConfig(
            base.identity(),
            new BrokerConfig.Grpc("127.0.0.1", 50051, false, null, Duration.ofSeconds(30)),
            base.rabbitMq(),
            base.snapshotTimeout(),
            base.drainTimeout(),
            base.routingPolicy(),
            base.parkTimeout(),
            base.waitForStickyAgent(),
            base.outstandingExpiry(),
            base.routableStates(),
            base.logFormat(),
            base.logLevel(),
            base.admin(),
            base.publishing(),
            base.redelivery(),
            new BrokerConfig.Interop(
                BrokerConfig.Interop.DEFAULTS.statusHold(),
                BrokerConfig.Interop.DEFAULTS.statusHoldGrace(),
                BrokerConfig.Interop.DEFAULTS.suspicion(),
                2,
                false,
                BrokerConfig.Interop.DEFAULTS.errorReceiver(),
                Duration.ofSeconds(3),
                null),
            dev.acs.broker.app.config.TlsConfig.DEFAULTS);

    GrpcSettings grpc = GrpcModule.settings(config);

    assertThat(grpc.registrationDeadline()).isEqualTo(Duration.ofSeconds(3));
    assertThat(grpc.probeDeadline()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void shortIntervals_reachTheAdapters_withAProbeDeadlineOfHalfTheInterval() {
    BrokerConfig base = TestConfigs.config();
    BrokerConfig.RabbitMq rabbit = base.rabbitMq();
    BrokerConfig config =
        new BrokerConfig(
            base.identity(),
            new BrokerConfig.Grpc("127.0.0.1", 50051, false, null, Duration.ofSeconds(2)),
            new BrokerConfig.RabbitMq(
                rabbit.host(),
                rabbit.port(),
                rabbit.username(),
                rabbit.password(),
                rabbit.virtualHost(),
                rabbit.tls(),
                rabbit.inputQueue(),
                rabbit.outputQueue(),
                rabbit.deadLetterQueue(),
                rabbit.prefetch(),
                Duration.ofSeconds(2)),
            base.snapshotTimeout(),
            base.drainTimeout(),
            base.routingPolicy(),
            base.parkTimeout(),
            base.waitForStickyAgent(),
            base.outstandingExpiry(),
            base.routableStates(),
            base.logFormat(),
            base.logLevel());

    AmqpSettings amqp = AmqpModule.settings(config);
    GrpcSettings grpc = GrpcModule.settings(config);

    assertThat(amqp.heartbeat()).isEqualTo(Duration.ofSeconds(2));
    assertThat(grpc.livenessInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(grpc.probeDeadline()).isEqualTo(Duration.ofSeconds(1));
    assertThat(grpc.livenessBound()).isEqualTo(Duration.ofSeconds(5));
  }
}
