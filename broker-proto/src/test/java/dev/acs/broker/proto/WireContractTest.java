package dev.acs.broker.proto;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor.Type;
import dev.acs.broker.proto.registration.BrokerRegistrationRequest;
import dev.acs.broker.proto.registration.BrokerRegistrationResponse;
import dev.acs.broker.proto.registration.BrokerRegistrationServiceGrpc;
import dev.acs.broker.proto.status.AgentInfo;
import dev.acs.broker.proto.status.AgentStatusRequest;
import dev.acs.broker.proto.status.AgentStatusResponse;
import dev.acs.broker.proto.status.AgentStatusServiceGrpc;
import dev.acs.broker.proto.status.AgentStatusUpdateRequest;
import dev.acs.broker.proto.status.AgentStatusUpdateResponse;
import io.grpc.MethodDescriptor.MethodType;
import org.junit.jupiter.api.Test;

/** The generated code must match the wire contract of SPEC §2 exactly. */
class WireContractTest {

  @Test
  void registration_messages_match_the_contract() {
    assertField(BrokerRegistrationRequest.getDescriptor(), "broker_id", 1, Type.STRING);
    assertField(BrokerRegistrationRequest.getDescriptor(), "broker_name", 2, Type.STRING);
    assertField(BrokerRegistrationResponse.getDescriptor(), "success", 1, Type.BOOL);
    assertField(BrokerRegistrationResponse.getDescriptor(), "message", 2, Type.STRING);
    assertThat(BrokerRegistrationRequest.getDescriptor().getFullName())
        .isEqualTo("broker_registration.BrokerRegistrationRequest");
  }

  @Test
  void agent_status_messages_match_the_contract() {
    assertField(AgentStatusRequest.getDescriptor(), "broker_id", 1, Type.STRING);
    assertField(AgentStatusResponse.getDescriptor(), "agents", 1, Type.MESSAGE);
    assertThat(AgentStatusResponse.getDescriptor().findFieldByName("agents").isRepeated()).isTrue();
    assertField(AgentStatusResponse.getDescriptor(), "is_full_update", 2, Type.BOOL);
    assertField(AgentInfo.getDescriptor(), "agent_id", 1, Type.STRING);
    assertField(AgentInfo.getDescriptor(), "agent_name", 2, Type.STRING);
    assertField(AgentInfo.getDescriptor(), "last_seen", 3, Type.STRING);
    assertField(AgentInfo.getDescriptor(), "metrics", 4, Type.MESSAGE);
    assertThat(AgentInfo.getDescriptor().findFieldByName("metrics").isMapField()).isTrue();
    assertField(AgentStatusUpdateRequest.getDescriptor(), "agent", 1, Type.MESSAGE);
    assertField(AgentStatusUpdateResponse.getDescriptor(), "success", 1, Type.BOOL);
    assertField(AgentStatusUpdateResponse.getDescriptor(), "message", 2, Type.STRING);
    assertThat(AgentInfo.getDescriptor().getFullName()).isEqualTo("agent_status.AgentInfo");
  }

  @Test
  void services_have_the_contract_names_and_method_types() {
    assertThat(BrokerRegistrationServiceGrpc.SERVICE_NAME)
        .isEqualTo("broker_registration.BrokerRegistrationService");
    assertThat(BrokerRegistrationServiceGrpc.getRegisterBrokerMethod().getFullMethodName())
        .isEqualTo("broker_registration.BrokerRegistrationService/RegisterBroker");
    assertThat(BrokerRegistrationServiceGrpc.getRegisterBrokerMethod().getType())
        .isEqualTo(MethodType.UNARY);

    assertThat(AgentStatusServiceGrpc.SERVICE_NAME).isEqualTo("agent_status.AgentStatusService");
    assertThat(AgentStatusServiceGrpc.getSubscribeToAgentStatusMethod().getFullMethodName())
        .isEqualTo("agent_status.AgentStatusService/SubscribeToAgentStatus");
    assertThat(AgentStatusServiceGrpc.getSubscribeToAgentStatusMethod().getType())
        .isEqualTo(MethodType.SERVER_STREAMING);
    assertThat(AgentStatusServiceGrpc.getGetAgentStatusMethod().getType())
        .isEqualTo(MethodType.UNARY);
    assertThat(AgentStatusServiceGrpc.getSendAgentStatusMethod().getType())
        .isEqualTo(MethodType.UNARY);
  }

  private static void assertField(Descriptor message, String name, int number, Type type) {
    FieldDescriptor field = message.findFieldByName(name);
    assertThat(field).as("%s.%s", message.getFullName(), name).isNotNull();
    assertThat(field.getNumber())
        .as("number of %s.%s", message.getFullName(), name)
        .isEqualTo(number);
    assertThat(field.getType()).as("type of %s.%s", message.getFullName(), name).isEqualTo(type);
  }
}
