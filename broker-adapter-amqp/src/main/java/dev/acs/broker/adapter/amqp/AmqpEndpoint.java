package dev.acs.broker.adapter.amqp;

import com.rabbitmq.client.BlockedListener;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import dev.acs.broker.core.retry.Backoff;
import java.io.IOException;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One role's connection and channel ("consumer" or "publisher"), kept open by the adapter itself
 * rather than by the client's automatic recovery: a lost connection is reopened with backoff, and a
 * channel closed by a channel-level error (which automatic recovery would leave closed) is reopened
 * on the same connection. Every channel incarnation has a new generation number; state bound to an
 * old generation (delivery tags, confirm sequence numbers) is dead.
 *
 * <p>Connection work runs on the transport's single lifecycle thread, never on a client thread.
 */
abstract class AmqpEndpoint {

  private static final Logger LOG = LoggerFactory.getLogger(AmqpEndpoint.class);

  /**
   * How long closing waits for RabbitMQ's close-ok on a connection it blocked (resource alarm): a
   * blocked connection is not read by the server, so the handshake cannot finish and waiting the
   * full connection timeout only delays shutdown.
   */
  static final int BLOCKED_CLOSE_TIMEOUT_MILLIS = 1_000;

  /** How much each reconnect delay grows over the one before. */
  static final double RECONNECT_MULTIPLIER = 1.6;

  /**
   * The relative spread of reconnect delays: brokers that lost the same RabbitMQ node do not all
   * knock again in the same instant.
   */
  static final double RECONNECT_JITTER = 0.2;

  final String role;
  final AmqpSettings settings;
  final AmqpListener listener;
  private final NodeConnector connector;
  private final Backoff reconnects;
  private final ScheduledExecutorService lifecycle;
  private final Runnable onStateChange;
  private final AtomicBoolean restoreScheduled = new AtomicBoolean();
  private final AtomicLong recoveries = new AtomicLong();
  private volatile @Nullable AmqpAddress node;

  private volatile @Nullable Connection connection;
  private volatile @Nullable Channel channel;
  private volatile long generation;
  private volatile boolean closed;
  private volatile boolean blocked;
  private volatile @Nullable String lastError;
  private volatile @Nullable String misconfiguration;
  private boolean everOpened;

  AmqpEndpoint(
      String role,
      String connectionName,
      AmqpSettings settings,
      ConnectionFactory factory,
      ScheduledExecutorService lifecycle,
      AmqpListener listener,
      Runnable onStateChange,
      Random random) {
    this.role = role;
    this.settings = settings;
    this.lifecycle = lifecycle;
    this.listener = listener;
    this.onStateChange = onStateChange;
    this.connector =
        new NodeConnector(
            factory,
            connectionName,
            role,
            settings,
            new AddressOrder(settings.addresses(), random));
    this.reconnects =
        new Backoff(
            settings.reconnectInitial(),
            RECONNECT_MULTIPLIER,
            RECONNECT_JITTER,
            settings.reconnectMax(),
            random);
  }

  /**
   * The node the connection is on ({@code host:port} as configured), or {@code null} while it is
   * not connected.
   */
  final @Nullable String node() {
    Connection current = connection;
    AmqpAddress on = node;
    return current == null || !current.isOpen() || on == null ? null : on.toString();
  }

  /** Declares the queues and sets the channel up for this role; runs on the lifecycle thread. */
  abstract void opened(Channel channel, long generation) throws IOException;

  /** The channel of {@code generation} is gone; runs on a client thread, must not block. */
  abstract void lost(long generation, String reason);

  /** Starts connecting in the background. */
  final void start() {
    scheduleRestore(Duration.ZERO);
  }

  final boolean isOpen() {
    Channel current = channel;
    return current != null && current.isOpen();
  }

  final long generation() {
    return generation;
  }

  final long recoveries() {
    return recoveries.get();
  }

  final @Nullable String lastError() {
    return lastError;
  }

  /**
   * Why the first connection attempt was refused for good (bad credentials, missing virtual host or
   * permissions, a queue declared with other arguments), or {@code null}. Once the endpoint has
   * been open, the same refusals are retried instead: they may be a passing state of the server.
   */
  final @Nullable String misconfiguration() {
    return misconfiguration;
  }

  final boolean isClosed() {
    return closed;
  }

  final ScheduledExecutorService lifecycle() {
    return lifecycle;
  }

  /** Whether RabbitMQ currently blocks this connection's publishing (a resource alarm). */
  final boolean isBlocked() {
    return blocked;
  }

  /** Closes the connection; no reconnection afterwards. Idempotent. */
  final void close() {
    closed = true;
    Connection current = connection;
    if (current != null && blocked) {
      LOG.info("Closing the {} connection, which RabbitMQ blocks, without waiting", role);
      current.abort(BLOCKED_CLOSE_TIMEOUT_MILLIS);
    } else if (current != null) {
      try {
        current.close((int) settings.connectionTimeout().toMillis());
      } catch (IOException | RuntimeException alreadyGone) {
        LOG.debug("Closing the {} connection: {}", role, alreadyGone.toString());
        current.abort();
      }
    }
  }

