package dev.acs.broker.adapter.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import java.io.IOException;
import java.net.ConnectException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NodeConnectorTest {

  private static final AmqpAddress PAUSING = new AmqpAddress("127.0.0.1", 5701);
  private static final AmqpAddress RUNNING = new AmqpAddress("127.0.0.1", 5702);
  private static final AmqpSettings CLUSTER =
      AmqpSettings.builder().addresses(List.of(PAUSING, RUNNING)).build();

  private final ConnectionFactory factory = mock(ConnectionFactory.class);
  private final Connection connection = mock(Connection.class);

  @Test
  void aNodeThatClosesTheHandshake_doesNotEndTheRound_theNextNodeIsTried() throws Exception {
    // A node that pauses (pause_minority) or stops mid-handshake looks like a refused login.
    when(factory.newConnection(eq(List.of(address(PAUSING))), anyString()))
        .thenThrow(closedDuringHandshake());
    when(factory.newConnection(eq(List.of(address(RUNNING))), anyString())).thenReturn(connection);

    NodeConnector.Opened opened = connectorTrying(PAUSING).open();

    assertThat(opened.node()).isEqualTo(RUNNING);
    assertThat(opened.connection()).isSameAs(connection);
  }

  @Test
  void whenNoNodeTakesTheConnection_theRefusalIsReported_notTheLastNodesFailure() throws Exception {
    PossibleAuthenticationFailureException refused = closedDuringHandshake();
    when(factory.newConnection(eq(List.of(address(PAUSING))), anyString())).thenThrow(refused);
    when(factory.newConnection(eq(List.of(address(RUNNING))), anyString()))
        .thenThrow(new ConnectException("Connection refused"));

    assertThatThrownBy(() -> connectorTrying(PAUSING).open()).isSameAs(refused);
  }

  @Test
  void whenEveryNodeIsDown_theLastFailureIsReported() throws Exception {
    ConnectException last = new ConnectException("Connection refused (last)");
    when(factory.newConnection(eq(List.of(address(PAUSING))), anyString()))
        .thenThrow(new ConnectException("Connection refused"));
    when(factory.newConnection(eq(List.of(address(RUNNING))), anyString())).thenThrow(last);

    assertThatThrownBy(() -> connectorTrying(PAUSING).open()).isSameAs(last);
  }

  /** A connector whose first (seeded, deterministic) order starts with {@code first}. */
  private NodeConnector connectorTrying(AmqpAddress first) {
    long seed = 0;
    while (!new AddressOrder(CLUSTER.addresses(), new Random(seed)).next().get(0).equals(first)) {
      seed++;
    }
    return new NodeConnector(
        factory,
        "broker test",
        "consumer",
        CLUSTER,
        new AddressOrder(CLUSTER.addresses(), new Random(seed)));
  }

  private static Address address(AmqpAddress node) {
    return new Address(node.host(), node.port());
  }

  private static PossibleAuthenticationFailureException closedDuringHandshake() {
    return new PossibleAuthenticationFailureException(
        new IOException("connection closed during the handshake"));
  }
}
