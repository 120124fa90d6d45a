package dev.acs.broker.adapter.amqp;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens one role's connection on some node of the cluster: the first node, in a fresh random {@link
 * AddressOrder}, that takes it. A refusal that retrying cannot fix ends the round at once: users,
 * virtual hosts and permissions are the same on every node of a cluster.
 *
 * <p>Called on the transport's lifecycle thread; blocks for up to the connection timeout per node.
 */
final class NodeConnector {

  // The endpoint's logger, so that connection log lines keep the name operators filter on.
  private static final Logger LOG = LoggerFactory.getLogger(AmqpEndpoint.class);

  /** A connection and the node it is on. */
  record Opened(Connection connection, AmqpAddress node) {}

  private final ConnectionFactory factory;
  private final String connectionName;
  private final String role;
  private final AmqpSettings settings;
  private final AddressOrder order;

  NodeConnector(
      ConnectionFactory factory,
      String connectionName,
      String role,
      AmqpSettings settings,
      AddressOrder order) {
    this.factory = factory;
    this.connectionName = connectionName;
    this.role = role;
    this.settings = settings;
    this.order = order;
  }

  /**
   * A new connection.
   *
   * @throws IOException or {@link TimeoutException} as the last node that was tried failed, or as
   *     the first node that refused for good
   */
  Opened open() throws IOException, TimeoutException {
    List<AmqpAddress> addresses = order.next();
    Exception last = null;
    for (AmqpAddress address : addresses) {
      try {
        Connection opened =
            factory.newConnection(
                List.of(new Address(address.host(), address.port())), connectionName);
        return new Opened(opened, address);
      } catch (IOException | TimeoutException failure) {
        last = failure;
        String reason = AmqpFailures.describe(failure);
        if (addresses.size() > 1) {
          LOG.info("RabbitMQ node {} did not take the {} connection ({})", address, role, reason);
        }
        if (AmqpFailures.refusal(failure, reason, settings, address) != null) {
          throw failure;
        }
      }
    }
    if (last instanceof TimeoutException timeout) {
      throw timeout;
    }
    if (last instanceof IOException io) {
      throw io;
    }
    throw new IllegalStateException("no address to connect to"); // AddressOrder never allows it
  }
}
