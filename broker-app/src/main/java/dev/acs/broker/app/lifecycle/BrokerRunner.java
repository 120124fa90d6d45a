package dev.acs.broker.app.lifecycle;

import dev.acs.broker.app.config.BrokerConfig;
import dev.acs.broker.core.agent.AgentRegistry;
import dev.acs.broker.core.application.BrokerService;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import javax.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one broker from start to orderly stop: start the {@link BrokerService} (subscribe, first
 * snapshot, connect RabbitMQ, consume), wait for a {@link ShutdownSignal}, then stop consuming,
 * drain in-flight messages, end the status stream and close the transports.
 */
public final class BrokerRunner {

  private static final Logger LOG = LoggerFactory.getLogger(BrokerRunner.class);

  private final BrokerConfig config;
  private final BrokerService service;
  private final AgentRegistry registry;
  private final List<AutoCloseable> transports;
  private final List<LifecycleParticipant> participants;

  /** A runner over the wired service; the transports are closed in set order at the end. */
  public BrokerRunner(
      BrokerConfig config,
      BrokerService service,
      AgentRegistry registry,
      Set<AutoCloseable> transports) {
    this(config, service, registry, transports, Set.of());
  }

  /** A runner that also tells {@code participants} (the admin endpoint, say) how the run goes. */
  @Inject
  public BrokerRunner(
      BrokerConfig config,
      BrokerService service,
      AgentRegistry registry,
      @Transports Set<AutoCloseable> transports,
      Set<LifecycleParticipant> participants) {
    this.config = config;
    this.service = service;
    this.registry = registry;
    this.transports = List.copyOf(transports);
    this.participants = List.copyOf(participants);
  }

  /**
   * Runs the broker on the calling thread until {@code signal} asks it to stop.
   *
   * @return 0 after an orderly shutdown, also when the stop was requested during start-up
   * @throws dev.acs.broker.core.application.BrokerStartupException when start-up failed (no
   *     snapshot in time, say); everything started is released first
   * @throws InterruptedException when the thread was interrupted by something else than the signal
   */
  public int run(ShutdownSignal signal) throws InterruptedException {
    try {
      signal.startupBegins();
      try {
        for (LifecycleParticipant participant : participants) {
          participant.startupBegins();
        }
        service.start(config.snapshotTimeout());
      } catch (InterruptedException interrupted) {
        if (!signal.isRequested()) {
          shutDown();
          throw interrupted;
        }
      } catch (RuntimeException failure) {
        // A stop requested during start-up may surface as the failure of a blocking call.
        if (!signal.isRequested()) {
          signal.startupFinished();
          shutDown();
          throw failure;
        }
      }
      if (signal.startupFinished()) {
        LOG.info("Shutdown requested during start-up ({})", signal.reason());
        shutDown();
        return 0;
      }
      tell(LifecycleParticipant::running);
      LOG.info(
          "Broker {} ready: consuming {}, publishing to {}",
          config.identity().name(),
          config.rabbitMq().inputQueue(),
          config.rabbitMq().outputQueue());
      signal.awaitRequest();
      LOG.info("Shutdown requested ({}); stopping consumption", signal.reason());
      shutDown();
      return 0;
    } finally {
      tell(LifecycleParticipant::stopped);
      signal.markStopped();
    }
  }

  private void tell(Consumer<LifecycleParticipant> event) {
    for (LifecycleParticipant participant : participants) {
      try {
        event.accept(participant);
      } catch (RuntimeException failure) {
        LOG.warn("{} failed on a lifecycle event: {}", participant, failure.toString());
      }
    }
  }

  private void shutDown() throws InterruptedException {
    tell(LifecycleParticipant::stopping);
    Duration drain = config.drainTimeout();
    boolean drained;
    try {
      drained = service.stop(drain);
    } catch (RuntimeException stopFailure) {
      LOG.warn("Stopping the broker service failed: {}", stopFailure.toString());
      drained = false;
    }
    LOG.info(
        drained
            ? "In-flight messages settled; agent status stream cancelled"
            : "Drain timed out; unsettled messages return to the queue; agent status stream"
                + " cancelled");
    for (AutoCloseable transport : transports) {
      try {
        transport.close();
      } catch (Exception closeFailure) {
        LOG.warn("Closing {} failed: {}", transport, closeFailure.toString());
      }
    }
    LOG.info(
        "Broker {} stopped ({} agents known at the end)",
        config.identity().name(),
        registry.view().size());
  }
}
