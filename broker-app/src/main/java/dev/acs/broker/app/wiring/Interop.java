package dev.acs.broker.app.wiring;

import dev.acs.broker.app.config.BrokerConfig;
import dev.acs.broker.app.logging.AgentChangeLog;
import dev.acs.broker.core.agent.AgentStatusUpdate;
import dev.acs.broker.core.application.DelayScheduler;
import dev.acs.broker.core.application.RoutingService;
import dev.acs.broker.core.application.StatusHold;
import dev.acs.broker.core.port.AgentStatusListener;
import dev.acs.broker.core.routing.AgentSuspicion;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the parts that make the broker a drop-in for the real central server (SPEC §7, {@code
 * docs/interop.md}): the status hold, agent suspicion, answer chains, the error form and the
 * per-agent change log. Kept in one place so {@link CoreModule} only calls in.
 */
final class Interop {

  private static final Logger LOG = LoggerFactory.getLogger(Interop.class);

  private Interop() {}

  static StatusHold statusHold(BrokerConfig config, Clock clock, ScheduledExecutorService timer) {
    BrokerConfig.Interop interop = config.interop();
    return new StatusHold(
        interop.statusHold(), interop.statusHoldGrace(), clock, DelayScheduler.using(timer));
  }

  /** The tracker, re-evaluated every second on {@code timer} unless switched off. */
  static AgentSuspicion suspicion(
      BrokerConfig config, Clock clock, ScheduledExecutorService timer) {
    AgentSuspicion suspicion = new AgentSuspicion(config.interop().suspicion(), clock);
    if (suspicion.mode() != AgentSuspicion.Mode.OFF) {
      timer.scheduleWithFixedDelay(
          () -> {
            try {
              suspicion.reevaluate();
            } catch (RuntimeException bug) {
              // An exception would cancel the periodic task for good.
              LOG.error("Re-evaluating suspected agents failed", bug);
            }
          },
          1,
          1,
          TimeUnit.SECONDS);
    }
    return suspicion;
  }

  static void configure(
      RoutingService.Builder builder,
      BrokerConfig config,
      StatusHold hold,
      AgentSuspicion suspicion,
      ScheduledExecutorService timer) {
    BrokerConfig.Interop interop = config.interop();
    builder
        .errorReceiver(interop.errorReceiver())
        .answers(interop.maxHops(), interop.answersToClient())
        .statusHold(hold, DelayScheduler.using(timer));
    if (suspicion.mode() != AgentSuspicion.Mode.OFF) {
      builder.suspicion(suspicion);
    }
  }

  /** What hears the status stream once the registry has applied it: hold, suspicion, change log. */
  static List<AgentStatusListener> statusWatchers(StatusHold hold, AgentSuspicion suspicion) {
    AgentStatusListener suspicionFeed =
        new AgentStatusListener() {
          @Override
          public void onStatus(AgentStatusUpdate update) {
            suspicion.observe(update);
          }

          @Override
          public void onInterrupted(String reason) {}
        };
    return List.of(hold, suspicionFeed, new AgentChangeLog());
  }
}
