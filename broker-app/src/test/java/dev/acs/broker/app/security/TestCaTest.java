package dev.acs.broker.app.security;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestCaTest {

  @TempDir Path dir;

  @Test
  void issuedServerCertificates_chainToTheirCaOnly() throws Exception {
    TestCa ca = TestCa.create("one", dir);
    TestCa other = TestCa.create("two", dir);
    X509Certificate server = read(ca.server("server", "localhost").certificate());

    assertThatCode(() -> trusting(ca).checkServerTrusted(new X509Certificate[] {server}, "RSA"))
        .doesNotThrowAnyException();
    assertThatThrownBy(
            () -> trusting(other).checkServerTrusted(new X509Certificate[] {server}, "RSA"))
        .isInstanceOf(CertificateException.class);
  }

  private static X509TrustManager trusting(TestCa ca) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setCertificateEntry("ca", read(ca.certificatePem()));
    TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
    factory.init(store);
    return (X509TrustManager) factory.getTrustManagers()[0];
  }

  private static X509Certificate read(Path pem) throws Exception {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }
}
