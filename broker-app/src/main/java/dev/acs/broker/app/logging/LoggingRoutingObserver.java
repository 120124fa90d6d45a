package dev.acs.broker.app.logging;

import dev.acs.broker.core.message.MessageEnvelope;
import dev.acs.broker.core.port.RoutingObserver;
import dev.acs.broker.core.routing.RoutingDecision;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs one line per settled message at DEBUG (the decision itself is logged by the core), so {@code
 * --log-level debug} shows each message's whole path; and at WARN, throttled to one line per 10 s
 * with a count, the messages answered "no agent" and those sent to the dead-letter queue, which an
 * operator must hear about without a line per message.
 */
public final class LoggingRoutingObserver implements RoutingObserver {

  private static final Logger LOG = LoggerFactory.getLogger(LoggingRoutingObserver.class);

  private final ThrottledWarning noAgent;
  private final ThrottledWarning deadLetters;

  /** An observer timing its throttle by {@code System.nanoTime}. */
  public LoggingRoutingObserver() {
    this(System::nanoTime);
  }

  LoggingRoutingObserver(LongSupplier nanoClock) {
    this.noAgent =
        new ThrottledWarning(
            LOG, "Messages answered with a 'no agent' error", 10, TimeUnit.SECONDS, nanoClock);
    this.deadLetters =
        new ThrottledWarning(
            LOG, "Messages sent to the dead-letter queue", 10, TimeUnit.SECONDS, nanoClock);
  }

  @Override
  public void settled(MessageEnvelope message, RoutingDecision decision, long relayNanos) {
    if (decision instanceof RoutingDecision.Reject reject) {
      noAgent.record(message.describe() + ": " + reject.errorDetails());
    } else if (decision instanceof RoutingDecision.DeadLetter deadLetter) {
      deadLetters.record(
          message.describe() + ": " + deadLetter.code().code() + " (" + deadLetter.reason() + ")");
    }
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "{} settled: published and acknowledged after {} us",
          message.describe(),
          TimeUnit.NANOSECONDS.toMicros(relayNanos));
    }
  }
}
