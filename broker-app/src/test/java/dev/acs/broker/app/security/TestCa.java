package dev.acs.broker.app.security;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority made at test time (nothing is committed): issues server
 * certificates for given names and client certificates for given common names, written as PEM files
 * (certificates, and keys as unencrypted PKCS#8) into a directory.
 */
public final class TestCa {

  private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

  private final String name;
  private final KeyPair keys;
  private final X509Certificate certificate;
  private final Path directory;

  private TestCa(String name, KeyPair keys, X509Certificate certificate, Path directory) {
    this.name = name;
    this.keys = keys;
    this.certificate = certificate;
    this.directory = directory;
  }

  /** A new self-signed CA named {@code name}, writing its files into {@code directory}. */
  public static TestCa create(String name, Path directory) throws IOException {
    try {
      KeyPair keys = rsa();
      X500Name subject = new X500Name("CN=" + name + ",O=broker tests");
      X509v3CertificateBuilder builder =
          builder(subject, subject, keys, Duration.ofDays(2))
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      X509Certificate certificate = sign(builder, keys.getPrivate());
      TestCa ca = new TestCa(name, keys, certificate, Files.createDirectories(directory));
      writePem(ca.certificatePem(), certificate);
      return ca;
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IOException("cannot create test CA " + name, e);
    }
  }

  /** The CA certificate as a PEM file: what a client trusts. */
  public Path certificatePem() {
    return directory.resolve(name + "-ca.pem");
  }

  /**
   * A server certificate and key for these DNS names and IP addresses ({@code "127.0.0.1"} style
   * strings are IP addresses), files {@code <file>.pem} and {@code <file>.key}.
   */
  public Issued server(String file, String... names) throws IOException {
    List<GeneralName> alternatives = new ArrayList<>();
    for (String alternative : names) {
      boolean ip = alternative.chars().allMatch(c -> Character.isDigit(c) || c == '.');
      alternatives.add(
          new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, alternative));
    }
    return issue(
        file,
        "CN=" + names[0] + ",O=broker tests",
        new GeneralNames(alternatives.toArray(GeneralName[]::new)),
        KeyPurposeId.id_kp_serverAuth);
  }

  /** A client certificate with this common name (RabbitMQ's EXTERNAL login takes it as user). */
  public Issued client(String file, String commonName) throws IOException {
    return issue(file, "CN=" + commonName + ",O=broker tests", null, KeyPurposeId.id_kp_clientAuth);
  }

  private Issued issue(String file, String subject, GeneralNames alternatives, KeyPurposeId purpose)
      throws IOException {
    try {
      KeyPair pair = rsa();
      X509v3CertificateBuilder builder =
          builder(
                  X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()),
                  new X500Name(subject),
                  pair,
                  Duration.ofDays(1))
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(
                  Extension.keyUsage,
                  true,
                  new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
              .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
      if (alternatives != null) {
        builder.addExtension(Extension.subjectAlternativeName, false, alternatives);
      }
      X509Certificate issued = sign(builder, keys.getPrivate());
      Issued result =
          new Issued(directory.resolve(file + ".pem"), directory.resolve(file + ".key"));
      writePem(result.certificate(), issued);
      writePem(result.key(), pair.getPrivate());
      return result;
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IOException("cannot issue " + subject, e);
    }
  }

  /** A certificate's and its key's PEM files. */
  public record Issued(Path certificate, Path key) {}

  private static X509v3CertificateBuilder builder(
      X500Name issuer, X500Name subject, KeyPair keys, Duration validity) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(
        issuer,
        BigInteger.valueOf(SERIAL.incrementAndGet()),
        Date.from(now.minus(Duration.ofHours(1))),
        Date.from(now.plus(validity)),
        subject,
        keys.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter()
        .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(key)));
  }

  private static KeyPair rsa() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  private static void writePem(Path file, Object object) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
      // A PrivateKey is written as PKCS#8 ("BEGIN PRIVATE KEY") by its encoded form.
      pem.writeObject(
          object instanceof PrivateKey key
              ? new org.bouncycastle.util.io.pem.PemObject("PRIVATE KEY", key.getEncoded())
              : object);
    }
    Files.writeString(file, text.toString());
  }
}
