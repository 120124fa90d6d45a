package dev.acs.broker.adapter.grpc;

import static dev.acs.broker.adapter.grpc.FakeCentralServer.agent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.acs.broker.proto.registration.BrokerRegistrationRequest;
import dev.acs.broker.proto.registration.BrokerRegistrationResponse;
import dev.acs.broker.proto.status.AgentStatusRequest;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RegisterBroker against an in-process central server. */
class InProcessRegistrationTest {

  @AutoClose private InProcessCentral central;

  @BeforeEach
  void startServer() throws Exception {
    central = new InProcessCentral();
    central.fake.setAgents(List.of(agent("a1", "idle")));
  }

  @Test
  void registersWithTheBrokersIdAndName_thenSubscribesWithItsId() throws Exception {
    central.adapter().statusSource().subscribe(central.feed);

    BrokerRegistrationRequest registration =
        await("registration").until(central.fake.registrations::poll, Objects::nonNull);
    assertThat(registration.getBrokerId()).isEqualTo("broker_test_1");
    assertThat(registration.getBrokerName()).isEqualTo("TestBroker");
    AgentStatusRequest subscription =
        await("subscription").until(central.fake.subscriptions::poll, Objects::nonNull).request();
    assertThat(subscription.getBrokerId()).isEqualTo("broker_test_1");
    await("snapshot").until(central.feed.updates::poll, Objects::nonNull);
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

    await("snapshot after retries").until(central.feed.updates::poll, Objects::nonNull);
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

    String rejection = await("rejection").until(central.events.rejected::poll, Objects::nonNull);
    assertThat(rejection)
        .isEqualTo(
            "the central server refused to register broker broker_test_1: broker limit reached");
    await("snapshot despite the refusal").until(central.feed.updates::poll, Objects::nonNull);
    assertThat(central.feed.agentIds()).containsExactly("a1");
    // The retry in the background succeeds (the script is used up) without touching the stream.
    await("registration retried").until(central.events.registered::poll, Objects::nonNull);
    await("registered in health").until(() -> central.adapter().health().registered());
    assertThat(central.adapter().health().lastError()).contains("broker limit reached");
    assertThat(central.fake.subscriptions).hasSize(1);
    assertThat(central.feed.interruptions).isEmpty();
  }

  @Test
  void nonTransientFailure_isReported_andTheStreamIsFollowedAnyway() throws Exception {
    central.fake.registrationScript.add(Status.UNIMPLEMENTED.withDescription("no registration"));

    central.adapter().statusSource().subscribe(central.feed);

    assertThat(await("rejection").<String>until(central.events.rejected::poll, Objects::nonNull))
        .isEqualTo("registration failed: UNIMPLEMENTED: no registration");
    await("snapshot").until(central.feed.updates::poll, Objects::nonNull);
    await("registration retried").until(central.events.registered::poll, Objects::nonNull);
  }

  @Test
  void registrationThatNeverAnswers_hitsItsDeadline_andIsRetried() throws Exception {
    central.fake.registrationScript.add(FakeCentralServer.HANG);
    central
        .adapter(InProcessCentral.SETTINGS.withRegistrationDeadline(Duration.ofMillis(100)))
        .statusSource()
        .subscribe(central.feed);

    await("snapshot").until(central.feed.updates::poll, Objects::nonNull);
    assertThat(central.fake.registrations).hasSize(2);
    assertThat(central.feed.interruptions)
        .singleElement()
        .asString()
        .startsWith("registration failed: DEADLINE_EXCEEDED");
  }
}
