package dev.acs.broker.adapter.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GrpcSettingsTest {

  private final GrpcSettings defaults = GrpcSettings.defaults("central", 50051);

  @Test
  void defaults_arePlaintext_withBoundedLiveness_andLargeMessages() {
    assertThat(defaults.tls()).isFalse();
    assertThat(defaults.trustCertificate()).isNull();
    assertThat(defaults.registrationDeadline()).isEqualTo(Duration.ofSeconds(5));
    assertThat(defaults.livenessBound()).isEqualTo(Duration.ofSeconds(60));
    assertThat(defaults.maxInboundMessageBytes()).isEqualTo(64 * 1024 * 1024);
    assertThat(defaults.backoffInitial()).isEqualTo(Duration.ofSeconds(1));
    assertThat(defaults.backoffMultiplier()).isEqualTo(1.6);
    assertThat(defaults.backoffJitter()).isEqualTo(0.2);
    assertThat(defaults.backoffMax()).isEqualTo(Duration.ofSeconds(30));
    assertThat(defaults.target()).isEqualTo("central:50051");
  }

  @Test
  void livenessBound_isTwoIntervalsPlusOneProbeDeadline() {
    GrpcSettings settings = defaults.withLiveness(Duration.ofMillis(750), Duration.ofMillis(500));

    assertThat(settings.livenessBound()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void livenessBound_withTheDeadlineEqualToTheInterval_countsTheSkippedTick() {
    // The failing probe ends at the next tick, which finds it still in flight and is skipped.
    GrpcSettings settings = defaults.withLiveness(Duration.ofSeconds(2), Duration.ofSeconds(2));

    assertThat(settings.livenessBound()).isEqualTo(Duration.ofSeconds(8));
  }

  @Test
  void withTls_keepsTheRest() {
    GrpcSettings tls = defaults.withTls(Path.of("ca.pem"));

    assertThat(tls.tls()).isTrue();
    assertThat(tls.trustCertificate()).isEqualTo(Path.of("ca.pem"));
    assertThat(tls.host()).isEqualTo("central");
  }

  @Test
  void rejectsBadValues_sayingWhichOne() {
    assertThatThrownBy(() -> GrpcSettings.defaults(" ", 50051)).hasMessageContaining("host");
    assertThatThrownBy(() -> GrpcSettings.defaults("h", 0))
        .hasMessageContaining("port must be in 1..65535, was 0");
    assertThatThrownBy(() -> GrpcSettings.defaults("h", 70000)).hasMessageContaining("was 70000");
    assertThatThrownBy(() -> defaults.withRegistrationDeadline(Duration.ZERO))
        .hasMessageContaining("registration deadline must be positive");
    assertThatThrownBy(() -> defaults.withLiveness(Duration.ofSeconds(1), Duration.ofSeconds(2)))
        .hasMessageContaining("must not exceed the liveness interval");
    assertThatThrownBy(() -> defaults.withMaxInboundMessageBytes(0))
        .hasMessageContaining("max inbound");
    assertThatThrownBy(
            () -> defaults.withBackoff(Duration.ofSeconds(2), 1.6, 0.2, Duration.ofSeconds(1)))
        .hasMessageContaining("max backoff");
    assertThatThrownBy(
            () -> defaults.withBackoff(Duration.ofSeconds(1), 0.9, 0.2, Duration.ofSeconds(1)))
        .hasMessageContaining("multiplier");
    assertThatThrownBy(
            () -> defaults.withBackoff(Duration.ofSeconds(1), 1.6, -0.1, Duration.ofSeconds(1)))
        .hasMessageContaining("jitter");
  }

  @Test
  void trustCertificateWithoutTls_isRejected() {
    assertThatThrownBy(
            () ->
                new GrpcSettings(
                    "h",
                    1,
                    false,
                    Path.of("ca.pem"),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(1),
                    1,
                    Duration.ofSeconds(1),
                    1.6,
                    0.2,
                    Duration.ofSeconds(1),
                    null))
        .hasMessageContaining("only used with TLS");
  }

  @Test
  void clientCertificateWithoutTls_isRejected() {
    GrpcSettings plaintext = GrpcSettings.defaults("h", 1);
    GrpcSettings.ClientCertificate client =
        new GrpcSettings.ClientCertificate(Path.of("client.pem"), Path.of("client.key"));

    assertThatThrownBy(() -> plaintext.withClientCertificate(client))
        .hasMessageContaining("needs TLS");
    assertThat(plaintext.withTls(null).withClientCertificate(client).clientCertificate())
        .isEqualTo(client);
  }
}
