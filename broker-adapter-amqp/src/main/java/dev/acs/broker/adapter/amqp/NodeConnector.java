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
 * AddressOrder}, that takes it. Every node is tried, even after one refused: a node that is
 * stopping or pausing (pause_minority) closes a connection in the middle of its handshake, which
 * amqp-client cannot tell from a refused login ({@code PossibleAuthenticationFailureException}), so
 * one node's refusal is not the cluster's answer. Only when no node took the connection is the
 * refusal, if any, reported rather than the last node's failure: a wrong password is refused by
 * every node of a cluster alike, and that is the error an operator has to see.
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
   * @throws IOException or {@link TimeoutException} when no node took the connection: the first
   *     refusal that retrying cannot fix if a node refused, else the last node's failure
   */
  Opened open() throws IOException, TimeoutException {
    List<AmqpAddress> addresses = order.next();
    Exception last = null;
    Exception refused = null;
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
        if (refused == null && AmqpFailures.refusal(failure, reason, settings, address) != null) {
          refused = failure;
        }
      }
    }
    if (refused != null) {
      last = refused;
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
