package dev.acs.broker.app.e2e;

import dev.acs.broker.app.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code broker.jar} as a child process, its output collected on background threads so a
 * test can wait for a log line.
 */
final class BrokerProcess implements AutoCloseable {

  private final Process process;
  private final StringBuffer output = new StringBuffer();
  private final List<Thread> readers = new ArrayList<>();

  private BrokerProcess(Process process) {
    this.process = process;
    readers.add(pump(process.getInputStream(), "stdout"));
    readers.add(pump(process.getErrorStream(), "stderr"));
  }

  /** The jar the build made, passed in by failsafe. */
  static Path jar() {
    String path = System.getProperty("broker.jar");
    if (path == null) {
      throw new IllegalStateException(
          "system property broker.jar is not set (run through failsafe)");
    }
    Path jar = Path.of(path);
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " does not exist; run 'mvn verify'");
    }
    return jar;
  }

  /**
   * Starts {@code java -jar broker.jar} with these arguments and environment variables; the
   * variables the broker reads are otherwise removed from the inherited environment.
   */
  static BrokerProcess start(List<String> args, Map<String, String> environment)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder
        .environment()
        .keySet()
        .removeIf(
            name ->
                name.startsWith("GRPC_")
                    || name.startsWith("RABBITMQ_")
                    || name.startsWith("BROKER_"));
    builder.environment().putAll(environment);
    return new BrokerProcess(builder.start());
  }

  private Thread pump(InputStream stream, String name) {
    Thread thread =
        new Thread(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                  output.append(line).append('\n');
                }
              } catch (IOException closed) {
                // The process ended.
              }
            },
            "broker-" + name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** Everything the process printed so far, stdout and stderr interleaved by line. */
  String output() {
    return output.toString();
  }

  /** Waits until the output contains {@code text}; fails early if the process ends first. */
  void awaitOutput(String text, Duration timeout) {
    Await.until(
        timeout,
        () -> "'" + text + "' in the broker's output:\n" + output(),
        () -> {
          if (output.indexOf(text) >= 0) {
            return true;
          }
          if (!process.isAlive()) {
            throw new AssertionError(
                "broker exited with "
                    + process.exitValue()
                    + " before printing '"
                    + text
                    + "':\n"
                    + output());
          }
          return false;
        });
  }

  /** Waits until the broker consumes. */
  void awaitReady() {
    awaitOutput("ready: consuming", Duration.ofSeconds(60));
  }

  /**
   * Sends SIGTERM and waits for the exit code. Through the {@link ProcessHandle}: {@link
   * Process#destroy()} sends the same signal but also closes our ends of the child's stdout and
   * stderr, which would lose the shutdown log.
   */
  int terminate(Duration timeout) throws InterruptedException {
    process.toHandle().destroy();
    return awaitExit(timeout);
  }

  /** Sends SIGKILL and waits for the process to end. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Waits for the process to end on its own; returns its exit code. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("broker still running after " + timeout + ":\n" + output());
    }
    for (Thread reader : readers) {
      reader.join(5_000);
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
