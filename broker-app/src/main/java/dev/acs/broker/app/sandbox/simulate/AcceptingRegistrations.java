package dev.acs.broker.app.sandbox.simulate;

import dev.acs.broker.proto.registration.BrokerRegistrationRequest;
import dev.acs.broker.proto.registration.BrokerRegistrationResponse;
import dev.acs.broker.proto.registration.BrokerRegistrationServiceGrpc;
import io.grpc.stub.StreamObserver;
import java.util.function.Consumer;

/**
 * The central server's {@code RegisterBroker} as the stand-in servers answer it: every broker is
 * accepted, with the real server's message, and a listener hears of each request first. Called on
 * gRPC's threads; the listener must be thread-safe.
 */
public final class AcceptingRegistrations
    extends BrokerRegistrationServiceGrpc.BrokerRegistrationServiceImplBase {

  private final Consumer<BrokerRegistrationRequest> listener;

  /** Accepts every broker and tells {@code listener} of each request. */
  public AcceptingRegistrations(Consumer<BrokerRegistrationRequest> listener) {
    this.listener = listener;
  }

  /** Accepts every broker, telling no one. */
  public AcceptingRegistrations() {
    this(request -> {});
  }

  @Override
  public void registerBroker(
      BrokerRegistrationRequest request,
      StreamObserver<BrokerRegistrationResponse> responseObserver) {
    listener.accept(request);
    responseObserver.onNext(
        BrokerRegistrationResponse.newBuilder()
            .setSuccess(true)
            .setMessage("Broker " + request.getBrokerName() + " registered")
            .build());
    responseObserver.onCompleted();
  }
}
