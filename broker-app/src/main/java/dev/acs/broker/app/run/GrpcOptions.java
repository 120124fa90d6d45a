package dev.acs.broker.app.run;

import dev.acs.broker.app.config.BrokerConfig;
import dev.acs.broker.app.config.DurationConverter;
import dev.acs.broker.app.config.EnvironmentDefaults;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code broker run}'s options for the central server's address and liveness probe. */
final class GrpcOptions {

  @Option(
      names = "--grpc-host",
      paramLabel = "HOST",
      description = "Central server host (required). Env: GRPC_HOST.")
  private @Nullable String grpcHost;

  @Option(
      names = "--grpc-port",
      paramLabel = "PORT",
      description = "Central server gRPC port, e.g. 50051 (required). Env: GRPC_PORT.")
  private @Nullable Integer grpcPort;

  @Option(
      names = "--grpc-tls",
      arity = "0..1",
      paramLabel = "BOOL",
      fallbackValue = "true",
      defaultValue = "false",
      description = "Use TLS to the central server. Env: GRPC_TLS. Default: ${DEFAULT-VALUE}.")
  private boolean grpcTls;

  @Option(
      names = "--grpc-trust-cert",
      paramLabel = "PEM",
      description =
          "PEM file of certificates to trust for gRPC TLS (default: the JDK's trust store)."
              + " Env: GRPC_TRUST_CERT.")
  private @Nullable Path grpcTrustCertificate;

  @Option(
      names = "--grpc-liveness-interval",
      paramLabel = "DURATION",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description =
          "How often the central server's liveness is probed with GetAgentStatus; a silently dead"
              + " connection is noticed within 2 intervals plus the probe deadline (the smaller of"
              + " 10s and half the interval). Env: GRPC_LIVENESS_INTERVAL."
              + " Default: ${DEFAULT-VALUE}.")
  private Duration grpcLivenessInterval = BrokerConfig.Grpc.DEFAULT_LIVENESS_INTERVAL;

  /**
   * Where and how to reach the central server.
   *
   * @throws ParameterException when the host or port is missing
   */
  BrokerConfig.Grpc toConfig(CommandSpec command) {
    return new BrokerConfig.Grpc(
        required(command, grpcHost, "--grpc-host"),
        required(command, grpcPort, "--grpc-port"),
        grpcTls,
        grpcTrustCertificate,
        grpcLivenessInterval);
  }

  /** The value of a required option, or a usage error naming it and its variable. */
  static <T> T required(CommandSpec command, @Nullable T value, String option) {
    if (value == null || (value instanceof String text && text.isBlank())) {
      throw new ParameterException(
          command.commandLine(),
          "Missing required option "
              + option
              + " (or environment variable "
              + EnvironmentDefaults.variableOf(command, option)
              + ")");
    }
    return value;
  }
}
