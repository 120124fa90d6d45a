package dev.acs.broker.app.lifecycle;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Connects the process's stop signals to a {@link ShutdownSignal}.
 *
 * <p>SIGTERM and SIGINT are taken over with {@code sun.misc.Signal} (module {@code
 * jdk.unsupported}): the JVM's own handlers would start the JVM's shutdown at once and end the
 * process with status 143 or 130. Instead the signal only asks the broker to stop; the main thread
 * drains, closes everything and then exits with 0. A shutdown hook covers every other way the JVM
 * may end (another signal, {@code System.exit} elsewhere): it asks for the same orderly stop and
 * waits for it, bounded, without calling {@code System.exit} itself.
 */
public final class ProcessSignals {

  private static final Logger LOG = LoggerFactory.getLogger(ProcessSignals.class);

  private ProcessSignals() {}

  /**
   * Installs the signal handlers and the shutdown hook.
   *
   * @param hookWait how long the shutdown hook waits for the orderly stop
   */
  public static void install(ShutdownSignal signal, Duration hookWait) {
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        Signal.handle(new Signal(name), received -> signal.request("SIG" + received.getName()));
      } catch (IllegalArgumentException | UnsupportedOperationException unavailable) {
        // E.g. -Xrs, or SIGINT ignored by a parent shell: the shutdown hook still stops cleanly.
        LOG.debug("Cannot handle SIG{}: {}", name, unavailable.toString());
      }
    }
    Thread hook =
        new Thread(
            () -> {
              signal.request("JVM shutdown");
              try {
                if (!signal.awaitStopped(hookWait)) {
                  LOG.warn("Broker did not stop within {}; exiting anyway", hookWait);
                }
              } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
              }
            },
            "broker-shutdown-hook");
    Runtime.getRuntime().addShutdownHook(hook);
  }
}
