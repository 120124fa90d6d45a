package dev.acs.broker.app.run;

import dev.acs.broker.app.config.BrokerConfig;
import dev.acs.broker.app.config.VersionProvider;
import dev.acs.broker.app.lifecycle.BrokerRunner;
import dev.acs.broker.app.lifecycle.ProcessSignals;
import dev.acs.broker.app.lifecycle.ShutdownSignal;
import dev.acs.broker.app.logging.LogSetup;
import dev.acs.broker.app.wiring.DaggerBrokerComponent;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the real broker: sets up logging, installs the signal handlers, builds the production Dagger
 * graph and runs it on the calling (main) thread.
 */
public final class ProductionLauncher implements BrokerLauncher {

  private static final Logger LOG = LoggerFactory.getLogger(ProductionLauncher.class);

  /** Extra time the shutdown hook grants beyond the drain timeout for closing connections. */
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

  @Override
  public int launch(BrokerConfig config) throws InterruptedException {
    LogSetup.apply(config.logFormat(), config.logLevel(), config.interop().logFile());
    LOG.info(
        "Starting broker {} ({}) version {}; central server {}:{}, RabbitMQ {} vhost {}",
        config.identity().name(),
        config.identity().id(),
        VersionProvider.version(),
        config.grpc().host(),
        config.grpc().port(),
        config.rabbitMq().addresses().stream()
            .map(Object::toString)
            .collect(java.util.stream.Collectors.joining(",")),
        config.rabbitMq().virtualHost());
    LOG.info(
        "Queues: input {}, output {}, dead letters {}; routing policy {}, routable states {}",
        config.rabbitMq().inputQueue(),
        config.rabbitMq().outputQueue(),
        config.rabbitMq().deadLetterQueue(),
        config.routingPolicy(),
        config.routableStates());
    BrokerConfig.Interop interop = config.interop();
    LOG.info(
        "Interop: status hold {} after {}, suspected agents {}, max hops {}, answers to {},"
            + " errors to {}",
        interop.statusHold().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
        interop.statusHoldGrace(),
        interop.suspicion().mode().name().toLowerCase(java.util.Locale.ROOT),
        interop.maxHops() == 0 ? "unlimited" : String.valueOf(interop.maxHops()),
        interop.answersToClient() ? "client" : "agents",
        interop.errorReceiver().name().toLowerCase(java.util.Locale.ROOT));
    ShutdownSignal signal = new ShutdownSignal();
    ProcessSignals.install(signal, config.drainTimeout().plus(CLOSE_GRACE));
    BrokerRunner runner = DaggerBrokerComponent.factory().create(config).runner();
    return runner.run(signal);
  }
}
