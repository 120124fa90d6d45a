package dev.acs.broker.adapter.amqp;

import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultSaslConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * TLS for the RabbitMQ connections: whom to trust (a PEM file of CA certificates, a PKCS12/JKS
 * trust store, or the JVM's default), which client certificate to present, TLS 1.2 and 1.3 only,
 * and host name verification unless switched off.
 */
final class AmqpTls {

  /** The only protocol versions offered: TLS 1.0 and 1.1 are broken and RabbitMQ disables them. */
  static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  private static final Pattern PEM_KEY =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

  private AmqpTls() {}

  /** Turns TLS (and the EXTERNAL mechanism) on in {@code factory} as {@code settings} say. */
  static void configure(ConnectionFactory factory, AmqpSettings settings) {
    if (!settings.tls()) {
      return;
    }
    // Not useSslProtocol(SSLContext): it turns host name verification on whatever the settings say
    // (amqp-client 5.x), so tlsVerifyHostname=false was ignored.
    factory.setSocketFactory(sslContext(settings).getSocketFactory());
    if (settings.tlsVerifyHostname()) {
      factory.enableHostnameVerification();
    }
    factory.setSocketConfigurator(
        factory.getSocketConfigurator().andThen(AmqpTls::restrictProtocols));
    if (settings.externalAuth()) {
      factory.setSaslConfig(DefaultSaslConfig.EXTERNAL);
    }
  }

  /**
   * Offers TLS 1.3 and 1.2 only, whatever the JVM's {@code jdk.tls.client.protocols} allows; a
   * server that speaks neither fails the handshake.
   */
  static void restrictProtocols(Socket socket) {
    if (socket instanceof SSLSocket ssl) {
      List<String> supported = Arrays.asList(ssl.getSupportedProtocols());
      ssl.setEnabledProtocols(
          PROTOCOLS.stream().filter(supported::contains).toArray(String[]::new));
    }
  }

  static SSLContext sslContext(AmqpSettings settings) {
    Path trustStore = settings.trustStore();
    Path clientCertificate = settings.clientCertificate();
    Path clientKey = settings.clientKey();
    try {
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trustStore == null ? null : trustStore(trustStore, settings.trustStorePassword()));
      KeyManagerFactory keys = null;
      if (clientCertificate != null && clientKey != null) {
        keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        char[] none = new char[0];
        keys.init(clientIdentity(clientCertificate, clientKey, none), none);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot set up TLS to RabbitMQ (trust: "
              + (trustStore == null ? "the JVM's default trust store" : trustStore)
              + (clientCertificate == null
                  ? ""
                  : ", client certificate: " + clientCertificate + ", key: " + clientKey)
              + "): "
              + e.getMessage(),
          e);
    }
  }

  /** A PEM file of CA certificates, or a PKCS12/JKS store. */
  private static KeyStore trustStore(Path file, @Nullable String password)
      throws IOException, GeneralSecurityException {
    if (isPem(file)) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int index = 0;
      for (Certificate certificate : certificates(file)) {
        store.setCertificateEntry("ca-" + index++, certificate);
      }
      if (index == 0) {
        throw new GeneralSecurityException(file + " holds no PEM certificate");
      }
      return store;
    }
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, password == null ? null : password.toCharArray());
    }
    return store;
  }

  private static KeyStore clientIdentity(Path certificateFile, Path keyFile, char[] password)
      throws IOException, GeneralSecurityException {
    Collection<? extends Certificate> chain = certificates(certificateFile);
    if (chain.isEmpty()) {
      throw new GeneralSecurityException(certificateFile + " holds no PEM certificate");
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry(
        "client",
        privateKey(keyFile, chain.iterator().next()),
        password,
        chain.toArray(Certificate[]::new));
    return store;
  }

  private static Collection<? extends Certificate> certificates(Path file)
      throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(file)) {
      return new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(in));
    }
  }

  /** An unencrypted PKCS#8 PEM key ({@code BEGIN PRIVATE KEY}) of the certificate's algorithm. */
  private static PrivateKey privateKey(Path file, Certificate certificate)
      throws IOException, GeneralSecurityException {
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    Matcher pem = PEM_KEY.matcher(text);
    if (!pem.find()) {
      throw new GeneralSecurityException(
          file
              + " is not an unencrypted PKCS#8 PEM key (BEGIN PRIVATE KEY); convert it with"
              + " 'openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8.pem'");
    }
    byte[] der = Base64.getMimeDecoder().decode(pem.group(1));
    String algorithm = certificate.getPublicKey().getAlgorithm();
    return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
  }

  /**
   * The operator-facing explanation of a failed TLS handshake, or {@code null} when {@code failure}
   * is not one. A handshake that failed over a certificate or a protocol fails again on every
   * retry.
   */
  static @Nullable String handshakeRefusal(Throwable failure, AmqpSettings settings) {
    javax.net.ssl.SSLException ssl = null;
    java.security.cert.CertificateException certificate = null;
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (ssl == null && cause instanceof javax.net.ssl.SSLException found) {
        ssl = found;
      }
      if (cause instanceof java.security.cert.CertificateException found) {
        certificate = found;
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    if (ssl == null) {
      return null;
    }
    String where = "RabbitMQ at " + settings.endpoint();
    String detail = certificate != null ? certificate.getMessage() : ssl.getMessage();
    if (certificate != null && isNameMismatch(detail)) {
      return where
          + " presented a TLS certificate that is not valid for the host name '"
          + settings.host()
          + "' ("
          + detail
          + "); connect by a name or address the certificate lists (subject alternative names),"
          + " or turn host name verification off only if you accept being impersonated";
    }
    if (certificate != null) {
      return where
          + " presented a TLS certificate the broker does not trust ("
          + detail
          + "); set the trusted CA certificate (broker run: --rabbitmq-trust-cert) to the CA"
          + " that signed RabbitMQ's certificate";
    }
    return where
        + " failed the TLS handshake ("
        + ssl.getClass().getSimpleName()
        + ": "
        + detail
        + "); check that the port is RabbitMQ's TLS listener, that it accepts TLS 1.2 or 1.3, and"
        + " whether it requires a client certificate (broker run: --rabbitmq-client-cert and"
        + " --rabbitmq-client-key)";
  }

  private static boolean isNameMismatch(@Nullable String message) {
    return message != null
        && (message.contains("No subject alternative")
            || message.contains("No name matching")
            || message.contains("does not match"));
  }

  private static boolean isPem(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(64);
      return new String(head, StandardCharsets.ISO_8859_1).stripLeading().startsWith("-----BEGIN");
    }
  }
}