  /**
   * Drops the current connection at once, as a network failure would (the endpoint restores it by
   * itself); for fault-injection tests that need the drop at an exact moment.
   */
  final void abortConnection() {
    Connection current = connection;
    if (current != null) {
      current.abort(BLOCKED_CLOSE_TIMEOUT_MILLIS);
    }
  }

  /**
   * Declares the three queues durable with the configured type (classic: no arguments, exactly as
   * SPEC §3 says), or only checks that they exist when the broker must not declare them.
   */
  final void declareQueues(Channel channel) throws IOException {
    QueueTopology.apply(channel, settings);
  }

  // restore() catches and reports every failure itself, so the future holds nothing to look at.
  @SuppressWarnings("FutureReturnValueIgnored")
  private void scheduleRestore(Duration delay) {
    if (closed || !restoreScheduled.compareAndSet(false, true)) {
      return;
    }
    try {
      lifecycle.schedule(this::restore, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
      restoreScheduled.set(false);
    }
  }

  private void restore() {
    restoreScheduled.set(false);
    if (closed || isOpen()) {
      return;
    }
    Channel next = null;
    try {
      Connection current = connection;
      if (current == null || !current.isOpen()) {
        if (current != null) {
          current.abort();
        }
        NodeConnector.Opened reached = connector.open();
        current = reached.connection();
        node = reached.node();
        blocked = false;
        connection = current;
        Connection opened = current;
        current.addShutdownListener(cause -> connectionShutdown(opened, cause));
        current.addBlockedListener(new AlarmListener());
      }
      next = current.createChannel();
      if (next == null) {
        throw new IOException("no channel number available");
      }
      long nextGeneration = generation + 1;
      generation = nextGeneration;
      opened(next, nextGeneration);
      Channel opened = next;
      channel = opened;
      // Fires at once when the channel is already closed.
      opened.addShutdownListener(cause -> channelShutdown(opened, nextGeneration, cause));
      reconnects.reset();
      lastError = null;
      if (everOpened) {
        recoveries.incrementAndGet();
        LOG.info("RabbitMQ {} channel restored at {}", role, node);
        listener.recovered(role);
      } else {
        LOG.info("RabbitMQ {} connected to {}", role, node);
      }
      everOpened = true;
      onStateChange.run();
    } catch (IOException | TimeoutException | RuntimeException failure) {
      String reason = AmqpFailures.describe(failure);
      lastError = reason;
      String refusal = everOpened ? null : AmqpFailures.refusal(failure, reason, settings, node);
      if (refusal != null) {
        LOG.error("{}", refusal);
        misconfiguration = refusal;
        if (next != null) {
          abortQuietly(next);
        }
        onStateChange.run();
        return;
      }
      Duration delay = reconnects.nextDelay();
      LOG.warn(
          "RabbitMQ at {} not reachable for the {} ({}); retrying in {}s",
          settings.endpoint(),
          role,
          reason,
          String.format(java.util.Locale.ROOT, "%.1f", delay.toMillis() / 1000.0));
      if (next != null) {
        lost(generation, reason);
        abortQuietly(next);
      }
      scheduleRestore(delay);
    }
  }

  private void connectionShutdown(Connection which, ShutdownSignalException cause) {
    if (!closed && !cause.isInitiatedByApplication()) {
      LOG.warn("RabbitMQ {} connection lost: {}", role, AmqpFailures.describe(cause));
      lastError = AmqpFailures.describe(cause);
    }
    if (which == connection) {
      onStateChange.run();
    }
  }

  private void channelShutdown(
      Channel which, long ofGeneration, @Nullable ShutdownSignalException cause) {
    String reason = cause == null ? "channel closed" : AmqpFailures.describe(cause);
    if (channel == which) {
      channel = null;
    }
    lost(ofGeneration, reason);
    onStateChange.run();
    if (closed) {
      return;
    }
    LOG.warn("RabbitMQ {} channel (generation {}) closed: {}", role, ofGeneration, reason);
    lastError = reason;
    listener.connectionLost(role, reason);
    scheduleRestore(Duration.ZERO);
  }

  static void abortQuietly(Channel channel) {
    try {
      if (channel.isOpen()) {
        channel.abort();
      }
    } catch (IOException | RuntimeException ignored) {
      LOG.debug("aborting a channel: {}", ignored.toString());
    }
  }

  /** Logs RabbitMQ's resource alarms: without this, a blocked broker stalls without a word. */
  private final class AlarmListener implements BlockedListener {
    @Override
    public void handleBlocked(String reason) {
      blocked = true;
      LOG.warn(
          "RabbitMQ blocked the {} connection ({}); publishing waits until it is unblocked",
          role,
          reason);
    }

    @Override
    public void handleUnblocked() {
      blocked = false;
      LOG.info("RabbitMQ unblocked the {} connection", role);
    }
  }
}
