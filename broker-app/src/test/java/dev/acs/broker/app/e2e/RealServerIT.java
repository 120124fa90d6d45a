package dev.acs.broker.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.acs.broker.app.BrokerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * End-to-end against the behaviours of the real central server (SPEC §7, issue 17): the real {@code
 * broker.jar}, the real RabbitMQ, and {@link RealSystem} (the stand-in server with the real one's
 * quirks, its consumer and answering agents). Each safety test has a twin run with the
 * compatibility options, which shows what the safety is for; both print their numbers (quoted in
 * {@code docs/interop.md}).
 */
class RealServerIT {

  private static final Duration REAL_REPORT_INTERVAL = Duration.ofSeconds(20);

  private Rabbit rabbit;
  private RealSystem system;
  private final List<BrokerProcess> brokers = new ArrayList<>();

  @BeforeEach
  void setUp(TestInfo test) throws Exception {
    rabbit = Rabbit.forTest("", test);
    system = new RealSystem(rabbit);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (BrokerProcess broker : brokers) {
      broker.close();
    }
    system.close();
    rabbit.close();
  }

  private BrokerProcess startBroker(String... extra) {
    List<String> args = new ArrayList<>();
    args.add("run");
    args.addAll(
        List.of(
            "--grpc-host", "127.0.0.1",
            "--grpc-port", String.valueOf(system.central.port()),
            "--rabbitmq-host", "127.0.0.1",
            "--snapshot-timeout", "20s",
            "--drain-timeout", "5s"));
    args.addAll(rabbit.queueOptions());
    args.addAll(List.of(extra));
    try {
      BrokerProcess broker =
          BrokerProcess.start(
              args, Map.of("BROKER_ID", "broker_interop", "BROKER_NAME", "Broker-Interop"));
      brokers.add(broker);
      broker.awaitReady();
      return broker;
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void report(String what) {
    System.out.println("[interop] " + what);
  }

  private long forwardedWithPrefix(String prefix) {
    return system.outcomes("forwarded").stream()
        .filter(o -> String.valueOf(o.message().get("message_id")).startsWith(prefix))
        .count();
  }

  private long lostWithPrefix(String prefix) {
    return system.outcomes("lost").stream()
        .filter(o -> String.valueOf(o.message().get("message_id")).startsWith(prefix))
        .count();
  }

  /** Publishes {@code count} frontend messages, one every {@code every}, from rotating clients. */
  private void traffic(String prefix, int count, Duration every, int clients) {
    for (int i = 0; i < count; i++) {
      system.frontend(prefix + i, String.format("web_%08x", i % clients), "question " + prefix + i);
      LockSupport.parkNanos(every.toNanos()); // pacing of the load, not synchronisation
    }
  }

  // ------------------------------------------------------------------ restart

  private long[] outage(String... brokerOptions) throws Exception {
    system.agent("agent_1", Duration.ofSeconds(3), Duration.ofMillis(100), false);
    system.agent("agent_2", Duration.ofSeconds(3), Duration.ofMillis(100), false);
    BrokerProcess broker = startBroker(brokerOptions);
    system.frontend("warm", "web_00000001", "hello");
    await("warm-up delivered")
        .atMost(Duration.ofSeconds(20))
        .until(() -> forwardedWithPrefix("warm") == 1);

    system.stop();
    // The outage begins for the broker when it sees the stream break: a message routed in the
    // moment before (on a loaded machine, a consumer may be faster than the stream's RST) is
    // already on its way to the server, out of the broker's reach (docs/interop.md).
    broker.awaitOutput("Agent status stream interrupted", Duration.ofSeconds(20));
    traffic("out", 20, Duration.ofMillis(500), 4); // 10 s outage
    system.restart();

    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () ->
                assertThat(forwardedWithPrefix("out") + lostWithPrefix("out") >= 20)
                    .as(
                        "all 20 settled by the restarted server (forwarded "
                            + forwardedWithPrefix("out")
                            + ", lost "
                            + lostWithPrefix("out")
                            + ")")
                    .isTrue());
    return new long[] {forwardedWithPrefix("out"), lostWithPrefix("out")};
  }

  @Test
  @DisplayName("10 s server outage, restart with an empty registry: none of 20 messages lost")
  void serverRestart_withEmptyRegistry_losesNothing() throws Exception {
    long[] result = outage();

    report(
        "restart, --status-hold hold: forwarded " + result[0] + ", lost " + result[1] + " of 20");
    assertThat(result[1]).as("lost to the restarted server's KeyError").isZero();
    assertThat(result[0]).isEqualTo(20);
    assertThat(system.outcomes("notice")).as("no error reached a person").isEmpty();
  }

  @Test
  @DisplayName("Compatibility: routing on the last view loses the outage's messages")
  void serverRestart_lastView_losesWhatWasRoutedDuringTheOutage() throws Exception {
    long[] result = outage("--status-hold", "last-view", "--status-hold-grace", "0s");

    report(
        "restart, --status-hold last-view: forwarded "
            + result[0]
            + ", lost "
            + result[1]
            + " of 20");
    assertThat(result[1]).isPositive();
  }

  // ------------------------------------------------------------------ killed agent

  /**
   * Kills the agent that got the most messages, keeps the traffic going, and returns how long after
   * the kill it still got messages (seconds) and how many.
   */
  private double[] killedAgent(
      int warmMessages, int messages, Duration every, String... brokerOptions) {
    List<RealSystem.Agent> agents = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      agents.add(system.agent("agent_" + i, REAL_REPORT_INTERVAL, Duration.ofMillis(300), false));
    }
    startBroker(brokerOptions);
    traffic("warm", warmMessages, every, 12);
    RealSystem.Agent victim =
        agents.stream().max(Comparator.comparingInt(a -> a.received().size())).orElseThrow();
    long killedAt = System.nanoTime();
    victim.kill();
    traffic("after", messages, every, 12);
    List<Long> late = victim.received().stream().filter(at -> at > killedAt).toList();
    double lastSeconds =
        late.isEmpty()
            ? 0
            : (late.get(late.size() - 1) - killedAt) / (double) TimeUnit.SECONDS.toNanos(1);
    return new double[] {lastSeconds, late.size()};
  }

