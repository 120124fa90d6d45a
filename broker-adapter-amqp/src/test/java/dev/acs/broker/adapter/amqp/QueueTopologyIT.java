package dev.acs.broker.adapter.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.acs.broker.core.BrokerIdentity;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code --queue-type} and {@code --declare-queues} against the real RabbitMQ (quorum queues work
 * on a single node too): what the broker declares, what it accepts, and how it refuses.
 */
class QueueTopologyIT {

  private final String suffix = UUID.randomUUID().toString();
  private final AmqpSettings settings =
      AmqpSettings.builder()
          .inputQueue("it-topology-in-" + suffix)
          .outputQueue("it-topology-out-" + suffix)
          .deadLetterQueue("it-topology-dead-" + suffix)
          .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(200))
          .build();

  @AfterEach
  void deleteQueues() throws Exception {
    try (Connection connection = connect()) {
      for (String queue :
          List.of(settings.inputQueue(), settings.outputQueue(), settings.deadLetterQueue())) {
        Channel channel = connection.createChannel();
        channel.queueDelete(queue);
        channel.close();
      }
    }
  }

  @Test
  void quorum_declaresEveryQueueAsAQuorumQueue() throws Exception {
    AmqpTransport transport = transport(settings.toBuilder().queueType(QueueType.QUORUM).build());
    try {
      transport.connect();
    } finally {
      transport.close();
    }

    String listing = RabbitCtl.run("list_queues", "-q", "--no-table-headers", "name", "type");
    for (String queue :
        List.of(settings.inputQueue(), settings.outputQueue(), settings.deadLetterQueue())) {
      assertThat(listing).containsPattern(queue + "\\s+quorum");
    }
  }

  @Test
  void classic_againstQuorumQueues_refusesAtOnce_namingBothWaysOut() throws Exception {
    declareAll(Map.of("x-queue-type", "quorum"));

    assertThatThrownBy(() -> transport(settings).connect())
        .isInstanceOf(AmqpConfigurationException.class)
        .hasMessageContaining("x-queue-type")
        .hasMessageContaining("--queue-type")
        .hasMessageContaining("--declare-queues=false");
  }

  @Test
  void noDeclaring_withPreDeclaredQuorumQueues_connects() throws Exception {
    declareAll(Map.of("x-queue-type", "quorum", "x-delivery-limit", 20));
    AmqpTransport transport = transport(settings.toBuilder().declareQueues(false).build());
    try {
      transport.connect();

      assertThat(transport.health().ready()).isTrue();
    } finally {
      transport.close();
    }
  }

  @Test
  void noDeclaring_withAMissingQueue_refusesAtOnce_namingTheQueue() throws Exception {
    try (Connection connection = connect()) {
      Channel channel = connection.createChannel();
      channel.queueDeclare(settings.inputQueue(), true, false, false, null);
      channel.queueDeclare(settings.outputQueue(), true, false, false, null);
    }
    AmqpTransport transport = transport(settings.toBuilder().declareQueues(false).build());
    try {
      assertThatThrownBy(transport::connect)
          .isInstanceOf(AmqpConfigurationException.class)
          .hasMessageContaining("has no queue '" + settings.deadLetterQueue() + "'")
          .hasMessageContaining("--declare-queues=false");
    } finally {
      transport.close();
    }
    try (Connection connection = connect()) {
      Channel channel = connection.createChannel();
      assertThatThrownBy(() -> channel.queueDeclarePassive(settings.deadLetterQueue()))
          .as("the passive check created nothing")
          .isInstanceOf(java.io.IOException.class);
    }
  }

  private void declareAll(Map<String, Object> arguments) throws Exception {
    try (Connection connection = connect()) {
      Channel channel = connection.createChannel();
      for (String queue :
          List.of(settings.inputQueue(), settings.outputQueue(), settings.deadLetterQueue())) {
        channel.queueDeclare(queue, true, false, false, arguments);
      }
    }
  }

  private AmqpTransport transport(AmqpSettings settings) {
    return new AmqpTransport(
        settings, new BrokerIdentity("broker_it", "Broker-IT"), AmqpListener.NONE);
  }

  private Connection connect() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(settings.host());
    return factory.newConnection("queue-topology-it");
  }

  @Test
  void classic_inAVirtualHostWhoseDefaultTypeIsQuorum_getsQuorumQueues_andEveryPlainDeclarePasses()
      throws Exception {
    // SPEC §3's plain declares (the central server's, the agents', the broker's default) and
    // quorum queues together: RabbitMQ adds the virtual host's default type to a declare without
    // x-queue-type, so a plain redeclare of a quorum queue is equivalent (docs/scaling.md).
    String vhost = "it-topology-" + suffix;
    RabbitCtl.run("add_vhost", vhost, "--default-queue-type", "quorum");
    try {
      RabbitCtl.run("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*");
      AmqpSettings inVhost = settings.toBuilder().virtualHost(vhost).build();
      for (int start = 0; start < 2; start++) {
        AmqpTransport transport = transport(inVhost);
        try {
          transport.connect();
          assertThat(transport.health().ready()).isTrue();
        } finally {
          transport.close();
        }
      }

      String listing =
          RabbitCtl.run("list_queues", "-p", vhost, "-q", "--no-table-headers", "name", "type");
      assertThat(listing).containsPattern(settings.inputQueue() + "\\s+quorum");
      assertThat(listing).containsPattern(settings.outputQueue() + "\\s+quorum");
    } finally {
      RabbitCtl.run("delete_vhost", vhost);
    }
  }
}
