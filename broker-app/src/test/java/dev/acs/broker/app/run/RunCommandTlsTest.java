package dev.acs.broker.app.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acs.broker.app.cli.BrokerCli;
import dev.acs.broker.app.config.BrokerConfig;
import dev.acs.broker.app.config.TlsConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The TLS options of {@code broker run} (issue 16), in-process. */
class RunCommandTlsTest {

  private static final Map<String, String> REQUIRED =
      Map.of("GRPC_HOST", "central", "GRPC_PORT", "50051", "RABBITMQ_HOST", "rabbit");

  private final List<BrokerConfig> launched = new ArrayList<>();
  private final StringWriter err = new StringWriter();

  private int run(Map<String, String> environment, String... args) {
    CommandLine commandLine =
        BrokerCli.commandLine(
            environment,
            config -> {
              launched.add(config);
              return 0;
            });
    commandLine.setOut(new PrintWriter(new StringWriter(), true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  @Test
  void byDefault_hostNamesAreVerified_andNoClientCertificates() {
    assertThat(run(REQUIRED, "run")).isZero();

    assertThat(launched.get(0).tls()).isEqualTo(TlsConfig.DEFAULTS);
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

    assertThat(run(environment, "run")).as(err.toString()).isZero();

    assertThat(launched.get(0).tls())
        .isEqualTo(
            new TlsConfig(
                Path.of("/etc/ca.pem"),
                false,
                Path.of("/etc/rabbit.pem"),
                Path.of("/etc/rabbit.key"),
                true,
                Path.of("/etc/grpc.pem"),
                Path.of("/etc/grpc.key")));
  }

  @Test
  void aClientCertificateWithoutItsKey_isAUsageError() {
    assertThat(run(REQUIRED, "run", "--rabbitmq-tls", "--rabbitmq-client-cert", "c.pem"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--rabbitmq-client-cert and --rabbitmq-client-key");
  }

  @Test
  void externalWithoutAClientCertificate_isAUsageError() {
    assertThat(run(REQUIRED, "run", "--rabbitmq-tls", "--rabbitmq-auth-mechanism", "EXTERNAL"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("EXTERNAL logs in with a client certificate");
  }

  @Test
  void anUnknownMechanism_isAUsageError() {
    assertThat(run(REQUIRED, "run", "--rabbitmq-auth-mechanism", "KERBEROS")).isEqualTo(2);
    assertThat(err.toString()).contains("use PLAIN or EXTERNAL");
  }

  @Test
  void aTrustFileWithoutTls_isAUsageError() {
    assertThat(run(REQUIRED, "run", "--rabbitmq-trust-cert", "ca.pem")).isEqualTo(2);
    assertThat(err.toString()).contains("add --rabbitmq-tls");
    assertThat(run(REQUIRED, "run", "--grpc-client-cert", "c.pem", "--grpc-client-key", "k.pem"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("add --grpc-tls");
  }
}
