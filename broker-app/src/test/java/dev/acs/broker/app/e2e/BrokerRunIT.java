package dev.acs.broker.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.acs.broker.app.BrokerProcess;
import dev.acs.broker.app.RunFixtures;
import dev.acs.broker.app.StartedBrokers;
import dev.acs.broker.app.sandbox.simulate.StandInCentralServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * End-to-end: the real {@code broker.jar} as a child process against the real RabbitMQ on
 * 127.0.0.1:5672 and the stand-in central server in this JVM.
 */
class BrokerRunIT {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private StandInCentralServer central;
  private Rabbit rabbit;
  @RegisterExtension final StartedBrokers brokers = new StartedBrokers();

  @BeforeEach
  void setUp(TestInfo test) throws Exception {
    central = StandInCentralServer.start(0);
    rabbit = Rabbit.forTest("", test);
  }

  @AfterEach
  void tearDown() throws Exception {
    rabbit.close();
    central.close();
  }

  /** The prefetch of the SIGKILL test: the bound of its duplicates. */
  private static final int PREFETCH = 100;

  private BrokerProcess startBroker(String... extra) throws Exception {
    List<String> options = new ArrayList<>(List.of("--drain-timeout", "10s"));
    options.addAll(rabbit.queueOptions());
    options.addAll(List.of(extra));
    List<String> args = RunFixtures.runArgs(central, Duration.ofSeconds(20), options);
    BrokerProcess broker =
        brokers.start(args, Map.of("BROKER_ID", "broker_it", "BROKER_NAME", "Broker-IT"));
    return broker;
  }

  /** How many inputs the SIGTERM and SIGKILL tests publish while the broker routes. */
  private static final int TOTAL_UNDER_LOAD = 3000;

  /**
   * Two idle agents and a ready broker that routes {@code total} inputs being published in the
   * background; returns once some of them are routed, so a signal lands mid-load.
   */
  private BrokerProcess brokerRoutingUnderLoad(int total) throws Exception {
    central.putAgent("agent_1", "idle");
    central.putAgent("agent_2", "idle");
    // At most PREFETCH inputs are unacknowledged when a kill lands, which bounds the SIGKILL
    // test's duplicates (the default prefetch, 250, would allow that many).
    BrokerProcess broker = startReadyBroker("--prefetch", String.valueOf(PREFETCH));
    publishInBackground(total);
    await("some messages routed").atMost(WAIT).until(() -> rabbit.depth(rabbit.outputQueue) >= 200);
    return broker;
  }

  private BrokerProcess startReadyBroker(String... extra) throws Exception {
    BrokerProcess broker = startBroker(extra);
    broker.awaitReady();
    return broker;
  }

  /** A frontend TEXT message shaped like SPEC §3's example, plus a field nobody knows. */
  private static Map<String, Object> frontendText(String messageId, String text) {
    Map<String, Object> message = FrontendMessages.text(messageId, text);
    message.put("x_unknown", Map.of("nested", List.of(1, 2, 3)));
    return message;
  }