  @Test
  @DisplayName("A killed agent that stays idle gets no new message 15 s after its death (steady)")
  void killedAgent_steadyTraffic_stopsGettingMessagesWithin15s() {
    double[] result = killedAgent(20, 120, Duration.ofMillis(250));

    report(
        "killed agent, steady 4 msg/s, --suspect-agents demote: last message "
            + result[0]
            + " s after the kill, "
            + (long) result[1]
            + " messages to the dead agent");
    assertThat(result[0]).isLessThan(15.0);
    assertThat(system.outcomes("lost")).isEmpty();
  }

  @Test
  @DisplayName("Compatibility: without suspicion the dead agent keeps getting its conversations")
  void killedAgent_steadyTraffic_withoutSuspicion_keepsGettingMessages() {
    double[] result = killedAgent(20, 120, Duration.ofMillis(250), "--suspect-agents", "off");

    report(
        "killed agent, steady 4 msg/s, --suspect-agents off: last message "
            + result[0]
            + " s after the kill, "
            + (long) result[1]
            + " messages to the dead agent");
    assertThat(result[0]).isGreaterThan(15.0);
  }

  @Test
  @DisplayName("A killed agent that stays idle gets no new message 60 s after its death (light)")
  void killedAgent_lightTraffic_stopsGettingMessagesWithin60s() {
    double[] result = killedAgent(4, 16, Duration.ofSeconds(5));

    report(
        "killed agent, light 1 msg/5 s: last message "
            + result[0]
            + " s after the kill, "
            + (long) result[1]
            + " messages to the dead agent");
    assertThat(result[0]).isLessThan(60.0);
  }

  // ------------------------------------------------------------------ answers

