package dev.acs.broker.app.wiring;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoSet;
import dev.acs.broker.adapter.grpc.GrpcCentralServer;
import dev.acs.broker.adapter.grpc.GrpcListener;
import dev.acs.broker.adapter.grpc.GrpcSettings;
import dev.acs.broker.app.config.BrokerConfig;
import dev.acs.broker.app.config.TlsConfig;
import dev.acs.broker.app.lifecycle.Transports;
import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.port.AgentStatusSource;
import java.time.Clock;
import java.time.Duration;
import java.util.random.RandomGenerator;
import javax.inject.Singleton;

/**
 * Binds the gRPC adapter to the core's agent status port. Subscribing registers the broker and
 * follows the stream; the adapter heals the stream by itself.
 */
@Module
public final class GrpcModule {

  private GrpcModule() {}

  @Provides
  @Singleton
  static GrpcSettings settings(BrokerConfig config) {
    BrokerConfig.Grpc grpc = config.grpc();
    Duration interval = grpc.livenessInterval();
    // A deadline shorter than the interval: a probe that times out is over before the next tick,
    // so two failures take 2 intervals + 1 deadline (GrpcSettings.livenessBound()).
    Duration half = interval.dividedBy(2);
    // GRPC_DEADLINE_SECONDS, the system's deadline of unary calls, replaces both defaults; the
    // probe's stays below half the interval for the reason above.
    Duration deadline = config.interop().grpcDeadline();
    Duration probeWanted = deadline != null ? deadline : GrpcSettings.DEFAULT_PROBE_DEADLINE;
    Duration probeDeadline = half.compareTo(probeWanted) < 0 ? half : probeWanted;
    GrpcSettings settings =
        GrpcSettings.defaults(grpc.host(), grpc.port()).withLiveness(interval, probeDeadline);
    if (deadline != null) {
      settings = settings.withRegistrationDeadline(deadline);
    }
    if (!grpc.tls()) {
      return settings;
    }
    TlsConfig tls = config.tls();
    GrpcSettings.ClientCertificate client =
        tls.grpcClientCertificate() == null || tls.grpcClientKey() == null
            ? null
            : new GrpcSettings.ClientCertificate(tls.grpcClientCertificate(), tls.grpcClientKey());
    return settings.withTls(grpc.trustCertificate()).withClientCertificate(client);
  }

  @Provides
  @Singleton
  static GrpcCentralServer centralServer(
      GrpcSettings settings,
      BrokerIdentity identity,
      Clock clock,
      RandomGenerator random,
      GrpcListener listener) {
    return GrpcCentralServer.create(settings, identity, clock, random, listener);
  }

  @Provides
  static AgentStatusSource statusSource(GrpcCentralServer centralServer) {
    return centralServer.statusSource();
  }

  @Provides
  @IntoSet
  @Transports
  static AutoCloseable closeGrpc(GrpcCentralServer centralServer) {
    return centralServer;
  }
}