  private static Map<String, Object> fromAgent(
      String type, String messageId, String sender, String receiver) {
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("message_id", messageId);
    message.put("message_type", type);
    message.put("sender_id", sender);
    message.put("receiver_id", receiver);
    message.put("text_payload", "from " + sender);
    message.put("routing_status", "pending");
    return message;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"sticky (the default)", "random"})
  @DisplayName("A frontend TEXT message goes to an online agent with SPEC §4's field changes only")
  void frontendText_isRoutedToTheOnlineAgent(String policy) throws Exception {
    central.putAgent("agent_1", "idle");
    central.putAgent("agent_2", "offline");
    BrokerProcess broker =
        policy.equals("random")
            ? startReadyBroker("--routing-policy", "random")
            : startReadyBroker();

    rabbit.publish(frontendText("k3x9qa", "hello"));
    Map<String, Object> routed = rabbit.awaitOutput(WAIT);

    Map<String, Object> expected = frontendText("k3x9qa", "hello");
    expected.put("receiver_id", "agent_1");
    expected.put("routing_status", "routed");
    expected.remove("_client_id");
    assertThat(routed).isEqualTo(expected);
    assertThat(central.registrations())
        .contains(new StandInCentralServer.Registration("broker_it", "Broker-IT"));
    assertThat(broker.terminate(WAIT)).isZero();
  }

  @Test
  void explicitReceiver_isHonoured_andErrorsAreForwarded() throws Exception {
    central.putAgent("agent_1", "idle");
    central.putAgent("agent_2", "idle");
    central.putAgent("agent_3", "idle");
    startReadyBroker();

    for (int i = 0; i < 5; i++) {
      rabbit.publish(fromAgent("REPLY", "msg_r" + i, "agent_1", "agent_2"));
    }
    Map<String, Object> error = fromAgent("ERROR", "msg_e", "agent_3", "web_00000001");
    error.remove("routing_status");
    error.put("error_details", "LLM timeout");
    rabbit.publish(error);

    List<Map<String, Object>> outputs = rabbit.awaitOutputs(6, WAIT);
    for (int i = 0; i < 5; i++) {
      Map<String, Object> expected = fromAgent("REPLY", "msg_r" + i, "agent_1", "agent_2");
      expected.put("routing_status", "routed");
      assertThat(outputs.get(i)).isEqualTo(expected);
    }
    Map<String, Object> expectedError = new LinkedHashMap<>(error);
    expectedError.put("routing_status", "error");
    assertThat(outputs.get(5)).isEqualTo(expectedError);
  }

  @Test
  void nobodyToTakeIt_answersWithTheReferenceErrors() throws Exception {
    central.putAgent("agent_1", "Alice", "idle");
    central.putAgent("agent_2", "Bob", "offline");
    // SPEC §4's error form; the default form for the real server is covered by RealServerIT.
    startReadyBroker("--park-timeout", "0s", "--error-receiver", "sender");

    rabbit.publish(fromAgent("TEXT", "msg_self", "agent_1", "server"));
    Map<String, Object> onlyYou = rabbit.awaitOutput(WAIT);
    central.setState("agent_1", "offline");
    await("no-agent error once agent_1 is offline")
        .atMost(WAIT)
        .until(
            () -> {
              rabbit.publish(frontendText("n0body", "anyone?"));
              Map<String, Object> answer = rabbit.awaitOutput(WAIT);
              return "No other online agents available to handle the message."
                  .equals(answer.get("error_details"));
            });

    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("message_id", "msg_self");
    expected.put("message_type", "ERROR");
    expected.put("sender_id", "broker_it");
    expected.put("receiver_id", "agent_1");
    expected.put("text_payload", "from agent_1");
    expected.put("routing_status", "error");
    expected.put("error_details", "Only you (Alice) are online right now.");
    assertThat(onlyYou).isEqualTo(expected);
  }

  @Test
  @DisplayName("A message nobody can take waits, parked, and goes to the first agent that comes up")
  void parkedMessage_isRoutedWhenAnAgentComesOnline() throws Exception {
    central.putAgent("agent_1", "paused");
    BrokerProcess broker = startReadyBroker("--park-timeout", "60s");

    rabbit.publish(frontendText("parked1", "anyone?"));
    // Taken from the input (so held unacknowledged by the broker) and not answered.
    await("the broker took the message")
        .atMost(WAIT)
        .until(() -> rabbit.depth(rabbit.inputQueue) == 0);
    assertThat(broker.output()).doesNotContain("No other online agents");
    assertThat(rabbit.poll()).isNull();

    central.setState("agent_1", "idle");

    Map<String, Object> routed = rabbit.awaitOutput(WAIT);
    assertThat(routed)
        .containsEntry("receiver_id", "agent_1")
        .containsEntry("routing_status", "routed");
  }

  @Test
  @DisplayName("With the sticky default, a conversation stays with its agent")
  void stickyDefault_keepsAConversationWithItsAgent() throws Exception {
    for (int i = 1; i <= 5; i++) {
      central.putAgent("agent_" + i, "idle");
    }
    startReadyBroker();

    for (int i = 0; i < 20; i++) {
      rabbit.publish(frontendText("conv" + i, "turn " + i));
    }
    List<Map<String, Object>> outputs = rabbit.awaitOutputs(20, WAIT);

    assertThat(outputs.stream().map(m -> m.get("receiver_id")).distinct()).hasSize(1);
  }

  @Test
  @DisplayName("Agents going offline or online change routing within a second")
  void statusChanges_changeRoutingWithinASecond() throws Exception {
    central.putAgent("agent_1", "idle");
    central.putAgent("agent_2", "offline");
    startReadyBroker();
    rabbit.publish(frontendText("before", "x"));
    assertThat(rabbit.awaitOutput(WAIT)).containsEntry("receiver_id", "agent_1");

    central.setState("agent_1", "offline");
    central.setState("agent_2", "idle");
    long changedAt = System.nanoTime();
    int[] probe = {0};
    await("a message routed to agent_2 within a second of the change")
        .atMost(Duration.ofSeconds(1))
        .until(
            () -> {
              rabbit.publish(frontendText("probe" + probe[0]++, "x"));
              return "agent_2".equals(rabbit.awaitOutput(WAIT).get("receiver_id"));
            });
    assertThat(Duration.ofNanos(System.nanoTime() - changedAt)).isLessThan(Duration.ofSeconds(1));
    for (int i = 0; i < 5; i++) {
      rabbit.publish(frontendText("after" + i, "x"));
      assertThat(rabbit.awaitOutput(WAIT)).containsEntry("receiver_id", "agent_2");
    }
  }

  @Test
  @DisplayName("Messages published before the broker starts are routed with a real view of agents")
  void messagesWaitingBeforeStart_areRoutedToAgents() throws Exception {
    central.putAgent("agent_1", "idle");
    central.putAgent("agent_2", "busy");
    List<Map<String, Object>> early = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      early.add(frontendText("early" + i, "x"));
    }
    rabbit.publishAll(early);

    startBroker();
    List<Map<String, Object>> outputs = rabbit.awaitOutputs(50, Duration.ofSeconds(60));

    assertThat(outputs)
        .allSatisfy(
            message -> {
              assertThat(message).containsEntry("routing_status", "routed");
              assertThat(message.get("receiver_id")).isIn("agent_1", "agent_2");
            });
  }

  @Test
  @DisplayName("SIGTERM under load: exit 0, nothing lost, nothing duplicated")
  void sigterm_underLoad_exits0_withoutLossOrDuplicates() throws Exception {
    BrokerProcess broker = brokerRoutingUnderLoad(TOTAL_UNDER_LOAD);

    int exitCode = broker.terminate(Duration.ofSeconds(30));
    assertThat(exitCode).as(broker.output()).isZero();
    assertThat(broker.output()).contains("Shutdown requested (SIGTERM)").contains("stopped");

    startReadyBroker();
    Map<String, Integer> seen = collectUntil(TOTAL_UNDER_LOAD);
    assertThat(seen).hasSize(TOTAL_UNDER_LOAD);
    assertThat(seen.values()).allMatch(count -> count == 1);
  }

  @Test
  @DisplayName("SIGKILL under load, then a restart: nothing lost")
  void sigkill_underLoad_thenRestart_losesNothing() throws Exception {
    BrokerProcess broker = brokerRoutingUnderLoad(TOTAL_UNDER_LOAD);

    broker.kill();

    startReadyBroker("--prefetch", String.valueOf(PREFETCH));
    Map<String, Integer> seen = collectUntil(TOTAL_UNDER_LOAD);
    assertThat(seen).hasSize(TOTAL_UNDER_LOAD);
    int duplicates = seen.values().stream().mapToInt(count -> count - 1).sum();
    // Only what was in flight at the kill may come twice: at most the prefetch window.
    assertThat(duplicates).isLessThanOrEqualTo(PREFETCH);
  }

  @Test
  void missingRequiredConfiguration_exits2WithTheOptionAndVariable() throws Exception {
    BrokerProcess broker =
        brokers.start(List.of("run", "--grpc-port", "50051"), Map.of("RABBITMQ_HOST", "x"));

    assertThat(broker.awaitExit(WAIT)).isEqualTo(2);
    assertThat(broker.output())
        .contains("Missing required option --grpc-host (or environment variable GRPC_HOST)");
  }

  private void publishInBackground(int total) {
    Thread publisher =
        new Thread(
            () -> {
              List<Map<String, Object>> batch = new ArrayList<>();
              for (int i = 0; i < total; i++) {
                batch.add(frontendText(String.format("m%05d", i), "load"));
                if (batch.size() == 250) {
                  rabbit.publishAll(batch);
                  batch.clear();
                }
              }
              rabbit.publishAll(batch);
            },
            "it-publisher");
    publisher.start();
    await("publishing started").atMost(WAIT).until(() -> rabbit.depth(rabbit.inputQueue) > 0);
  }

  /** Reads the output queue until every message id was seen; counts each id. */
  private Map<String, Integer> collectUntil(int total) {
    Map<String, Integer> seen = new HashMap<>();
    List<Map<String, Object>> notRouted = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () -> {
              Map<String, Object> message;
              while ((message = rabbit.poll()) != null) {
                if (!"routed".equals(message.get("routing_status"))) {
                  notRouted.add(message);
                }
                seen.merge((String) message.get("message_id"), 1, Integer::sum);
              }
              assertThat(seen.size())
                  .as(
                      () ->
                          total
                              + " distinct messages; missing e.g. "
                              + missing(seen)
                              + "; not routed: "
                              + notRouted)
                  .isGreaterThanOrEqualTo(total);
            });
    // Checked after the wait, not inside it: a failed assertion there would only be retried.
    assertThat(notRouted).as("every output routed").isEmpty();
    return seen;
  }

  private static Set<String> missing(Map<String, Integer> seen) {
    Set<String> missing = new TreeSet<>();
    for (int i = 0; i < 3000 && missing.size() < 5; i++) {
      String id = String.format("m%05d", i);
      if (!seen.containsKey(id)) {
        missing.add(id);
      }
    }
    return missing;
  }
}
