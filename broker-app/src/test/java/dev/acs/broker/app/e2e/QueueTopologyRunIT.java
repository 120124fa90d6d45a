package dev.acs.broker.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.acs.broker.app.BrokerProcess;
import dev.acs.broker.app.RunFixtures;
import dev.acs.broker.app.StartedBrokers;
import dev.acs.broker.app.sandbox.simulate.StandInCentralServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue #14 end to end: {@code --declare-queues=false} and {@code --queue-type} of the real {@code
 * broker.jar} against the real RabbitMQ (quorum queues work on one node too) and the stand-in
 * central server.
 */
class QueueTopologyRunIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  private StandInCentralServer central;
  private Rabbit rabbit;
  @RegisterExtension final StartedBrokers brokers = new StartedBrokers();

  @BeforeEach
  void setUp(TestInfo test) throws Exception {
    central = RunFixtures.centralWithIdleAgents(1);
    rabbit = Rabbit.forTest("topo_", test);
  }

  @AfterEach
  void tearDown() throws Exception {
    rabbit.close();
    central.close();
  }

  private BrokerProcess startBroker(Map<String, String> environment, String... extra)
      throws Exception {
    List<String> options = new ArrayList<>(List.of("--broker-id", "broker_topology"));
    options.addAll(rabbit.queueOptions());
    options.addAll(List.of(extra));
    List<String> args = RunFixtures.runArgs(central, Duration.ofSeconds(40), options);
    BrokerProcess broker = brokers.start(args, environment);
    return broker;
  }

  /** Replaces the test's queues by quorum queues, as an operator's definitions would. */
  private void redeclareAsQuorum(List<String> queues) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost("127.0.0.1");
    try (Connection connection = factory.newConnection("queue-topology-run-it")) {
      for (String queue : queues) {
        Channel channel = connection.createChannel();
        channel.queueDelete(queue);
        channel.queueDeclare(queue, true, false, false, Map.of("x-queue-type", "quorum"));
        channel.close();
      }
    }
  }

  private static boolean queueExists(String queue) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost("127.0.0.1");
    try (Connection connection = factory.newConnection("queue-topology-run-it check")) {
      connection.createChannel().queueDeclarePassive(queue);
      return true;
    } catch (java.io.IOException notFound) {
      return false;
    }
  }

  private static Map<String, Object> frontendMessage(String id) {
    return FrontendMessages.text(id, "hello");
  }

  @Test
  void noDeclaring_withAMissingQueue_exits1NamingTheQueue() throws Exception {
    // The central server's two queues exist; nobody provisioned the dead-letter queue.
    BrokerProcess broker = startBroker(Map.of(), "--declare-queues=false");

    assertThat(broker.awaitExit(WAIT)).as(broker.tail()).isEqualTo(1);
    assertThat(broker.output())
        .contains("has no queue '" + rabbit.deadLetterQueue + "'")
        .contains("--declare-queues=false");
    assertThat(queueExists(rabbit.deadLetterQueue)).as("nothing declared").isFalse();
  }

  @Test
  void noDeclaring_withPreDeclaredQuorumQueues_routes() throws Exception {
    redeclareAsQuorum(List.of(rabbit.inputQueue, rabbit.outputQueue, rabbit.deadLetterQueue));
    BrokerProcess broker = startBroker(Map.of("BROKER_DECLARE_QUEUES", "false"));
    broker.awaitReady();

    rabbit.publish(frontendMessage("topo01"));
    Map<String, Object> routed = rabbit.awaitOutput(WAIT);

    assertThat(routed).containsEntry("message_id", "topo01");
    assertThat(routed).containsEntry("receiver_id", "agent_1");
    assertThat(routed).containsEntry("routing_status", "routed");
    assertThat(broker.terminate(WAIT)).isZero();
  }

  @Test
  void quorumQueuesOfTheOperator_refuseTheClassicDeclare_thenRouteWithQueueTypeQuorum()
      throws Exception {
    redeclareAsQuorum(List.of(rabbit.inputQueue, rabbit.outputQueue));
    BrokerProcess classic = startBroker(Map.of());

    assertThat(classic.awaitExit(WAIT)).as(classic.tail()).isEqualTo(1);
    assertThat(classic.output())
        .contains("inequivalent arg 'x-queue-type'")
        .contains("--queue-type");

    BrokerProcess quorum = startBroker(Map.of(), "--queue-type", "quorum");
    quorum.awaitReady();
    rabbit.publish(frontendMessage("topo02"));

    assertThat(rabbit.awaitOutput(WAIT)).containsEntry("message_id", "topo02");
    assertThat(quorum.terminate(WAIT)).isZero();
  }
}
