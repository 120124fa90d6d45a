package dev.acs.broker.app.run;

import dev.acs.broker.adapter.grpc.GrpcSettings;
import dev.acs.broker.app.config.DurationConverter;
import dev.acs.broker.app.config.EnvironmentDefaults;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code broker run}'s options for the central server's address and liveness probe: they make the
 * gRPC adapter's {@link GrpcSettings}, with the TLS material and deadline of other groups.
 */
final class GrpcOptions {

  /**
   * The liveness probe interval by default: short enough that the probe's fresh {@code last_seen}
   * values reveal a silent agent within a minute (SPEC §7), one small unary call per interval (the
   * adapter's own default is 25 s).
   */
  static final Duration DEFAULT_LIVENESS_INTERVAL = Duration.ofSeconds(10);

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
  private Duration grpcLivenessInterval = DEFAULT_LIVENESS_INTERVAL;

  /**
   * Where and how to reach the central server.
   *
   * @param interop the deadline of unary calls ({@code GRPC_DEADLINE_SECONDS}), if any; without it
   *     the adapter's registration deadline and a probe deadline of at most 10 s
   * @param tls the client certificate for mutual TLS, if any
   * @throws ParameterException when the host or port is missing
   * @throws IllegalArgumentException when a value is out of range
   */
  GrpcSettings settings(CommandSpec command, InteropOptions interop, TlsOptions tls) {
    String host = required(command, grpcHost, "--grpc-host");
    int port = required(command, grpcPort, "--grpc-port");
    Duration deadline = interop.grpcDeadline(command);
    GrpcSettings.ClientCertificate client = tls.grpcClientCertificate(grpcTls);
    // A probe deadline shorter than the interval: a probe that times out is over before the next
    // tick, so two failures take 2 intervals + 1 deadline (GrpcSettings.livenessBound()).
    // GRPC_DEADLINE_SECONDS, the system's deadline of unary calls, replaces both defaults; the
    // probe's stays below half the interval for the reason above.
    Duration half = grpcLivenessInterval.dividedBy(2);
    Duration probeWanted = deadline != null ? deadline : GrpcSettings.DEFAULT_PROBE_DEADLINE;
    GrpcSettings settings =
        GrpcSettings.defaults(host, port)
            .withLiveness(
                grpcLivenessInterval, half.compareTo(probeWanted) < 0 ? half : probeWanted);
    if (deadline != null) {
      settings = settings.withRegistrationDeadline(deadline);
    }
    // Without --grpc-tls a trust certificate is not used (and has never been refused).
    return grpcTls
        ? settings.withTls(grpcTrustCertificate).withClientCertificate(client)
        : settings;
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
