package dev.acs.broker.app.logging;

import dev.acs.broker.core.message.MessageEnvelope;
import dev.acs.broker.core.port.RoutingObserver;
import dev.acs.broker.core.routing.RoutingDecision;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs one line per settled message at DEBUG (the decision itself is logged by the core), so {@code
 * --log-level debug} shows each message's whole path.
 */
public final class LoggingRoutingObserver implements RoutingObserver {

  private static final Logger LOG = LoggerFactory.getLogger(LoggingRoutingObserver.class);

  @Override
  public void settled(MessageEnvelope message, RoutingDecision decision, long relayNanos) {
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "{} settled: published and acknowledged after {} us",
          message.describe(),
          TimeUnit.NANOSECONDS.toMicros(relayNanos));
    }
  }
}
