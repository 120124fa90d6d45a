package dev.acs.broker.app.run;

import dev.acs.broker.adapter.amqp.AmqpSettingsBuilder;
import dev.acs.broker.adapter.grpc.GrpcSettings;
import dev.acs.broker.app.config.EnvironmentDefaults;
import java.nio.file.Path;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code broker run}'s TLS material of both links (issue 16), beyond the on/off switches:
 * docs/configuration.md "TLS" and SECURITY.md. It completes the adapters' settings and refuses,
 * naming the options, material that does not fit the switches.
 */
final class TlsOptions {

  @Option(
      names = "--rabbitmq-trust-cert",
      paramLabel = "FILE",
      description =
          "With --rabbitmq-tls: PEM file of the CA certificates RabbitMQ's certificate must chain"
              + " to (or a PKCS12/JKS trust store without password); default: the JDK's trust"
              + " store. Env: RABBITMQ_TRUST_CERT.")
  private @Nullable Path rabbitTrustCertificate;

  @Option(
      names = "--rabbitmq-tls-verify-hostname",
      arity = "0..1",
      paramLabel = "BOOL",
      fallbackValue = "true",
      defaultValue = "true",
      description =
          "With --rabbitmq-tls: require RabbitMQ's certificate to name --rabbitmq-host. Turning it"
              + " off lets anyone with a certificate from a trusted CA impersonate RabbitMQ."
              + " Env: RABBITMQ_TLS_VERIFY_HOSTNAME. Default: ${DEFAULT-VALUE}.")
  private boolean rabbitVerifyHostname = true;

  @Option(
      names = "--rabbitmq-client-cert",
      paramLabel = "PEM",
      description =
          "With --rabbitmq-tls: client certificate (PEM, chain allowed) to present to RabbitMQ."
              + " Env: RABBITMQ_CLIENT_CERT.")
  private @Nullable Path rabbitClientCertificate;

  @Option(
      names = "--rabbitmq-client-key",
      paramLabel = "PEM",
      description =
          "The client certificate's key: unencrypted PKCS#8 PEM (BEGIN PRIVATE KEY)."
              + " Env: RABBITMQ_CLIENT_KEY.")
  private @Nullable Path rabbitClientKey;

  @Option(
      names = "--rabbitmq-auth-mechanism",
      paramLabel = "MECHANISM",
      defaultValue = "PLAIN",
      description =
          "PLAIN (user name and password) or EXTERNAL (the client certificate names the user;"
              + " RabbitMQ's rabbitmq_auth_mechanism_ssl plugin). Env: RABBITMQ_AUTH_MECHANISM."
              + " Default: ${DEFAULT-VALUE}.")
  private String rabbitAuthMechanism = "PLAIN";

  @Option(
      names = "--grpc-client-cert",
      paramLabel = "PEM",
      description =
          "With --grpc-tls: client certificate (PEM) to present to the central server."
              + " Env: GRPC_CLIENT_CERT.")
  private @Nullable Path grpcClientCertificate;

  @Option(
      names = "--grpc-client-key",
      paramLabel = "PEM",
      description = "The gRPC client certificate's key (PEM, PKCS#8). Env: GRPC_CLIENT_KEY.")
  private @Nullable Path grpcClientKey;

  /**
   * Sets the RabbitMQ TLS material and login mechanism.
   *
   * @param rabbitTls whether {@code --rabbitmq-tls} is on: the material needs it
   * @throws IllegalArgumentException naming the options that do not fit together
   */
  void applyTo(AmqpSettingsBuilder settings, CommandSpec command, boolean rabbitTls) {
    String mechanism = rabbitAuthMechanism.strip().toUpperCase(Locale.ROOT);
    if (!mechanism.equals("PLAIN") && !mechanism.equals("EXTERNAL")) {
      throw EnvironmentDefaults.unknownValue(
          command, "--rabbitmq-auth-mechanism", rabbitAuthMechanism, "PLAIN or EXTERNAL");
    }
    if ((rabbitClientCertificate == null) != (rabbitClientKey == null)) {
      throw new IllegalArgumentException(
          "--rabbitmq-client-cert and --rabbitmq-client-key go together; set both or neither");
    }
    if (mechanism.equals("EXTERNAL") && rabbitClientCertificate == null) {
      throw new IllegalArgumentException(
          "--rabbitmq-auth-mechanism EXTERNAL logs in with a client certificate; set"
              + " --rabbitmq-client-cert and --rabbitmq-client-key");
    }
    if (rabbitTrustCertificate != null && !rabbitTls) {
      throw new IllegalArgumentException(
          "--rabbitmq-trust-cert is only used with TLS; add --rabbitmq-tls");
    }
    if (rabbitClientCertificate != null && !rabbitTls) {
      throw new IllegalArgumentException(
          "--rabbitmq-client-cert is only used with TLS; add --rabbitmq-tls");
    }
    settings
        .tlsVerifyHostname(rabbitVerifyHostname)
        .trustStore(rabbitTrustCertificate, null)
        .clientCertificate(rabbitClientCertificate, rabbitClientKey)
        .externalAuth(mechanism.equals("EXTERNAL"));
  }

  /**
   * The client certificate to present to the central server, or {@code null} for none.
   *
   * @param grpcTls whether {@code --grpc-tls} is on: a client certificate needs it
   * @throws IllegalArgumentException naming the options that do not fit together
   */
  GrpcSettings.@Nullable ClientCertificate grpcClientCertificate(boolean grpcTls) {
    if (grpcClientCertificate == null || grpcClientKey == null) {
      if (grpcClientCertificate != null || grpcClientKey != null) {
        throw new IllegalArgumentException(
            "--grpc-client-cert and --grpc-client-key go together; set both or neither");
      }
      return null;
    }
    if (!grpcTls) {
      throw new IllegalArgumentException(
          "--grpc-client-cert is only used with TLS; add --grpc-tls");
    }
    return new GrpcSettings.ClientCertificate(grpcClientCertificate, grpcClientKey);
  }
}
