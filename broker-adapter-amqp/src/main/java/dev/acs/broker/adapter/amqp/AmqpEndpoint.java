package dev.acs.broker.adapter.amqp;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.BlockedListener;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
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

  final String role;
  final AmqpSettings settings;
  final AmqpListener listener;
  private final ConnectionFactory factory;
  private final String connectionName;
  private final ScheduledExecutorService lifecycle;
  private final Runnable onStateChange;
  private final AtomicBoolean restoreScheduled = new AtomicBoolean();
  private final AtomicLong recoveries = new AtomicLong();
  private volatile AddressOrder addressOrder;
  private volatile @Nullable AmqpAddress node;

  private volatile @Nullable Connection connection;
  private volatile @Nullable Channel channel;
  private volatile long generation;
  private volatile boolean closed;
  private volatile boolean blocked;
  private volatile @Nullable String lastError;
  private volatile @Nullable String misconfiguration;
  private boolean everOpened;
  private Duration nextDelay;

  AmqpEndpoint(
      String role,
      String connectionName,
      AmqpSettings settings,
      ConnectionFactory factory,
      ScheduledExecutorService lifecycle,
      AmqpListener listener,
      Runnable onStateChange) {
    this.role = role;
    this.connectionName = connectionName;
    this.settings = settings;
    this.factory = factory;
    this.lifecycle = lifecycle;
    this.listener = listener;
    this.onStateChange = onStateChange;
    this.nextDelay = settings.reconnectInitial();
    this.addressOrder = new AddressOrder(settings.addresses(), new Random());
  }

  /** Replaces the random order of the addresses (the transport shares one seeded source). */
  final void addressOrder(AddressOrder order) {
    addressOrder = order;
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
        current = connectToSomeNode();
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
      nextDelay = settings.reconnectInitial();
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
      String reason = describe(failure);
      lastError = reason;
      String refusal = everOpened ? null : refusal(failure, reason);
      if (refusal != null) {
        LOG.error("{}", refusal);
        misconfiguration = refusal;
        if (next != null) {
          abortQuietly(next);
        }
        onStateChange.run();
        return;
      }
      Duration delay = nextDelay;
      nextDelay =
          Duration.ofMillis(
              Math.min((long) (delay.toMillis() * 1.6), settings.reconnectMax().toMillis()));
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

  /**
   * Opens a connection to the first node, in a fresh random order, that takes it. A refusal that
   * retrying cannot fix ends the round at once: users, virtual hosts and permissions are the same
   * on every node of a cluster.
   */
  private Connection connectToSomeNode() throws IOException, TimeoutException {
    List<AmqpAddress> order = addressOrder.next();
    Exception last = null;
    for (AmqpAddress address : order) {
      try {
        Connection opened =
            factory.newConnection(
                List.of(new Address(address.host(), address.port())), connectionName);
        node = address;
        return opened;
      } catch (IOException | TimeoutException failure) {
        last = failure;
        if (order.size() > 1) {
          LOG.info(
              "RabbitMQ node {} did not take the {} connection ({})",
              address,
              role,
              describe(failure));
        }
        if (refusal(failure, describe(failure)) != null) {
          throw failure;
        }
      }
    }
    if (last instanceof TimeoutException timeout) {
      throw timeout;
    }
    throw (IOException) last;
  }

  private void connectionShutdown(Connection which, ShutdownSignalException cause) {
    if (!closed && !cause.isInitiatedByApplication()) {
      LOG.warn("RabbitMQ {} connection lost: {}", role, describe(cause));
      lastError = describe(cause);
    }
    if (which == connection) {
      onStateChange.run();
    }
  }

  private void channelShutdown(
      Channel which, long ofGeneration, @Nullable ShutdownSignalException cause) {
    String reason = cause == null ? "channel closed" : describe(cause);
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

  /**
   * The operator-facing explanation of a refusal that retrying cannot fix, or {@code null} for
   * failures worth retrying (the server down or restarting, a network problem).
   */
  @Nullable String refusal(Throwable failure, String reason) {
    String where = "RabbitMQ at " + (node == null ? settings.endpoint() : node.toString());
    String tls = AmqpTls.handshakeRefusal(failure, settings);
    if (tls != null) {
      return tls;
    }
    if (settings.externalAuth()
        && (failure instanceof com.rabbitmq.client.AuthenticationFailureException
            || failure instanceof com.rabbitmq.client.PossibleAuthenticationFailureException)) {
      return where
          + " refused the EXTERNAL login with the client certificate ("
          + reason
          + "); check that RabbitMQ has a user named after the certificate's subject (see"
          + " ssl_cert_login_from) and that the rabbitmq_auth_mechanism_ssl plugin is enabled";
    }
    if (failure instanceof QueueTopology.MissingQueueException missing) {
      return where
          + " has no queue '"
          + missing.queue()
          + "' in virtual host '"
          + settings.virtualHost()
          + "', and the broker does not declare queues (--declare-queues=false,"
          + " BROKER_DECLARE_QUEUES): create it as your topology wants it (e.g. rabbitmqadmin"
          + " declare queue name="
          + missing.queue()
          + " durable=true arguments='{\"x-queue-type\":\"quorum\"}'), or let the broker"
          + " declare its queues with --declare-queues=true";
    }
    if (failure instanceof com.rabbitmq.client.AuthenticationFailureException
        || failure instanceof com.rabbitmq.client.PossibleAuthenticationFailureException) {
      return where
          + " refused the login of user '"
          + settings.username()
          + "' ("
          + reason
          + "); check the RabbitMQ user name and password";
    }
    int code = replyCode(failure);
    if (code == com.rabbitmq.client.AMQP.NOT_ALLOWED) {
      return where
          + " refused user '"
          + settings.username()
          + "' on virtual host '"
          + settings.virtualHost()
          + "' ("
          + reason
          + "); check that the virtual host exists and that the user has permissions on it";
    }
    if (code == com.rabbitmq.client.AMQP.ACCESS_REFUSED) {
      return where
          + " denied user '"
          + settings.username()
          + "' access to the broker's queues ("
          + reason
          + "); grant configure, write and read permissions on the input, output and"
          + " dead-letter queues";
    }
    if (code == com.rabbitmq.client.AMQP.PRECONDITION_FAILED && reason.contains("x-queue-type")) {
      return where
          + " has a queue of another type than the broker declares ("
          + reason
          + "); run the broker with the type the queues have (--queue-type classic|quorum,"
          + " BROKER_QUEUE_TYPE; now "
          + settings.queueType().wireName()
          + "), or with --declare-queues=false to use the queues as provisioned";
    }
    if (code == com.rabbitmq.client.AMQP.PRECONDITION_FAILED) {
      return where
          + " has a queue that exists with other properties ("
          + reason
          + "); the broker declares its queues durable, not exclusive, not auto-delete and"
          + (settings.queueType() == QueueType.CLASSIC
              ? " without arguments, as the other services of the system do"
              : " with x-queue-type quorum")
          + ": fix or delete that queue, configure other queue names, or run the broker with"
          + " --declare-queues=false to use the queues as provisioned";
    }
    return null;
  }

  /** The AMQP reply code of the close behind {@code failure}, or -1. */
  static int replyCode(Throwable failure) {
    Throwable cause = failure;
    while (cause != null && !(cause instanceof ShutdownSignalException)) {
      cause = cause.getCause();
    }
    if (cause == null) {
      return -1;
    }
    Object reason = ((ShutdownSignalException) cause).getReason();
    if (reason instanceof com.rabbitmq.client.AMQP.Connection.Close) {
      return ((com.rabbitmq.client.AMQP.Connection.Close) reason).getReplyCode();
    }
    if (reason instanceof com.rabbitmq.client.AMQP.Channel.Close) {
      return ((com.rabbitmq.client.AMQP.Channel.Close) reason).getReplyCode();
    }
    return -1;
  }

  /** A short reason without secrets: exception type and message, or the server's close reason. */
  static String describe(Throwable failure) {
    if (failure instanceof ShutdownSignalException) {
      ShutdownSignalException signal = (ShutdownSignalException) failure;
      Object reason = signal.getReason();
      if (reason instanceof com.rabbitmq.client.AMQP.Connection.Close) {
        com.rabbitmq.client.AMQP.Connection.Close close =
            (com.rabbitmq.client.AMQP.Connection.Close) reason;
        return "connection closed: " + close.getReplyCode() + " " + close.getReplyText();
      }
      if (reason instanceof com.rabbitmq.client.AMQP.Channel.Close) {
        com.rabbitmq.client.AMQP.Channel.Close close =
            (com.rabbitmq.client.AMQP.Channel.Close) reason;
        return "channel closed: " + close.getReplyCode() + " " + close.getReplyText();
      }
      // A connection that died without a close method ("connection error"): the cause says why,
      // e.g. MissedHeartbeatException for a silently dead (half-open) connection.
      Throwable why = signal.getCause();
      if (why != null) {
        String message = why.getMessage();
        return "connection error: "
            + why.getClass().getSimpleName()
            + (message == null ? "" : ": " + message);
      }
    }
    Throwable cause = failure;
    if (failure instanceof IOException && failure.getCause() instanceof ShutdownSignalException) {
      return describe(failure.getCause());
    }
    String message = cause.getMessage();
    return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
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
