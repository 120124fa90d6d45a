package dev.acs.broker.app.sandbox.simulate;

import dev.acs.broker.proto.status.AgentInfo;
import dev.acs.broker.proto.status.AgentStatusRequest;
import dev.acs.broker.proto.status.AgentStatusResponse;
import dev.acs.broker.proto.status.AgentStatusServiceGrpc;
import dev.acs.broker.proto.status.AgentStatusUpdateRequest;
import dev.acs.broker.proto.status.AgentStatusUpdateResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * The {@code AgentStatusService} of a {@link StandInCentralServer}: the wire side only, each call
 * handed to the server, which keeps the agents and the streams. Called on gRPC's threads.
 */
final class StandInStatusService extends AgentStatusServiceGrpc.AgentStatusServiceImplBase {

  private final StandInCentralServer server;

  StandInStatusService(StandInCentralServer server) {
    this.server = server;
  }

  @Override
  public void subscribeToAgentStatus(
      AgentStatusRequest request, StreamObserver<AgentStatusResponse> responseObserver) {
    server.subscribe((ServerCallStreamObserver<AgentStatusResponse>) responseObserver);
  }

  @Override
  public void getAgentStatus(
      AgentStatusRequest request, StreamObserver<AgentStatusResponse> responseObserver) {
    responseObserver.onNext(server.snapshot());
    responseObserver.onCompleted();
  }

  @Override
  public void sendAgentStatus(
      AgentStatusUpdateRequest request,
      StreamObserver<AgentStatusUpdateResponse> responseObserver) {
    AgentInfo agent = request.getAgent();
    if (agent.getAgentId().isBlank()) {
      responseObserver.onNext(
          AgentStatusUpdateResponse.newBuilder()
              .setSuccess(false)
              .setMessage("agent_id is required")
              .build());
    } else {
      server.receive(agent);
      responseObserver.onNext(
          AgentStatusUpdateResponse.newBuilder()
              .setSuccess(true)
              .setMessage("Status of " + agent.getAgentId() + " updated")
              .build());
    }
    responseObserver.onCompleted();
  }
}
