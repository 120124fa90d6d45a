package dev.acs.broker.adapter.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.BlockedListener;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MissedHeartbeatException;
import com.rabbitmq.client.ShutdownSignalException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** What an endpoint tells about and does with its connection, at the amqp-client edge. */
class AmqpEndpointTest {

  private final ScheduledExecutorService lifecycle = Executors.newSingleThreadScheduledExecutor();
  private final ConnectionFactory factory = mock(ConnectionFactory.class);
  private final Connection connection = mock(Connection.class);
  private final Channel channel = mock(Channel.class);
  private AmqpEndpoint endpoint;

  @BeforeEach
  void openEndpoint() throws Exception {
    when(factory.newConnection(anyList(), anyString())).thenReturn(connection);
    when(connection.isOpen()).thenReturn(true);
    when(connection.createChannel()).thenReturn(channel);
    when(channel.isOpen()).thenReturn(true);
    endpoint =
        new AmqpEndpoint(
            "publisher",
            "broker test publisher",
            AmqpSettings.defaults(),
            factory,
            lifecycle,
            AmqpListener.NONE,
            () -> {},
            new Random(1)) {
          @Override
          void opened(Channel channel, long generation) {}

          @Override
          void lost(long generation, String reason) {}
        };
    endpoint.start();
    await("endpoint open").atMost(Duration.ofSeconds(10)).until(endpoint::isOpen);
  }

  @AfterEach
  void stopLifecycle() {
    lifecycle.shutdownNow();
  }

  private BlockedListener blockedListener() {
    ArgumentCaptor<BlockedListener> listener = ArgumentCaptor.forClass(BlockedListener.class);
    verify(connection).addBlockedListener(listener.capture());
    return listener.getValue();
  }

  @Test
  void close_ofAConnectionRabbitMqBlocks_abortsWithoutWaitingTheConnectionTimeout()
      throws Exception {
    blockedListener().handleBlocked("low on memory");
    assertThat(endpoint.isBlocked()).isTrue();

    endpoint.close();

    verify(connection).abort(AmqpEndpoint.BLOCKED_CLOSE_TIMEOUT_MILLIS);
    verify(connection, never()).close(anyInt());
  }

  @Test
  void close_afterTheAlarmCleared_closesWithTheHandshake() throws Exception {
    BlockedListener listener = blockedListener();
    listener.handleBlocked("low on memory");
    listener.handleUnblocked();
    assertThat(endpoint.isBlocked()).isFalse();

    endpoint.close();

    verify(connection).close((int) AmqpSettings.defaults().connectionTimeout().toMillis());
    verify(connection, never()).abort(anyInt());
  }

  @Test
  void describe_aConnectionErrorWithACause_namesTheCause() {
    ShutdownSignalException signal = new ShutdownSignalException(true, false, null, connection);
    signal.initCause(new MissedHeartbeatException("Heartbeat missing with heartbeat = 2 seconds"));

    assertThat(AmqpFailures.describe(signal))
        .isEqualTo(
            "connection error: MissedHeartbeatException: Heartbeat missing with heartbeat = 2"
                + " seconds");
  }

  @Test
  void connect_withANodeDown_triesTheNextAddress_andSaysWhichNodeItIsOn() throws Exception {
    AmqpSettings cluster =
        AmqpSettings.builder()
            .addresses(
                List.of(new AmqpAddress("127.0.0.1", 5701), new AmqpAddress("127.0.0.1", 5702)))
            .build();
    ConnectionFactory twoNodes = mock(ConnectionFactory.class);
    when(twoNodes.newConnection(eq(List.of(new Address("127.0.0.1", 5701))), anyString()))
        .thenThrow(new ConnectException("Connection refused"));
    when(twoNodes.newConnection(eq(List.of(new Address("127.0.0.1", 5702))), anyString()))
        .thenReturn(connection);
    // A seed whose first order puts the down node first (orders are deterministic per seed).
    long seed = 0;
    while (new AddressOrder(cluster.addresses(), new Random(seed)).next().get(0).port() != 5701) {
      seed++;
    }
    AmqpEndpoint onCluster =
        new AmqpEndpoint(
            "consumer",
            "broker test consumer",
            cluster,
            twoNodes,
            lifecycle,
            AmqpListener.NONE,
            () -> {},
            new Random(seed)) {
          @Override
          void opened(Channel channel, long generation) {}

          @Override
          void lost(long generation, String reason) {}
        };

    onCluster.start();
    await("endpoint open").atMost(Duration.ofSeconds(10)).until(onCluster::isOpen);

    assertThat(onCluster.node()).isEqualTo("127.0.0.1:5702");
    verify(twoNodes).newConnection(eq(List.of(new Address("127.0.0.1", 5701))), anyString());
    when(connection.isOpen()).thenReturn(false);
    assertThat(onCluster.node()).as("no node while the connection is down").isNull();
    onCluster.close();
  }
}
