package dev.acs.broker.app.sandbox.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.qpid.server.SystemLauncher;
import org.apache.qpid.server.SystemLauncherListener;
import org.apache.qpid.server.model.Port;
import org.apache.qpid.server.model.SystemConfig;
import org.jspecify.annotations.Nullable;

/**
 * An AMQP 0-9-1 broker inside this JVM: Apache Qpid Broker-J with an in-memory store, one port on
 * 127.0.0.1 (a free one) and one user. Its work directory is a temporary folder, deleted on {@link
 * #close()}.
 *
 * <p>Differs from RabbitMQ where the broker's adapter does not care (see {@code
 * shared/EMBEDDED_AMQP.md}): an unroutable mandatory publish is returned and then nacked, {@code
 * expiration} is absolute, RabbitMQ's {@code x-} queue arguments are refused. A nack or reject with
 * {@code requeue=false} drops the message because the context sets {@code
 * queue.maximumDeliveryAttempts} to 1, as RabbitMQ would.
 */
public final class EmbeddedAmqpBroker implements AutoCloseable {

  /** The user the embedded broker knows. */
  public static final String USERNAME = "guest";

  /** That user's password. */
  public static final String PASSWORD = "guest";

  private static final String CONFIG = "embedded-amqp.json";

  private final SystemLauncher launcher;
  private final Path workDirectory;
  private final int port;

  private EmbeddedAmqpBroker(SystemLauncher launcher, Path workDirectory, int port) {
    this.launcher = launcher;
    this.workDirectory = workDirectory;
    this.port = port;
  }

  /**
   * Starts a broker; blocks for the few seconds Qpid needs on its first start in a JVM.
   *
   * @throws IOException when the work directory cannot be made or the broker did not start
   */
  public static EmbeddedAmqpBroker start() throws IOException, InterruptedException {
    URL config =
        Objects.requireNonNull(
            EmbeddedAmqpBroker.class.getResource(CONFIG), CONFIG + " is missing from the jar");
    Path workDirectory = Files.createTempDirectory("broker-demo-qpid-");
    CompletableFuture<Integer> boundPort = new CompletableFuture<>();
    SystemLauncher launcher =
        new SystemLauncher(
            new SystemLauncherListener.DefaultSystemLauncherListener() {
              private volatile @Nullable SystemConfig<?> system;

              @Override
              public void onContainerResolve(SystemConfig<?> systemConfig) {
                system = systemConfig;
              }

              @Override
              public void afterStartup() {
                // The ports are bound once the whole broker has started.
                SystemConfig<?> resolved = system;
                if (resolved != null) {
                  for (Port<?> amqp : resolved.getContainer().getChildren(Port.class)) {
                    if (amqp.getBoundPort() > 0) {
                      boundPort.complete(amqp.getBoundPort());
                    }
                  }
                }
                boundPort.completeExceptionally(
                    new IllegalStateException("the embedded broker bound no AMQP port"));
              }

              @Override
              public void errorOnStartup(RuntimeException failure) {
                boundPort.completeExceptionally(failure);
              }
            });
    Map<String, Object> attributes = new HashMap<>();
    attributes.put("type", "Memory");
    attributes.put(SystemConfig.INITIAL_CONFIGURATION_LOCATION, config.toExternalForm());
    attributes.put(SystemConfig.STARTUP_LOGGED_TO_SYSTEM_OUT, false);
    Map<String, String> context = new HashMap<>();
    context.put(SystemConfig.QPID_WORK_DIR, workDirectory.toString());
    context.put("demo.amqp.port", "0");
    context.put("demo.amqp.username", USERNAME);
    context.put("demo.amqp.password", PASSWORD);
    // RabbitMQ drops a message nacked or rejected without requeue; Qpid does so only with this.
    context.put("queue.maximumDeliveryAttempts", "1");
    attributes.put("context", context);
    try {
      launcher.startup(attributes);
      int port = boundPort.get(60, TimeUnit.SECONDS);
      return new EmbeddedAmqpBroker(launcher, workDirectory, port);
    } catch (Exception failure) {
      shutDown(launcher);
      delete(workDirectory);
      if (failure instanceof InterruptedException interrupted) {
        throw interrupted;
      }
      Throwable cause =
          failure instanceof ExecutionException && failure.getCause() != null
              ? failure.getCause()
              : failure;
      throw new IOException(
          "The embedded AMQP broker did not start: "
              + (failure instanceof TimeoutException ? "no port within 60 s" : cause.toString()),
          cause);
    }
  }

  /** The AMQP port on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** The temporary work directory (gone after {@link #close()}). */
  public Path workDirectory() {
    return workDirectory;
  }

  /** Stops the broker (dropping every message) and deletes its work directory. */
  @Override
  public void close() {
    try {
      shutDown(launcher);
    } finally {
      delete(workDirectory);
    }
  }

  private static void shutDown(SystemLauncher launcher) {
    try {
      launcher.shutdown();
    } catch (RuntimeException alreadyDown) {
      // Nothing left to stop.
    }
  }

  private static void delete(Path directory) {
    if (!Files.exists(directory)) {
      return;
    }
    try {
      Files.walkFileTree(
          directory,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException failure)
                throws IOException {
              Files.delete(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException undeletable) {
      throw new UncheckedIOException(
          "Cannot delete the embedded broker's " + directory, undeletable);
    }
  }
}
