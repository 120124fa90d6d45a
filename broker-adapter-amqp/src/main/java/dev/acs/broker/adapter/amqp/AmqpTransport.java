package dev.acs.broker.adapter.amqp;

import com.rabbitmq.client.ConnectionFactory;
import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.application.RedeliveryGuard;
import dev.acs.broker.core.port.InboundMessages;
import dev.acs.broker.core.port.OutboundPublisher;
import java.time.Clock;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's RabbitMQ transport: two connections (one consuming the input queue, one publishing
 * with confirms), each named after the broker and its role, each reopened by the transport itself
 * after any loss.
 *
 * <p>Use: {@link #connect()}, then hand {@link #inbound()} and {@link #outbound()} to the core, and
 * {@link #close()} at shutdown. Thread-safe.
 */
public final class AmqpTransport implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AmqpTransport.class);

  private final AmqpSettings settings;
  private final ScheduledExecutorService lifecycle;
  private final AmqpOutboundPublisher publisher;
  private final AmqpInboundMessages inbound;
  private final Object stateMonitor = new Object();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * A transport for {@code identity}, not yet connected.
   *
   * @param listener hears connection and publish events, for metrics; {@link AmqpListener#NONE}
   *     when nobody listens
   */
  public AmqpTransport(AmqpSettings settings, BrokerIdentity identity, AmqpListener listener) {
    this(
        settings,
        identity,
        listener,
        new RedeliveryGuard(RedeliveryGuard.DEFAULT_MAX_DELIVERIES, Clock.systemUTC()));
  }

  /**
   * A transport for {@code identity}, not yet connected, whose consumer sets aside messages that
   * {@code redeliveries} refuses (reason {@code redelivered-too-often}) instead of handling them.
   *
   * @param listener hears connection and publish events, for metrics; {@link AmqpListener#NONE}
   *     when nobody listens
   */
  public AmqpTransport(
      AmqpSettings settings,
      BrokerIdentity identity,
      AmqpListener listener,
      RedeliveryGuard redeliveries) {
    this(settings, identity, listener, redeliveries, new Random());
  }

  /**
   * Like {@link #AmqpTransport(AmqpSettings, BrokerIdentity, AmqpListener, RedeliveryGuard)}, with
   * the connections' randomness drawn from {@code random} (tests pass a seeded one): the order in
   * which they try the addresses and the jitter of their reconnect delays.
   */
  public AmqpTransport(
      AmqpSettings settings,
      BrokerIdentity identity,
      AmqpListener listener,
      RedeliveryGuard redeliveries,
      Random random) {
    this(settings, identity, listener, redeliveries, random, AmqpLimits.rabbitMqDefaults());
  }

  /** With other publish limits than RabbitMQ's defaults; for tests. */
  AmqpTransport(
      AmqpSettings settings,
      BrokerIdentity identity,
      AmqpListener listener,
      RedeliveryGuard redeliveries,
      Random random,
      AmqpLimits limits) {
    Objects.requireNonNull(redeliveries, "redeliveries");
    Objects.requireNonNull(random, "random");
    this.settings = Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(listener, "listener");
    this.lifecycle =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "amqp-lifecycle-" + identity.name());
              thread.setDaemon(true);
              return thread;
            });
    ConnectionFactory factory = connectionFactory(settings);
    String prefix = "broker " + identity.name() + " (" + identity.id() + ") ";
    this.publisher =
        new AmqpOutboundPublisher(
            prefix + "publisher",
            settings,
            factory,
            lifecycle,
            listener,
            this::stateChanged,
            limits,
            random);
    this.inbound =
        new AmqpInboundMessages(
            prefix + "consumer",
            "broker-" + identity.id(),
            settings,
            factory,
            lifecycle,
            listener,
            publisher,
            redeliveries,
            this::stateChanged,
            random);
  }

  /**
   * Connects both connections and declares the queues, retrying with backoff (logging each attempt)
   * until both are open. Blocks until then; interruptible. Afterwards the transport restores lost
   * connections by itself.
   *
   * @throws AmqpConfigurationException when RabbitMQ refuses the broker for a reason retrying
   *     cannot fix (credentials, virtual host, permissions, a queue with other arguments)
   */
  public void connect() throws InterruptedException {
    if (closed.get()) {
      throw new IllegalStateException("the transport is closed");
    }
    if (started.compareAndSet(false, true)) {
      LOG.info("Connecting to RabbitMQ: {}", settings);
      publisher.start();
      inbound.start();
    }
    synchronized (stateMonitor) {
      while (!(publisher.isOpen() && inbound.isOpen())) {
        if (closed.get()) {
          throw new IllegalStateException("the transport was closed while connecting");
        }
        String refusal =
            publisher.misconfiguration() != null
                ? publisher.misconfiguration()
                : inbound.misconfiguration();
        if (refusal != null) {
          throw new AmqpConfigurationException(refusal);
        }
        stateMonitor.wait(1000);
      }
    }
  }

  /** The input queue as a port; consuming starts with {@link InboundMessages#start}. */
  public InboundMessages inbound() {
    return inbound;
  }

  /** The output (and dead-letter) queues as a port. */
  public OutboundPublisher outbound() {
    return publisher;
  }

  /** Readiness and counters, for health checks. */
  public AmqpHealth health() {
    long recoveries = publisher.recoveries() + inbound.recoveries();
    String lastError = inbound.lastError();
    if (lastError == null) {
      lastError = publisher.lastError();
    }
    return new AmqpHealth(
        inbound.isOpen(),
        publisher.isOpen(),
        inbound.consuming(),
        recoveries,
        lastError,
        inbound.node(),
        publisher.node());
  }

  /**
   * Closes both connections: the publisher's first, so unconfirmed publishes fail and their input
   * is requeued while the consumer can still do it. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    publisher.close();
    inbound.close();
    lifecycle.shutdownNow();
    try {
      lifecycle.awaitTermination(settings.connectionTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
    stateChanged();
    LOG.info("RabbitMQ transport closed");
  }

  private void stateChanged() {
    inbound.publisherAvailable(publisher.isOpen());
    synchronized (stateMonitor) {
      stateMonitor.notifyAll();
    }
  }

  private static ConnectionFactory connectionFactory(AmqpSettings settings) {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(settings.host());
    factory.setPort(settings.port());
    factory.setUsername(settings.username());
    factory.setPassword(settings.password());
    factory.setVirtualHost(settings.virtualHost());
    factory.setConnectionTimeout((int) settings.connectionTimeout().toMillis());
    factory.setHandshakeTimeout((int) settings.connectionTimeout().toMillis());
    factory.setRequestedHeartbeat((int) settings.heartbeat().toSeconds());
    // The transport restores connections and channels itself (AmqpEndpoint), with fresh confirm
    // and delivery-tag bookkeeping; the client's recovery would keep channels alive behind its
    // back.
    factory.setAutomaticRecoveryEnabled(false);
    factory.setTopologyRecoveryEnabled(false);
    AmqpTls.configure(factory, settings);
    return factory;
  }
}
