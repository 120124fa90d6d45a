package dev.acs.broker.app.faults;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Where the test's own clients connect: the private node (or every node of a cluster, tried in the
 * client's random order), a virtual host, guest; and the arguments the test declares its queues
 * with (none, as the central server does, or a quorum queue type on a cluster).
 */
record RabbitEndpoint(List<Integer> ports, String virtualHost, Map<String, Object> queueArguments) {

  RabbitEndpoint {
    ports = List.copyOf(ports);
    queueArguments = Map.copyOf(queueArguments);
  }

  /** One node, queues without arguments. */
  RabbitEndpoint(int port, String virtualHost) {
    this(List.of(port), virtualHost, Map.of());
  }

  /** The first node's port. */
  int port() {
    return ports.get(0);
  }

  /** The arguments for {@code queue.declare}, {@code null} for none (SPEC §3). */
  Map<String, Object> declareArguments() {
    return queueArguments.isEmpty() ? null : queueArguments;
  }

  Connection connect(String name) throws IOException, TimeoutException {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setVirtualHost(virtualHost);
    factory.setUsername("guest");
    factory.setPassword("guest");
    factory.setAutomaticRecoveryEnabled(false);
    factory.setRequestedHeartbeat(5);
    factory.setConnectionTimeout(5_000);
    List<Address> addresses = ports.stream().map(port -> new Address("127.0.0.1", port)).toList();
    return factory.newConnection(addresses, "broker-faults-test " + name);
  }
}
