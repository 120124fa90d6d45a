package dev.acs.broker.app.lifecycle;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects the process's stop signals to a {@link ShutdownSignal}.
 *
 * <p>SIGTERM and SIGINT are taken over with {@code sun.misc.Signal} (module {@code
 * jdk.unsupported}, reached by reflection so the build has no proprietary-API warnings): the JVM's
 * own handlers would start the JVM's shutdown at once and end the process with status 143 or 130.
 * Instead the signal only asks the broker to stop; the main thread drains, closes everything and
 * then exits with 0. A shutdown hook covers every other way the JVM may end (another signal, {@code
 * System.exit} elsewhere): it asks for the same orderly stop and waits for it, bounded, without
 * calling {@code System.exit} itself.
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
        handle(name, () -> signal.request("SIG" + name));
      } catch (ReflectiveOperationException | RuntimeException unavailable) {
        // E.g. -Xrs, or a JVM without sun.misc.Signal: the shutdown hook still stops cleanly.
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

  /** {@code Signal.handle(new Signal(name), ignored -> action.run())}, by reflection. */
  private static void handle(String name, Runnable action) throws ReflectiveOperationException {
    Class<?> signalClass = Class.forName("sun.misc.Signal");
    Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
    Object handler =
        Proxy.newProxyInstance(
            handlerClass.getClassLoader(),
            new Class<?>[] {handlerClass},
            (proxy, method, args) -> {
              if (method.getName().equals("handle")) {
                action.run();
                return null;
              }
              if (method.getName().equals("toString")) {
                return "broker SIG" + name + " handler";
              }
              if (method.getName().equals("hashCode")) {
                return System.identityHashCode(proxy);
              }
              if (method.getName().equals("equals")) {
                return proxy == args[0];
              }
              throw new UnsupportedOperationException(method.getName());
            });
    Object signal = signalClass.getConstructor(String.class).newInstance(name);
    Method install = signalClass.getMethod("handle", signalClass, handlerClass);
    try {
      install.invoke(null, signal, handler);
    } catch (InvocationTargetException failed) {
      if (failed.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw failed;
    }
  }
}
