package dev.acs.broker.adapter.grpc;

import static dev.acs.broker.adapter.grpc.FakeCentralServer.agent;
import static org.assertj.core.api.Assertions.assertThat;

import dev.acs.broker.proto.registration.BrokerRegistrationRequest;
import dev.acs.broker.proto.registration.BrokerRegistrationResponse;
import dev.acs.broker.proto.status.AgentStatusRequest;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RegisterBroker against an in-process central server. */
class InProcessRegistrationIT {

  private InProcessCentral central;

  @BeforeEach
  void startServer() throws Exception {
    central = new InProcessCentral();
    central.fake.setAgents(List.of(agent("a1", "idle")));
  }

  @AfterEach
  void stopServer() throws Exception {
    central.close();
  }

  @Test
  void registersWithTheBrokersIdAndName_thenSubscribesWithItsId() throws Exception {
    central.adapter().statusSource().subscribe(central.feed);

    BrokerRegistrationRequest registration = Await.next(central.fake.registrations, "registration");
    assertThat(registration.getBrokerId()).isEqualTo("broker_test_1");
    assertThat(registration.getBrokerName()).isEqualTo("TestBroker");
    AgentStatusRequest subscription =
        Await.next(central.fake.subscriptions, "subscription").request();
    assertThat(subscription.getBrokerId()).isEqualTo("broker_test_1");
    Await.next(central.feed.updates, "snapshot");
    assertThat(central.events.registered).containsExactly("Broker TestBroker registered");
    GrpcHealth health = central.adapter().health();
    assertThat(health.registered()).isTrue();
    assertThat(health.streamConnected()).isTrue();
    assertThat(health.lastSnapshotAt()).isEqualTo(InProcessCentral.NOW);
    assertThat(health.reconnectCount()).isZero();
    assertThat(health.lastError()).isNull();
  }

  @Test
  void transientFailures_areRetried_beforeSubscribing() throws Exception {
    central.fake.registrationScript.add(Status.UNAVAILABLE.withDescription("starting up"));
    central.fake.registrationScript.add(Status.DEADLINE_EXCEEDED);
    central.fake.registrationScript.add(Status.RESOURCE_EXHAUSTED);

    central.adapter().statusSource().subscribe(central.feed);

    Await.next(central.feed.updates, "snapshot after retries");
    assertThat(central.fake.registrations).hasSize(4);
    assertThat(central.fake.subscriptions).hasSize(1);
    assertThat(central.feed.interruptions)
        .containsExactly(
            "registration failed: UNAVAILABLE: starting up",
            "registration failed: DEADLINE_EXCEEDED",
            "registration failed: RESOURCE_EXHAUSTED");
    assertThat(central.adapter().health().registered()).isTrue();
    assertThat(central.adapter().health().reconnectCount()).isEqualTo(3);
  }

  @Test
  void refusal_isReportedWithTheServersMessage_theStreamIsFollowedAnyway_andRegistrationRetried()
      throws Exception {
    central.fake.registrationScript.add(
        BrokerRegistrationResponse.newBuilder()
            .setSuccess(false)
            .setMessage("broker limit reached")
            .build());

    central.adapter().statusSource().subscribe(central.feed);

    String rejection = Await.next(central.events.rejected, "rejection");
    assertThat(rejection)
        .isEqualTo(
            "the central server refused to register broker broker_test_1: broker limit reached");
    Await.next(central.feed.updates, "snapshot despite the refusal");
    assertThat(central.feed.agentIds()).containsExactly("a1");
    // The retry in the background succeeds (the script is used up) without touching the stream.
    Await.next(central.events.registered, "registration retried");
    Await.until(() -> central.adapter().health().registered(), () -> "registered in health");
    assertThat(central.adapter().health().lastError()).contains("broker limit reached");
    assertThat(central.fake.subscriptions).hasSize(1);
    assertThat(central.feed.interruptions).isEmpty();
  }

  @Test
  void nonTransientFailure_isReported_andTheStreamIsFollowedAnyway() throws Exception {
    central.fake.registrationScript.add(Status.UNIMPLEMENTED.withDescription("no registration"));

    central.adapter().statusSource().subscribe(central.feed);

    assertThat(Await.next(central.events.rejected, "rejection"))
        .isEqualTo("registration failed: UNIMPLEMENTED: no registration");
    Await.next(central.feed.updates, "snapshot");
    Await.next(central.events.registered, "registration retried");
  }

  @Test
  void registrationThatNeverAnswers_hitsItsDeadline_andIsRetried() throws Exception {
    central.fake.registrationScript.add(FakeCentralServer.HANG);
    central
        .adapter(InProcessCentral.SETTINGS.withRegistrationDeadline(Duration.ofMillis(100)))
        .statusSource()
        .subscribe(central.feed);

    Await.next(central.feed.updates, "snapshot");
    assertThat(central.fake.registrations).hasSize(2);
    assertThat(central.feed.interruptions)
        .singleElement()
        .asString()
        .startsWith("registration failed: DEADLINE_EXCEEDED");
  }
}
