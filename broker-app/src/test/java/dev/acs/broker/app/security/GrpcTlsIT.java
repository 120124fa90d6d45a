package dev.acs.broker.app.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.acs.broker.adapter.grpc.GrpcCentralServer;
import dev.acs.broker.adapter.grpc.GrpcSettings;
import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.agent.AgentStatusUpdate;
import dev.acs.broker.core.port.AgentStatusListener;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS to the central server against a TLS stand-in with certificates from a CA made at test time:
 * trust by PEM; a certificate from another CA, or one that does not name the host, is refused with
 * a reason that says what to fix; a client certificate is presented when configured (mutual TLS).
 * The server certificate names {@code localhost} only, so {@code 127.0.0.1} is the wrong name.
 */
class GrpcTlsIT {

  @TempDir static Path dir;
  private static TestCa ca;
  private static TestCa otherCa;
  private static TestCa.Issued serverCertificate;
  private static TestCa.Issued client;

  private TlsCentralServer server;
  private GrpcCentralServer adapter;
  private final Recording feed = new Recording();

  @BeforeAll
  static void makeCertificates() throws Exception {
    ca = TestCa.create("central-test", dir);
    otherCa = TestCa.create("central-stranger", dir);
    serverCertificate = ca.server("central-server", "localhost");
    client = ca.client("central-client", "broker-eu-1");
  }

  @AfterEach
  void stop() throws Exception {
    if (adapter != null) {
      adapter.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private GrpcSettings settings(String host, Path trust) {
    return GrpcSettings.defaults(host, server.port())
        .withBackoff(Duration.ofMillis(50), 1.6, 0.2, Duration.ofMillis(300))
        .withTls(trust);
  }

  private void follow(GrpcSettings settings) {
    adapter =
        GrpcCentralServer.create(
            settings, BrokerIdentity.generated("tls"), Clock.systemUTC(), new SplittableRandom(7));
    adapter.statusSource().subscribe(feed);
  }

  @Test
  void trustingTheCaByPem_followsTheStream() throws Exception {
    server = TlsCentralServer.start(serverCertificate, ca.certificatePem(), false);

    follow(settings("localhost", ca.certificatePem()));

    await("a snapshot over TLS")
        .atMost(Duration.ofSeconds(20))
        .until(() -> !feed.updates.isEmpty());
    assertThat(feed.updates.get(0).agents()).hasSize(1);
    assertThat(server.clientSubjects()).isNotEmpty().allMatch("none"::equals);
  }

  @Test
  void aCertificateFromAnotherCa_isRefused_namingTheTrustSetting() throws Exception {
    server = TlsCentralServer.start(serverCertificate, ca.certificatePem(), false);

    follow(settings("localhost", otherCa.certificatePem()));

    await("a refusal").atMost(Duration.ofSeconds(20)).until(() -> !feed.interruptions.isEmpty());
    assertThat(feed.interruptions.get(0)).contains("not trusted").contains("--grpc-trust-cert");
    assertThat(feed.updates).isEmpty();
    assertThat(server.clientSubjects()).isEmpty();
  }

  @Test
  void aCertificateForAnotherName_isRefused() throws Exception {
    server = TlsCentralServer.start(serverCertificate, ca.certificatePem(), false);

    follow(settings("127.0.0.1", ca.certificatePem()));

    await("a refusal").atMost(Duration.ofSeconds(20)).until(() -> !feed.interruptions.isEmpty());
    assertThat(feed.interruptions.get(0)).contains("not valid for the configured gRPC host");
    assertThat(feed.updates).isEmpty();
  }

  @Test
  void aClientCertificate_isPresentedToAServerThatRequiresOne() throws Exception {
    server = TlsCentralServer.start(serverCertificate, ca.certificatePem(), true);

    follow(
        settings("localhost", ca.certificatePem())
            .withClientCertificate(
                new GrpcSettings.ClientCertificate(client.certificate(), client.key())));

    await("a snapshot over mutual TLS")
        .atMost(Duration.ofSeconds(20))
        .until(() -> !feed.updates.isEmpty());
    assertThat(server.clientSubjects()).isNotEmpty().allMatch(s -> s.contains("CN=broker-eu-1"));
  }

  @Test
  void withoutAClientCertificate_aServerThatRequiresOne_refusesTheBroker() throws Exception {
    server = TlsCentralServer.start(serverCertificate, ca.certificatePem(), true);

    follow(settings("localhost", ca.certificatePem()));

    await("a refusal").atMost(Duration.ofSeconds(20)).until(() -> !feed.interruptions.isEmpty());
    assertThat(feed.updates).isEmpty();
    assertThat(feed.interruptions.get(0)).contains("UNAVAILABLE").contains("--grpc-client-cert");
  }

  /** What the adapter reported. */
  private static final class Recording implements AgentStatusListener {
    final List<AgentStatusUpdate> updates = new CopyOnWriteArrayList<>();
    final List<String> interruptions = new CopyOnWriteArrayList<>();

    @Override
    public void onStatus(AgentStatusUpdate update) {
      updates.add(update);
    }

    @Override
    public void onInterrupted(String reason) {
      interruptions.add(reason);
    }
  }
}
