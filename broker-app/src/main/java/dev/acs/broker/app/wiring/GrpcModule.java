package dev.acs.broker.app.wiring;

import dagger.Module;
import dagger.Provides;
import dev.acs.broker.core.port.AgentStatusSource;

/** Binds the gRPC adapter to the core's agent status port. */
@Module
public final class GrpcModule {

  private GrpcModule() {}

  @Provides
  static AgentStatusSource statusSource() {
    throw new UnsupportedOperationException("the gRPC adapter has not landed yet");
  }
}
