package dev.acs.broker.app.faults;

import dev.acs.broker.app.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code broker.jar} as a child process: its output is kept in memory (to wait for and
 * scan log lines) and copied to a file under {@code target/reliability/logs}.
 */
final class ChildBroker implements AutoCloseable {

  private final Process process;
  private final StringBuffer output = new StringBuffer();
  private final PrintWriter logFile;
  private final List<Thread> readers = new ArrayList<>();

  private ChildBroker(Process process, Path log) throws IOException {
    this.process = process;
    Files.createDirectories(log.getParent());
    this.logFile = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true);
    readers.add(pump(process.getInputStream(), "stdout"));
    readers.add(pump(process.getErrorStream(), "stderr"));
  }

  /**
   * Starts {@code java -jar broker.jar run args…}; the broker's environment variables are removed
   * from the inherited environment and {@code environment} added.
   */
  static ChildBroker start(List<String> args, Map<String, String> environment, Path log)
      throws IOException {
    String jar = System.getProperty("broker.jar");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException("broker.jar not found (" + jar + "); run through failsafe");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-jar");
    command.add(jar);
    command.add("run");
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
    return new ChildBroker(builder.start(), log);
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
                  logFile.println(line);
                }
              } catch (IOException closed) {
                // The process ended.
              }
            },
            "child-broker-" + name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Everything printed so far. */
  String output() {
    return output.toString();
  }

  /** How many times {@code text} occurs in the output so far. */
  int count(String text) {
    String all = output();
    int count = 0;
    for (int at = all.indexOf(text); at >= 0; at = all.indexOf(text, at + text.length())) {
      count++;
    }
    return count;
  }

  /** Waits until {@code text} occurs at least {@code times} times; fails if the process ends. */
  void awaitCount(String text, int times, Duration timeout) {
    Await.until(
        timeout,
        () -> times + " × '" + text + "' in the broker's output:\n" + tail(),
        () -> {
          if (count(text) >= times) {
            return true;
          }
          if (!process.isAlive()) {
            throw new AssertionError(
                "broker exited with "
                    + process.exitValue()
                    + " while waiting for '"
                    + text
                    + "':\n"
                    + tail());
          }
          return false;
        });
  }

  /** Waits until the broker consumes. */
  void awaitReady() {
    awaitCount("ready: consuming", 1, Duration.ofSeconds(90));
  }

  /** SIGTERM, then the exit code (through the handle, so the output pipes stay readable). */
  int terminate(Duration timeout) throws InterruptedException {
    process.toHandle().destroy();
    return awaitExit(timeout);
  }

  /** SIGKILL ({@code kill -9}), then waits for the end. */
  void kill() throws InterruptedException {
    process.toHandle().destroyForcibly();
    awaitExit(Duration.ofSeconds(30));
  }

  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("broker still running after " + timeout + ":\n" + tail());
    }
    for (Thread reader : readers) {
      reader.join(5_000);
    }
    return process.exitValue();
  }

  String tail() {
    String all = output();
    return all.length() > 6000 ? "…" + all.substring(all.length() - 6000) : all;
  }

  @Override
  public void close() {
    try {
      if (process.isAlive()) {
        process.toHandle().destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
      }
      for (Thread reader : readers) {
        reader.join(5_000);
      }
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    } finally {
      logFile.close();
    }
  }
}
