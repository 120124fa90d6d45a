package dev.acs.broker.adapter.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AmqpTlsTest {

  @TempDir Path dir;

  @Test
  void restrictProtocols_offersTls13And12Only_evenWhenOlderOnesAreEnabled() throws Exception {
    try (SSLSocket socket = (SSLSocket) SSLContext.getDefault().getSocketFactory().createSocket()) {
      socket.setEnabledProtocols(socket.getSupportedProtocols());

      AmqpTls.restrictProtocols(socket);

      assertThat(socket.getEnabledProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
    }
  }

  @Test
  void aClientKeyThatIsNotPkcs8Pem_isRefusedSayingHowToConvertIt() throws Exception {
    Path key = Files.writeString(dir.resolve("key.pem"), "-----BEGIN RSA PRIVATE KEY-----\n");
    Path certificate = Files.writeString(dir.resolve("cert.pem"), "not a certificate");
    AmqpSettings settings =
        AmqpSettings.builder().tls(true).clientCertificate(certificate, key).build();

    assertThatThrownBy(() -> AmqpTls.sslContext(settings))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot set up TLS to RabbitMQ")
        .hasMessageContaining(certificate.toString());
  }

  @Test
  void settings_requireCertificateAndKeyTogether_andTlsForThem() {
    Path file = dir.resolve("x.pem");

    assertThatThrownBy(() -> AmqpSettings.builder().tls(true).clientCertificate(file, null).build())
        .hasMessageContaining("needs its key");
    assertThatThrownBy(() -> AmqpSettings.builder().clientCertificate(file, file).build())
        .hasMessageContaining("tls is off");
    assertThatThrownBy(() -> AmqpSettings.builder().tls(true).externalAuth(true).build())
        .hasMessageContaining("EXTERNAL");
  }

  @Test
  void settingsToString_namesTheCertificate_neverThePassword() {
    AmqpSettings settings =
        AmqpSettings.builder()
            .password("s3cret-value")
            .tls(true)
            .clientCertificate(dir.resolve("c.pem"), dir.resolve("c.key"))
            .externalAuth(true)
            .build();

    assertThat(settings.toString())
        .contains("c.pem")
        .contains("EXTERNAL")
        .doesNotContain("s3cret-value");
  }
}
