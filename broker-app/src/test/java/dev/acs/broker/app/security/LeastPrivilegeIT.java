package dev.acs.broker.app.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.acs.broker.app.BrokerProcess;
import dev.acs.broker.app.RunFixtures;
import dev.acs.broker.app.sandbox.simulate.StandInCentralServer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The broker runs as a RabbitMQ user with the narrowest rights it needs, exactly the line that
 * docs/operations.md gives: configure only its three queues (it declares them), write only to the
 * default exchange (through which it publishes), read only the input queue.
 *
 * <p>AMQP 0-9-1 checks a publish against the exchange, not the queue it routes to, so "write the
 * output and dead-letter queues" is "write {@code amq.default}"; SECURITY.md says what that means.
 */
class LeastPrivilegeIT {

  /** The rights docs/operations.md tells operators to grant, for the default queue names. */
  static final String CONFIGURE =
      "^(broker_input_queue|server_input_queue|broker_dead_letter_queue)$";

  static final String WRITE = "^amq\\.default$";
  static final String READ = "^broker_input_queue$";

  private static final String PASSWORD = "least-privilege-Pw-71";
  private static final Duration WAIT = Duration.ofSeconds(30);

  private IsolatedVhost rabbit;
  private StandInCentralServer central;
  private BrokerProcess broker;

  @BeforeEach
  void setUp() throws Exception {
    rabbit = IsolatedVhost.create("broker-least-privilege", PASSWORD);
    rabbit.grant(CONFIGURE, WRITE, READ);
    central = RunFixtures.centralWithIdleAgents(1);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (broker != null) {
      broker.close();
    }
    central.close();
    rabbit.close();
  }

  /** The vhost's options and then {@code more}. */
  private static List<String> with(IsolatedVhost rabbit, String... more) {
    List<String> options = new ArrayList<>(rabbit.brokerOptions());
    options.addAll(List.of(more));
    return options;
  }

  @Test
  void theBroker_routesAndDeadLetters_withOnlyTheRightsItNeeds() throws Exception {
    broker =
        BrokerProcess.start(
            RunFixtures.runArgs(central, Duration.ofSeconds(20), with(rabbit)),
            Map.of("RABBITMQ_PASSWORD", PASSWORD));
    broker.awaitReady();

    rabbit.publishInput(
        "{\"message_id\":\"lp0001\",\"message_type\":\"TEXT\",\"sender_id\":\"web_1a2b3c4d\","
            + "\"receiver_id\":\"server\",\"text_payload\":\"hi\",\"routing_status\":\"pending\"}");
    assertThat(rabbit.awaitFrom(IsolatedVhost.OUTPUT, WAIT))
        .contains("\"receiver_id\":\"agent_1\"")
        .contains("\"routing_status\":\"routed\"");

    rabbit.publishInput("{not json");
    assertThat(rabbit.awaitFrom(IsolatedVhost.DEAD, WAIT)).isEqualTo("{not json");

    assertThat(broker.terminate(WAIT)).isZero();
    assertThat(broker.output()).doesNotContain("ACCESS_REFUSED");
  }

  @Test
  void withDeclareQueuesFalse_theBrokerNeedsNoConfigureRightsAtAll() throws Exception {
    rabbit.grant("^$", WRITE, READ);
    rabbit.declare(IsolatedVhost.DEAD);
    broker =
        BrokerProcess.start(
            RunFixtures.runArgs(
                central, Duration.ofSeconds(20), with(rabbit, "--declare-queues=false")),
            Map.of("RABBITMQ_PASSWORD", PASSWORD));
    broker.awaitReady();

    rabbit.publishInput(
        "{\"message_id\":\"lp0002\",\"message_type\":\"TEXT\",\"sender_id\":\"web_1a2b3c4d\","
            + "\"receiver_id\":\"server\",\"text_payload\":\"hi\",\"routing_status\":\"pending\"}");
    assertThat(rabbit.awaitFrom(IsolatedVhost.OUTPUT, WAIT))
        .contains("\"receiver_id\":\"agent_1\"");
    rabbit.publishInput("[]");
    assertThat(rabbit.awaitFrom(IsolatedVhost.DEAD, WAIT)).isEqualTo("[]");
    assertThat(broker.terminate(WAIT)).isZero();
    assertThat(broker.output()).doesNotContain("ACCESS_REFUSED");
  }

  @Test
  void theRights_areReallyThatNarrow() throws Exception {
    try (Connection connection = rabbit.connect(rabbit.user, PASSWORD)) {
      assertRefused(
          connection, channel -> channel.queueDeclare("another_queue", true, false, false, null));
      assertRefused(connection, channel -> channel.basicGet(IsolatedVhost.OUTPUT, false));
      // Purging needs only read rights, so the broker's user can purge the input queue it
      // consumes anyway; it cannot purge the others.
      assertRefused(connection, channel -> channel.queuePurge(IsolatedVhost.OUTPUT));
      assertRefused(
          connection, channel -> channel.exchangeDeclare("broker-own-exchange", "direct"));
      assertRefused(
          connection, channel -> channel.queueBind(IsolatedVhost.OUTPUT, "amq.direct", "anything"));
    }
  }

  @FunctionalInterface
  private interface ChannelAction {
    void run(Channel channel) throws IOException;
  }

  private static void assertRefused(Connection connection, ChannelAction action)
      throws IOException {
    Channel channel = connection.createChannel();
    assertThatThrownBy(() -> action.run(channel)).hasStackTraceContaining("ACCESS_REFUSED");
  }
}
