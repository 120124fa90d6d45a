package dev.acs.broker.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import org.jspecify.annotations.Nullable;

/**
 * The real {@code broker.jar} as a child process, for the end-to-end tests and the fault suite. Its
 * output is collected on background threads, so a test can wait for and count log lines, and is
 * optionally copied to a log file.
 */
public final class BrokerProcess implements AutoCloseable {

  /** A small heap and C1 only: the end-to-end tests' brokers start fast and do little. */
  private static final List<String> QUICK_START = List.of("-Xmx256m", "-XX:TieredStopAtLevel=1");

  private final Process process;
  private final StringBuffer output = new StringBuffer();
  private final @Nullable PrintWriter logFile;
  private final List<Thread> readers = new ArrayList<>();

  private BrokerProcess(Process process, @Nullable Path log) throws IOException {
    this.process = process;
    if (log == null) {
      this.logFile = null;
    } else {
      Files.createDirectories(log.toAbsolutePath().getParent());
      this.logFile = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true);
    }
    readers.add(pump(process.getInputStream(), "stdout"));
    readers.add(pump(process.getErrorStream(), "stderr"));
  }

  /** The jar the build made, passed in by failsafe. */
  public static Path jar() {
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

  /** Starts {@code java -jar broker.jar args…}; see {@link #start(List, Map, Path)}. */
  public static BrokerProcess start(List<String> args, Map<String, String> environment)
      throws IOException {
    return start(args, environment, null);
  }

  /**
   * Starts {@code java -jar broker.jar args…} with these environment variables; the variables the
   * broker reads are otherwise removed from the inherited environment.
   *
   * @param log where to copy the output as well, or {@code null}
   */
  public static BrokerProcess start(
      List<String> args, Map<String, String> environment, @Nullable Path log) throws IOException {
    List<String> launch = new ArrayList<>(List.of("-jar", jar().toString()));
    launch.addAll(args);
    return new BrokerProcess(java(QUICK_START, launch, environment).start(), log);
  }

  /**
   * Starts {@code java -cp broker.jar:<test classes> mainClass args…} with these JVM options: a
   * test-scope front door of the broker (e.g. one with a fault hook) instead of the jar's own main
   * class, with the same environment rules as {@link #start(List, Map, Path)}.
   */
  public static BrokerProcess startMain(
      String mainClass,
      List<String> jvmOptions,
      List<String> args,
      Map<String, String> environment,
      @Nullable Path log)
      throws IOException {
    String testClasses;
    try {
      testClasses =
          Path.of(BrokerProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI())
              .toString();
    } catch (java.net.URISyntaxException notAPath) {
      throw new IOException("cannot locate the test classes", notAPath);
    }
    List<String> options = new ArrayList<>(QUICK_START);
    options.addAll(jvmOptions);
    List<String> launch =
        new ArrayList<>(
            List.of("-cp", jar() + java.io.File.pathSeparator + testClasses, mainClass));
    launch.addAll(args);
    return new BrokerProcess(java(options, launch, environment).start(), log);
  }

  /**
   * {@code java <jvmOptions> <launch…>} in this JVM's Java home, with exactly the given broker
   * environment: every variable the broker reads ({@code GRPC_*}, {@code RABBITMQ_*}, {@code
   * BROKER_*}) is removed from the inherited environment, so nothing leaks in from the shell that
   * runs the tests, and {@code environment} is added.
   */
  public static ProcessBuilder java(
      List<String> jvmOptions, List<String> launch, Map<String, String> environment) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(launch);
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
    return builder;
  }

  /**
   * Starts another command whose output is the broker's, such as {@code podman run} of the broker's
   * container image, with the same output capture.
   *
   * @param log where to copy the output as well, or {@code null}
   */
  public static BrokerProcess startCommand(ProcessBuilder builder, @Nullable Path log)
      throws IOException {
    return new BrokerProcess(builder.start(), log);
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
                  if (logFile != null) {
                    logFile.println(line);
                  }
                }
              } catch (IOException closed) {
                // The process ended.
              }
            },
            "broker-process-" + name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** The operating system's process id. */
  public long pid() {
    return process.pid();
  }

  /** Whether the process still runs. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** Everything the process printed so far, stdout and stderr interleaved by line. */
  public String output() {
    return output.toString();
  }

  /** The last few thousand characters of the output, for failure messages. */
  public String tail() {
    return tail(output());
  }

  /** The last few thousand characters of a process's output, for failure messages. */
  public static String tail(String all) {
    return all.length() > 6000 ? "…" + all.substring(all.length() - 6000) : all;
  }

  /** How many times {@code text} occurs in the output so far. */
  public int count(String text) {
    String all = output();
    int count = 0;
    for (int at = all.indexOf(text); at >= 0; at = all.indexOf(text, at + text.length())) {
      count++;
    }
    return count;
  }

  /** Waits until the output contains {@code text}; fails early if the process ends first. */
  public void awaitOutput(String text, Duration timeout) {
    awaitCount(text, 1, timeout);
  }

  /** Waits until {@code text} occurs at least {@code times} times; fails if the process ends. */
  public void awaitCount(String text, int times, Duration timeout) {
    await()
        .atMost(timeout)
        .failFast(
            () ->
                assertThat(process.isAlive() || count(text) >= times)
                    .as(
                        () ->
                            "broker exited with "
                                + process.exitValue()
                                + " while waiting for '"
                                + text
                                + "':\n"
                                + tail())
                    .isTrue())
        .untilAsserted(
            () ->
                assertThat(count(text))
                    .as(() -> times + " × '" + text + "' in the broker's output:\n" + tail())
                    .isGreaterThanOrEqualTo(times));
  }

  /** Waits until the broker consumes. */
  public void awaitReady() {
    awaitOutput("ready: consuming", Duration.ofSeconds(90));
  }

  /**
   * Sends SIGTERM and waits for the exit code. Through the {@link ProcessHandle}: {@link
   * Process#destroy()} sends the same signal but also closes our ends of the child's stdout and
   * stderr, which would lose the shutdown log.
   */
  public int terminate(Duration timeout) throws InterruptedException {
    process.toHandle().destroy();
    return awaitExit(timeout);
  }

  /** Sends SIGKILL ({@code kill -9}) and waits for the process to end. */
  public void kill() throws InterruptedException {
    process.toHandle().destroyForcibly();
    awaitExit(Duration.ofSeconds(30));
  }

  /** Waits for the process to end on its own; returns its exit code. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("broker still running after " + timeout + ":\n" + tail());
    }
    for (Thread reader : readers) {
      reader.join(5_000);
    }
    return process.exitValue();
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
      if (logFile != null) {
        logFile.close();
      }
    }
  }
}
