package dev.acs.broker.adapter.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.rabbitmq.client.BlockedListener;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MissedHeartbeatException;
import com.rabbitmq.client.ShutdownSignalException;
import java.time.Duration;
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
    when(factory.newConnection(anyString())).thenReturn(connection);
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
            () -> {}) {
          @Override
          void opened(Channel channel, long generation) {}

          @Override
          void lost(long generation, String reason) {}
        };
    endpoint.start();
    Await.until(endpoint::isOpen, Duration.ofSeconds(10), () -> "endpoint open");
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

    assertThat(AmqpEndpoint.describe(signal))
        .isEqualTo(
            "connection error: MissedHeartbeatException: Heartbeat missing with heartbeat = 2"
                + " seconds");
  }
}
