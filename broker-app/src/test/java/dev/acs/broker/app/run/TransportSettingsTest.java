package dev.acs.broker.app.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acs.broker.adapter.grpc.GrpcSettings;
import dev.acs.broker.app.config.BrokerConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The failure-detection settings of {@code broker run} reach the adapters' settings. */
class TransportSettingsTest {

  private final RunCommandLine cli = new RunCommandLine();

  private BrokerConfig launch(Map<String, String> environment, String... options) {
    String[] args = new String[options.length + 1];
    args[0] = "run";
    System.arraycopy(options, 0, args, 1, options.length);
    assertThat(cli.run(environment, args)).as(cli.err()).isZero();
    return cli.launchedConfig();
  }

  @Test
  void defaults_keepTheAdaptersDefaults() {
    BrokerConfig config = launch(RunCommandLine.REQUIRED);

    assertThat(config.rabbitMq().heartbeat()).isEqualTo(Duration.ofSeconds(15));
    GrpcSettings grpc = config.grpc();
    // broker run probes every 10 s (the adapter's own default is 25 s): the probe's fresh
    // last_seen values are how a silent agent is found within a minute (docs/interop.md).
    assertThat(grpc.livenessInterval()).isEqualTo(GrpcOptions.DEFAULT_LIVENESS_INTERVAL);
    assertThat(grpc.livenessInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(grpc.probeDeadline()).isEqualTo(Duration.ofSeconds(5));
    assertThat(grpc.livenessBound()).isEqualTo(Duration.ofSeconds(25));
    assertThat(grpc.registrationDeadline()).isEqualTo(GrpcSettings.DEFAULT_REGISTRATION_DEADLINE);
  }

  @Test
  void grpcDeadlineSeconds_setsTheRegistrationDeadline_andCapsTheProbes() {
    Map<String, String> environment = new HashMap<>(RunCommandLine.REQUIRED);
    environment.put("GRPC_DEADLINE_SECONDS", "3");

    GrpcSettings grpc = launch(environment, "--grpc-liveness-interval", "30s").grpc();

    assertThat(grpc.registrationDeadline()).isEqualTo(Duration.ofSeconds(3));
    assertThat(grpc.probeDeadline()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void shortIntervals_reachTheAdapters_withAProbeDeadlineOfHalfTheInterval() {
    BrokerConfig config =
        launch(
            RunCommandLine.REQUIRED,
            "--grpc-liveness-interval",
            "2s",
            "--rabbitmq-heartbeat",
            "2s");

    assertThat(config.rabbitMq().heartbeat()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.grpc().livenessInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.grpc().probeDeadline()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.grpc().livenessBound()).isEqualTo(Duration.ofSeconds(5));
  }
}
