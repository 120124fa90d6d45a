package dev.acs.broker.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;
import dev.acs.broker.app.BrokerProcess;
import dev.acs.broker.app.cli.BrokerCli;
import dev.acs.broker.app.sandbox.simulate.StandInCentralServer;
import dev.acs.broker.testsupport.TcpProxy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import picocli.CommandLine;

/**
 * Issue #8 end to end: the real {@code broker.jar} with its admin endpoint, against the real
 * RabbitMQ and the stand-in central server; outages are made with {@link TcpProxy}s so the shared
 * RabbitMQ is never disturbed.
 */
class OperabilityIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private StandInCentralServer central;
  private Rabbit rabbit;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @BeforeEach
  void setUp(TestInfo test) throws Exception {
    central = StandInCentralServer.start(0);
    rabbit = Rabbit.forTest("ops_", test);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable closeable : closeables) {
      closeable.close();
    }
    rabbit.close();
    central.close();
  }

  private BrokerProcess startBroker(int grpcPort, int rabbitPort, int adminPort) throws Exception {
    List<String> args = new ArrayList<>();
    args.add("run");
    args.addAll(
        List.of(
            "--grpc-host", "127.0.0.1",
            "--grpc-port", String.valueOf(grpcPort),
            "--rabbitmq-host", "127.0.0.1",
            "--rabbitmq-port", String.valueOf(rabbitPort),
            "--snapshot-timeout", "40s",
            "--park-timeout", "0s",
            "--admin-port", String.valueOf(adminPort)));
    args.addAll(rabbit.queueOptions());
    BrokerProcess broker =
        BrokerProcess.start(args, Map.of("BROKER_ID", "broker_ops", "BROKER_NAME", "Broker-Ops"));
    closeables.add(broker);
    return broker;
  }

  private static Map<String, Object> message(String type, String id, String sender) {
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("message_id", id);
    message.put("message_type", type);
    message.put("sender_id", sender);
    message.put("receiver_id", "server");
    message.put("text_payload", "hello");
    message.put("_client_id", sender);
    message.put("routing_status", "pending");
    return message;
  }

  private void publishRaw(byte[] body) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost("127.0.0.1");
    try (Connection connection = factory.newConnection("ops-it raw");
        Channel channel = connection.createChannel()) {
      channel.confirmSelect();
      channel.basicPublish("", rabbit.inputQueue, MessageProperties.PERSISTENT_BASIC, body);
      channel.waitForConfirmsOrDie(10_000);
    }
  }

  private static String cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine =
        BrokerCli.commandLine(
            Map.of(),
            config -> {
              throw new AssertionError("no broker is launched here");
            });
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(args);
    assertThat(exitCode).as(err.toString()).isZero();
    return out.toString();
  }

  @Test
  @DisplayName("/metrics counts exactly what was sent; status and agents read the same broker")
  void metricsAfterTraffic_matchWhatWasSent() throws Exception {
    central.putAgent("agent_1", "Alice", "idle");
    central.putAgent("agent_2", "Bob", "idle");
    central.putAgent("agent_3", "Carol", "offline");
    int adminPort = AdminHttp.freePort();
    BrokerProcess broker = startBroker(central.port(), 5672, adminPort);
    broker.awaitReady();
    AdminHttp admin = new AdminHttp(adminPort);

    int texts = 20;
    int unhandled = 3;
    int badJson = 2;
    List<Map<String, Object>> batch = new ArrayList<>();
    for (int i = 0; i < texts; i++) {
      batch.add(message("TEXT", "t" + i, "web_0000000" + (i % 3)));
    }
    for (int i = 0; i < unhandled; i++) {
      batch.add(message("REGISTER_FRONTEND", "u" + i, "web_00000009"));
    }
    Map<String, Object> error = message("ERROR", "e0", "server");
    error.put("error_details", "LLM timeout");
    batch.add(error);
    rabbit.publishAll(batch);
    for (int i = 0; i < badJson; i++) {
      publishRaw("{not json".getBytes(StandardCharsets.UTF_8));
    }

    rabbit.awaitOutputs(texts + 1, WAIT);
    int consumed = texts + unhandled + 1 + badJson;
    AtomicReference<String> metrics = new AtomicReference<>("");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              metrics.set(admin.get("/metrics").body());
              String text = metrics.get();
              assertThat(AdminHttp.sample(text, "broker_messages_consumed_total"))
                  .as(() -> consumed + " consumed in /metrics:\n" + text)
                  .isEqualTo(consumed);
              assertThat(
                      AdminHttp.sample(
                          text, "broker_messages_dead_lettered_total{reason=\"not-json\"}"))
                  .as(() -> badJson + " dead-lettered as not-json in /metrics:\n" + text)
                  .isEqualTo(badJson);
              assertThat(AdminHttp.sample(text, "broker_relay_duration_seconds_count"))
                  .as(() -> "relay durations in /metrics:\n" + text)
                  .isEqualTo(texts + unhandled + 1);
            });
    String text = metrics.get();
    assertThat(
            AdminHttp.sample(
                text, "broker_messages_routed_total{outcome=\"delivered\",policy=\"sticky\"}"))
        .isEqualTo(texts);
    assertThat(
            AdminHttp.sample(
                text, "broker_messages_routed_total{outcome=\"forwarded\",policy=\"sticky\"}"))
        .isEqualTo(1);
    assertThat(
            AdminHttp.sample(
                text, "broker_messages_routed_total{outcome=\"dead_lettered\",policy=\"sticky\"}"))
        .isEqualTo(unhandled);
    assertThat(
            AdminHttp.sample(
                text, "broker_messages_dead_lettered_total{reason=\"unhandled-message-type\"}"))
        .isEqualTo(unhandled);
    assertThat(AdminHttp.sample(text, "broker_messages_forwarded_total")).isEqualTo(1);
    assertThat(AdminHttp.sample(text, "broker_messages_rejected_total{reason=\"no_other_agents\"}"))
        .isZero();
    assertThat(AdminHttp.sample(text, "broker_publish_confirm_duration_seconds_count"))
        .isEqualTo(consumed);
    assertThat(AdminHttp.sample(text, "broker_agents{state=\"idle\"}")).isEqualTo(2);
    assertThat(AdminHttp.sample(text, "broker_agents{state=\"offline\"}")).isEqualTo(1);
    assertThat(AdminHttp.sample(text, "broker_registrations_total{result=\"accepted\"}"))
        .isGreaterThanOrEqualTo(1);
    assertThat(AdminHttp.sample(text, "broker_messages_parked")).isZero();
    assertThat(text).contains("jvm_memory_used_bytes", "process_uptime_seconds");
    assertThat(rabbit.depth(rabbit.deadLetterQueue)).isEqualTo(unhandled + badJson);

    JsonNode agents = AdminHttp.json(admin.get("/agents"));
    assertThat(agents.path("count").asInt()).isEqualTo(3);
    assertThat(agents.path("agents").get(0).path("name").asText()).isEqualTo("Alice");
    int outstanding = 0;
    for (JsonNode agent : agents.path("agents")) {
      outstanding += agent.path("outstanding").asInt();
    }
    assertThat(outstanding).isEqualTo(texts);

    String status = cli("status", "--admin-url", admin.base(), "--interval", "0s");
    assertThat(status)
        .contains("Broker Broker-Ops (broker_ops)")
        .contains("Ready: yes")
        .contains("Totals: " + consumed + " consumed, " + texts + " delivered, 1 forwarded")
        .contains("Agents: 3 known, 2 available (idle 2, offline 1)");
    assertThat(cli("agents", "--admin-url", admin.base()))
        .contains("3 agents, 2 available")
        .containsPattern("agent_3 +Carol +offline +no");
    assertThat(broker.terminate(WAIT)).isZero();
  }

  @Test
  @DisplayName("/health/ready follows the start-up, the central server and RabbitMQ")
  void readiness_followsStartUpCentralServerAndRabbitMq() throws Exception {
    central.putAgent("agent_1", "idle");
    TcpProxy grpcProxy = TcpProxy.to(central.port());
    TcpProxy rabbitProxy = TcpProxy.to(5672);
    closeables.add(grpcProxy);
    closeables.add(rabbitProxy);
    grpcProxy.stop(); // the central server is unreachable at start-up
    int adminPort = AdminHttp.freePort();
    BrokerProcess broker = startBroker(grpcProxy.port(), rabbitProxy.port(), adminPort);
    AdminHttp admin = new AdminHttp(adminPort);

    await("/health/live during start-up")
        .atMost(WAIT)
        .until(() -> admin.tryGet("/health/live") != null);
    JsonNode live = AdminHttp.json(admin.get("/health/live"));
    assertThat(live.path("phase").asText()).isEqualTo("starting");
    HttpResponse<String> starting = admin.get("/health/ready");
    assertThat(starting.statusCode()).isEqualTo(503);
    assertThat(AdminHttp.json(starting).path("checks").path("agent-status").path("detail").asText())
        .isEqualTo("waiting for the first snapshot");

    grpcProxy.start();
    awaitReady(admin, true, null);

    grpcProxy.stop();
    JsonNode centralDown = awaitReady(admin, false, "agent-status");
    assertThat(centralDown.path("checks").path("agent-status").path("detail").asText())
        .startsWith("status stream down");
    assertThat(admin.get("/health/live").statusCode()).isEqualTo(200);
    grpcProxy.start();
    awaitReady(admin, true, null);

    rabbitProxy.stop();
    JsonNode rabbitDown = awaitReady(admin, false, "rabbitmq");
    assertThat(rabbitDown.path("checks").path("rabbitmq").path("detail").asText())
        .contains("connection down");
    rabbitProxy.start();
    awaitReady(admin, true, null);

    String metrics = admin.get("/metrics").body();
    assertThat(AdminHttp.sample(metrics, "broker_status_stream_reconnects_total"))
        .isGreaterThanOrEqualTo(1);
    assertThat(AdminHttp.sample(metrics, "broker_status_probes_total{outcome=\"skipped\"}"))
        .as("the liveness probe's counters are scraped")
        .isNotNaN();
    assertThat(
            AdminHttp.sample(metrics, "broker_amqp_recoveries_total{role=\"consumer\"}")
                + AdminHttp.sample(metrics, "broker_amqp_recoveries_total{role=\"publisher\"}"))
        .isGreaterThanOrEqualTo(1);
    // Still routes after both outages.
    rabbit.publish(message("TEXT", "after", "web_12345678"));
    assertThat(rabbit.awaitOutput(WAIT)).containsEntry("receiver_id", "agent_1");
    assertThat(broker.terminate(WAIT)).isZero();
  }

  /** Polls /health/ready until it is (or is not) ready; returns the last body. */
  private static JsonNode awaitReady(AdminHttp admin, boolean ready, String failingCheck) {
    AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              HttpResponse<String> response = admin.get("/health/ready");
              last.set(response);
              String seen = response.statusCode() + " " + response.body();
              if (ready) {
                assertThat(response.statusCode())
                    .as("/health/ready 200, last: %s", seen)
                    .isEqualTo(200);
              } else {
                assertThat(
                        response.statusCode() == 503
                            && AdminHttp.json(response)
                                .path("failing")
                                .toString()
                                .contains(failingCheck))
                    .as("/health/ready 503 failing %s, last: %s", failingCheck, seen)
                    .isTrue();
              }
            });
    return AdminHttp.json(last.get());
  }
}