  private void chain(String... brokerOptions) {
    system.agent("agent_1", Duration.ofSeconds(3), Duration.ofMillis(100), true);
    system.agent("agent_2", Duration.ofSeconds(3), Duration.ofMillis(100), true);
    startBroker(brokerOptions);
    system.frontend("q1", "web_00000001", "what do you think?");
  }

  @Test
  @DisplayName("An answer chain between two agents stops at --max-hops (default 2)")
  void answerChain_stopsAtTheHopLimit() throws Exception {
    chain();

    await("a hop-limit dead letter")
        .atMost(Duration.ofSeconds(30))
        .until(() -> rabbit.depth(rabbit.deadLetterQueue) == 1);
    GetResponse deadLetter = deadLetter();
    assertThat(String.valueOf(deadLetter.getProps().getHeaders().get("x-dead-letter-reason")))
        .isEqualTo("hop-limit");
    // Quiet afterwards: the question and two answers reached agents, the third answer did not.
    LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(3)); // waiting for nothing to happen
    report("answer chain, --max-hops 2: " + system.outcomes("forwarded").size() + " forwarded");
    assertThat(system.outcomes("forwarded")).hasSize(3);
    assertThat(rabbit.depth(rabbit.deadLetterQueue)).isZero();
  }

  @Test
  @DisplayName("Compatibility: with no hop limit the answers bounce between the agents")
  void answerChain_withoutLimit_bounces() {
    chain("--max-hops", "0");

    LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(5)); // how far the chain gets in 5 s
    int hops = system.outcomes("forwarded").size();
    report("answer chain, --max-hops 0: " + hops + " forwarded in 5 s");
    assertThat(hops).isGreaterThan(10);
  }

  @Test
  @DisplayName("--answers-to client: the answer is shown to the person, then dropped by the server")
  void answersToClient_areShownToTheFrontends() {
    chain("--answers-to", "client");

    await("the answer shown to the frontends")
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                system.outcomes("shown").stream()
                    .anyMatch(o -> "web_00000001".equals(o.message().get("receiver_id"))));
    LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(2)); // waiting for nothing more to happen
    assertThat(system.outcomes("forwarded")).as("only the question reached an agent").hasSize(1);
    assertThat(system.outcomes("lost"))
        .as("the server's KeyError after showing it, as SPEC §7 says")
        .hasSize(1);
  }

  private GetResponse deadLetter() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost("127.0.0.1");
    try (Connection connection = factory.newConnection("interop-dlq");
        Channel channel = connection.createChannel()) {
      GetResponse response = channel.basicGet(rabbit.deadLetterQueue, true);
      assertThat(response).isNotNull();
      return response;
    }
  }

  // ------------------------------------------------------------------ errors

  @Test
  @DisplayName("A 'no agent' error reaches the stand-in's frontend path (--error-receiver server)")
  void noAgent_errorReachesTheFrontends() {
    startBroker("--park-timeout", "1s");

    system.frontend("e1", "web_00000001", "anyone there?");

    await("a frontend notice")
        .atMost(Duration.ofSeconds(20))
        .until(() -> !system.outcomes("notice").isEmpty());
    Map<String, Object> notice = system.outcomes("notice").get(0).message();
    assertThat(notice)
        .containsEntry("receiver_id", "Server")
        .containsEntry(
            "routing_status_message", "No other online agents available to handle the message.")
        .containsEntry("text_payload", "anyone there?");
  }

  @Test
  @DisplayName("Compatibility: SPEC §4's error form is ignored by the server")
  void noAgent_senderForm_isIgnored() {
    startBroker("--park-timeout", "1s", "--error-receiver", "sender");

    system.frontend("e1", "web_00000001", "anyone there?");

    await("an ignored error")
        .atMost(Duration.ofSeconds(20))
        .until(() -> !system.outcomes("ignored-error").isEmpty());
    assertThat(system.outcomes("notice")).isEmpty();
  }
}
