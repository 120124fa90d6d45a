package dev.acs.broker.app.config;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * The TLS material of both links beyond the on/off switches ({@code --rabbitmq-tls}, {@code
 * --grpc-tls}) and the gRPC trust certificate, which {@link BrokerConfig.RabbitMq} and {@link
 * BrokerConfig.Grpc} hold.
 *
 * @param rabbitTrustCertificate a PEM file of CA certificates (or a PKCS12/JKS trust store) that
 *     RabbitMQ's certificate must chain to, or {@code null} for the JVM's default trust store
 * @param rabbitVerifyHostname whether RabbitMQ's certificate must name the host connected to
 * @param rabbitClientCertificate a PEM client certificate to present to RabbitMQ, or {@code null}
 * @param rabbitClientKey its unencrypted PKCS#8 PEM key, or {@code null}
 * @param rabbitExternalAuth log in to RabbitMQ with the SASL {@code EXTERNAL} mechanism (the client
 *     certificate names the user) instead of user name and password
 * @param grpcClientCertificate a PEM client certificate to present to the central server, or {@code
 *     null}
 * @param grpcClientKey its PEM key, or {@code null}
 */
public record TlsConfig(
    @Nullable Path rabbitTrustCertificate,
    boolean rabbitVerifyHostname,
    @Nullable Path rabbitClientCertificate,
    @Nullable Path rabbitClientKey,
    boolean rabbitExternalAuth,
    @Nullable Path grpcClientCertificate,
    @Nullable Path grpcClientKey) {

  /** No extra material: default trust, host names verified, no client certificates. */
  public static final TlsConfig DEFAULTS = new TlsConfig(null, true, null, null, false, null, null);

  /** Requires certificates and keys in pairs, and a client certificate for {@code EXTERNAL}. */
  public TlsConfig {
    if ((rabbitClientCertificate == null) != (rabbitClientKey == null)) {
      throw new IllegalArgumentException(
          "--rabbitmq-client-cert and --rabbitmq-client-key go together; set both or neither");
    }
    if ((grpcClientCertificate == null) != (grpcClientKey == null)) {
      throw new IllegalArgumentException(
          "--grpc-client-cert and --grpc-client-key go together; set both or neither");
    }
    if (rabbitExternalAuth && rabbitClientCertificate == null) {
      throw new IllegalArgumentException(
          "--rabbitmq-auth-mechanism EXTERNAL logs in with a client certificate; set"
              + " --rabbitmq-client-cert and --rabbitmq-client-key");
    }
  }
}
