package dev.acs.broker.app.wiring;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoSet;
import dev.acs.broker.adapter.grpc.GrpcCentralServer;
import dev.acs.broker.adapter.grpc.GrpcListener;
import dev.acs.broker.adapter.grpc.GrpcSettings;
import dev.acs.broker.app.config.BrokerConfig;
import dev.acs.broker.app.lifecycle.Transports;
import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.port.AgentStatusSource;
import java.time.Clock;
import java.util.random.RandomGenerator;
import javax.inject.Singleton;

/**
 * Binds the gRPC adapter to the core's agent status port. Subscribing registers the broker and
 * follows the stream; the adapter heals the stream by itself.
 */
@Module
public final class GrpcModule {

  private GrpcModule() {}

  /** The settings {@code broker run}'s options made, as they are. */
  @Provides
  static GrpcSettings settings(BrokerConfig config) {
    return config.grpc();
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
