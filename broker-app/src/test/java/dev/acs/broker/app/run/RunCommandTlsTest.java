package dev.acs.broker.app.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acs.broker.adapter.amqp.AmqpSettings;
import dev.acs.broker.adapter.grpc.GrpcSettings;
import dev.acs.broker.app.config.BrokerConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The TLS options of {@code broker run} (issue 16), in-process. */
class RunCommandTlsTest {

  private static final Map<String, String> REQUIRED = RunCommandLine.REQUIRED;

  private final RunCommandLine cli = new RunCommandLine();

  @Test
  void byDefault_hostNamesAreVerified_andNoClientCertificates() {
    assertThat(cli.run(REQUIRED, "run")).isZero();

    BrokerConfig config = cli.launchedConfig();
    AmqpSettings rabbit = config.rabbitMq();
    assertThat(rabbit.tlsVerifyHostname()).isTrue();
    assertThat(rabbit.trustStore()).isNull();
    assertThat(rabbit.clientCertificate()).isNull();
    assertThat(rabbit.clientKey()).isNull();
    assertThat(rabbit.externalAuth()).isFalse();
    assertThat(config.grpc().clientCertificate()).isNull();
  }

  @Test
  void everyTlsOption_hasItsEnvironmentVariable() {
    Map<String, String> environment = new HashMap<>(REQUIRED);
    environment.put("RABBITMQ_TLS", "true");
    environment.put("RABBITMQ_TRUST_CERT", "/etc/ca.pem");
    environment.put("RABBITMQ_TLS_VERIFY_HOSTNAME", "false");
    environment.put("RABBITMQ_CLIENT_CERT", "/etc/rabbit.pem");
    environment.put("RABBITMQ_CLIENT_KEY", "/etc/rabbit.key");
    environment.put("RABBITMQ_AUTH_MECHANISM", "external");
    environment.put("GRPC_TLS", "true");
    environment.put("GRPC_CLIENT_CERT", "/etc/grpc.pem");
    environment.put("GRPC_CLIENT_KEY", "/etc/grpc.key");

    assertThat(cli.run(environment, "run")).as(cli.err()).isZero();

    BrokerConfig config = cli.launchedConfig();
    AmqpSettings rabbit = config.rabbitMq();
    assertThat(rabbit.trustStore()).isEqualTo(Path.of("/etc/ca.pem"));
    assertThat(rabbit.tlsVerifyHostname()).isFalse();
    assertThat(rabbit.clientCertificate()).isEqualTo(Path.of("/etc/rabbit.pem"));
    assertThat(rabbit.clientKey()).isEqualTo(Path.of("/etc/rabbit.key"));
    assertThat(rabbit.externalAuth()).isTrue();
    assertThat(config.grpc().clientCertificate())
        .isEqualTo(
            new GrpcSettings.ClientCertificate(Path.of("/etc/grpc.pem"), Path.of("/etc/grpc.key")));
  }

  @Test
  void aClientCertificateWithoutItsKey_isAUsageError() {
    assertThat(cli.run(REQUIRED, "run", "--rabbitmq-tls", "--rabbitmq-client-cert", "c.pem"))
        .isEqualTo(2);
    assertThat(cli.err()).contains("--rabbitmq-client-cert and --rabbitmq-client-key");
  }

  @Test
  void externalWithoutAClientCertificate_isAUsageError() {
    assertThat(cli.run(REQUIRED, "run", "--rabbitmq-tls", "--rabbitmq-auth-mechanism", "EXTERNAL"))
        .isEqualTo(2);
    assertThat(cli.err()).contains("EXTERNAL logs in with a client certificate");
  }

  @Test
  void anUnknownMechanism_isAUsageError() {
    assertThat(cli.run(REQUIRED, "run", "--rabbitmq-auth-mechanism", "KERBEROS")).isEqualTo(2);
    assertThat(cli.err())
        .contains(
            "unknown value 'KERBEROS' for --rabbitmq-auth-mechanism (or RABBITMQ_AUTH_MECHANISM);"
                + " use PLAIN or EXTERNAL");
  }

  @Test
  void aTrustFileWithoutTls_isAUsageError() {
    assertThat(cli.run(REQUIRED, "run", "--rabbitmq-trust-cert", "ca.pem")).isEqualTo(2);
    assertThat(cli.err()).contains("add --rabbitmq-tls");
    assertThat(
            cli.run(REQUIRED, "run", "--grpc-client-cert", "c.pem", "--grpc-client-key", "k.pem"))
        .isEqualTo(2);
    assertThat(cli.err()).contains("add --grpc-tls");
  }
}
