package dev.acs.broker.app.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.acs.broker.adapter.amqp.AmqpConfigurationException;
import dev.acs.broker.adapter.amqp.AmqpListener;
import dev.acs.broker.adapter.amqp.AmqpSettings;
import dev.acs.broker.adapter.amqp.AmqpSettingsBuilder;
import dev.acs.broker.adapter.amqp.AmqpTransport;
import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.testsupport.PrivateRabbitNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TLS to RabbitMQ against a private node with a TLS listener and certificates from a CA made at
 * test time: the broker's transport connects when it trusts that CA, and refuses at start-up, with
 * an error that says what to fix, a certificate from another CA or one that does not name the host;
 * it offers TLS 1.2 and 1.3 only; and it can log in with a client certificate (EXTERNAL).
 *
 * <p>The server certificate names {@code localhost} only, so connecting to {@code 127.0.0.1} (the
 * same listener) is the wrong-host-name case.
 */
class RabbitTlsIT {

  private static final String CLIENT_USER = "broker-tls-client";

  private static Path directory;
  private static TestCa ca;
  private static TestCa otherCa;
  private static TestCa.Issued client;
  private static TestCa.Issued strangerClient;
  private static PrivateRabbitNode node;

  private AmqpTransport transport;

  @BeforeAll
  static void startNodeWithTls() throws Exception {
    directory = Files.createTempDirectory("broker-rabbit-tls");
    ca = TestCa.create("rabbit-test", directory);
    otherCa = TestCa.create("stranger", directory);
    TestCa.Issued server = ca.server("rabbit-server", "localhost");
    client = ca.client("rabbit-client", CLIENT_USER);
    strangerClient = otherCa.client("stranger-client", CLIENT_USER);
    readableByRabbitMq(directory);
    node =
        PrivateRabbitNode.start(
            new PrivateRabbitNode.Extras(
                List.of("rabbitmq_auth_mechanism_ssl"),
                List.of(
                    "listeners.ssl.1 = 127.0.0.1:{extraPort}",
                    "ssl_options.cacertfile = " + ca.certificatePem(),
                    "ssl_options.certfile = " + server.certificate(),
                    "ssl_options.keyfile = " + server.key(),
                    "ssl_options.verify = verify_peer",
                    "ssl_options.fail_if_no_peer_cert = false",
                    "ssl_options.versions.1 = tlsv1.3",
                    "ssl_options.versions.2 = tlsv1.2",
                    "auth_mechanisms.1 = PLAIN",
                    "auth_mechanisms.2 = AMQPLAIN",
                    "auth_mechanisms.3 = EXTERNAL",
                    "ssl_cert_login_from = common_name")));
    // EXTERNAL needs a user named after the certificate; its password is never used.
    node.ctl("add_user", CLIENT_USER, UUID.randomUUID().toString());
    node.ctl("set_permissions", "-p", "/", CLIENT_USER, ".*", ".*", ".*");
  }

  @AfterAll
  static void stopNode() throws IOException {
    if (node != null) {
      node.close();
    }
    if (directory != null) {
      try (Stream<Path> files = Files.walk(directory)) {
        files
            .sorted(java.util.Comparator.reverseOrder())
            .map(Path::toFile)
            .forEach(f -> f.delete());
      }
    }
  }

  @AfterEach
  void closeTransport() {
    if (transport != null) {
      transport.close();
    }
  }

  private static AmqpSettingsBuilder tls(String host) {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    return AmqpSettings.builder()
        .host(host)
        .port(node.extraPort())
        .tls(true)
        .trustStore(ca.certificatePem(), null)
        .inputQueue("tls-in-" + suffix)
        .outputQueue("tls-out-" + suffix)
        .deadLetterQueue("tls-dead-" + suffix)
        .connectionTimeout(Duration.ofSeconds(5))
        .reconnectBackoff(Duration.ofMillis(100), Duration.ofMillis(500));
  }

  private void connect(AmqpSettings settings) throws InterruptedException {
    transport = new AmqpTransport(settings, BrokerIdentity.generated("tls"), AmqpListener.NONE);
    transport.connect();
  }

  @Test
  void trustingTheCa_connectsOverTls12OrNewer() throws Exception {
    connect(tls("localhost").build());

    assertThat(transport.health().consumerOpen()).isTrue();
    String connections = node.ctl("list_connections", "ssl", "ssl_protocol", "user", "--quiet");
    assertThat(connections).contains("true").containsPattern("tlsv1\\.[23]").contains("guest");
    assertThat(connections).doesNotContain("tlsv1.1").doesNotContain("tlsv1\t");
  }

  @Test
  void aCertificateFromAnotherCa_isRefusedAtStartUp_namingTheTrustSetting() {
    AmqpSettings settings = tls("localhost").trustStore(otherCa.certificatePem(), null).build();

    assertThatThrownBy(() -> connect(settings))
        .isInstanceOf(AmqpConfigurationException.class)
        .hasMessageContaining("does not trust")
        .hasMessageContaining("--rabbitmq-trust-cert");
  }

  @Test
  void theJvmDefaultTrustStore_refusesThePrivateCa() {
    AmqpSettings settings = tls("localhost").trustStore(null, null).build();

    assertThatThrownBy(() -> connect(settings))
        .isInstanceOf(AmqpConfigurationException.class)
        .hasMessageContaining("does not trust");
  }

  @Test
  void aCertificateForAnotherHostName_isRefusedAtStartUp() {
    AmqpSettings settings = tls("127.0.0.1").build();

    assertThatThrownBy(() -> connect(settings))
        .isInstanceOf(AmqpConfigurationException.class)
        .hasMessageContaining("not valid for the host name '127.0.0.1'");
  }

  @Test
  void hostNameVerificationOff_acceptsTheMisnamedCertificate() throws Exception {
    connect(tls("127.0.0.1").tlsVerifyHostname(false).build());

    assertThat(transport.health().consumerOpen()).isTrue();
  }

  @Test
  void aClientCertificate_logsInWithExternal_asTheCertificatesCommonName() throws Exception {
    connect(
        tls("localhost")
            .username("ignored-by-external")
            .password("ignored-by-external")
            .clientCertificate(client.certificate(), client.key())
            .externalAuth(true)
            .build());

    assertThat(transport.health().consumerOpen()).isTrue();
    assertThat(
            node.ctl("list_connections", "user", "auth_mechanism", "peer_cert_subject", "--quiet"))
        .contains(CLIENT_USER)
        .contains("EXTERNAL");
  }

  @Test
  void aClientCertificateFromAnotherCa_isRefusedAtStartUp() {
    AmqpSettings settings =
        tls("localhost")
            .clientCertificate(strangerClient.certificate(), strangerClient.key())
            .externalAuth(true)
            .build();

    // With TLS 1.3 the client finishes its side of the handshake before the server checks the
    // client certificate, so the refusal arrives as a failed handshake or a refused login.
    assertThatThrownBy(() -> connect(settings))
        .isInstanceOf(AmqpConfigurationException.class)
        .message()
        .containsAnyOf("TLS handshake", "refused the EXTERNAL login");
  }

  private static void readableByRabbitMq(Path dir) throws IOException {
    // The node runs as the rabbitmq user; these are throw-away test keys.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.toList()) {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
      }
    }
  }
}
