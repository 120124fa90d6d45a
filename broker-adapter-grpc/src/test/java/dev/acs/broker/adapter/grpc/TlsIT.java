package dev.acs.broker.adapter.grpc;

import static dev.acs.broker.adapter.grpc.FakeCentralServer.agent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.TlsServerCredentials;
import io.grpc.testing.TlsTesting;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS with grpc-testing's certificates; {@code central.test.google.fr} (a name the server
 * certificate is valid for) points at 127.0.0.1 through the test hosts file set in the pom.
 */
class TlsIT {

  private static final String HOST = "central.test.google.fr";

  @TempDir Path dir;
  private final RegistryFeed feed = new RegistryFeed();
  private NettyCentral central;
  private GrpcCentralServer adapter;
  private Path caFile;

  @BeforeEach
  void startTlsServer() throws Exception {
    FakeCentralServer fake = new FakeCentralServer();
    fake.setAgents(List.of(agent("a1", "idle")));
    Path cert = copy("server1.pem");
    Path key = copy("server1.key");
    caFile = copy("ca.pem");
    central = NettyCentral.startTls(fake, TlsServerCredentials.create(cert.toFile(), key.toFile()));
  }

  @AfterEach
  void tearDown() {
    if (adapter != null) {
      adapter.close();
    }
    central.close();
  }

  private Path copy(String name) throws Exception {
    Path target = dir.resolve(name);
    try (InputStream in = TlsTesting.loadCert(name)) {
      Files.copy(in, target);
    }
    return target;
  }

  private GrpcSettings settings() {
    return GrpcSettings.defaults(HOST, central.port())
        .withBackoff(Duration.ofMillis(50), 1.6, 0.2, Duration.ofMillis(300));
  }

  private GrpcCentralServer adapter(GrpcSettings settings) {
    adapter =
        GrpcCentralServer.create(
            settings, InProcessCentral.BROKER, Clock.systemUTC(), new SplittableRandom(1));
    return adapter;
  }

  @Test
  void tlsWithTheServersCa_followsTheStream() throws Exception {
    adapter(settings().withTls(caFile)).statusSource().subscribe(feed);

    await("snapshot over TLS").until(feed.updates::poll, Objects::nonNull);
    assertThat(feed.agentIds()).containsExactly("a1");
  }

  @Test
  void tlsWithoutTrustingTheServersCa_isReportedAndRetried() throws Exception {
    adapter(settings().withTls(null)).statusSource().subscribe(feed);

    assertThat(await("handshake failure").<String>until(feed.interruptions::poll, Objects::nonNull))
        .startsWith("registration failed: UNAVAILABLE");
    await("another attempt").until(feed.interruptions::poll, Objects::nonNull);
    assertThat(feed.registry.hasSnapshot()).isFalse();
  }

  @Test
  void plaintextAgainstATlsServer_neverGetsASnapshot() throws Exception {
    adapter(settings()).statusSource().subscribe(feed);

    assertThat(await("failure").<String>until(feed.interruptions::poll, Objects::nonNull))
        .startsWith("registration failed");
    assertThat(feed.registry.hasSnapshot()).isFalse();
  }

  @Test
  void unreadableTrustCertificate_failsAtCreation_namingTheFile() {
    Path missing = dir.resolve("missing-ca.pem");

    assertThatThrownBy(() -> adapter(settings().withTls(missing)))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("trust certificate")
        .hasMessageContaining(missing.toString());
  }
}
