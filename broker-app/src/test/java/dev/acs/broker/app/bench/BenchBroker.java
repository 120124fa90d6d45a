package dev.acs.broker.app.bench;

import static org.awaitility.Awaitility.await;

import dev.acs.broker.app.BrokerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real {@code broker.jar} started for a benchmark: as in production, with the JIT's full
 * optimisation (the end-to-end tests' {@link BrokerProcess#start} stops at C1 to start faster) and
 * a fixed heap, its admin endpoint on a free port, its CPU time read from {@code /proc}.
 *
 * <p>Its output goes straight to a log file, as a container runtime's log driver takes it, not
 * through a pipe that this JVM must keep reading: at 5,000 status changes a second the broker logs
 * thousands of lines a second, and a reader that falls behind would stall the broker's logging
 * thread and so the benchmark's subject.
 */
final class BenchBroker implements AutoCloseable {

  /** Clock ticks per second of {@code /proc/<pid>/stat} ({@code getconf CLK_TCK}, 100 on Linux). */
  private static final double TICKS_PER_SECOND = 100.0;

  private final Process process;
  private final Path log;
  private final int adminPort;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private BenchBroker(Process process, Path log, int adminPort) {
    this.process = process;
    this.log = log;
    this.adminPort = adminPort;
  }

  /**
   * Starts {@code java <jvmOptions> -jar broker.jar run <args> --admin-port <free port>}; the
   * output goes to {@code log}.
   */
  static BenchBroker start(List<String> jvmOptions, List<String> runArgs, Path log)
      throws IOException {
    int adminPort = freePort();
    List<String> launch = new ArrayList<>(List.of("-jar", BrokerProcess.jar().toString(), "run"));
    launch.addAll(runArgs);
    launch.addAll(List.of("--admin-port", String.valueOf(adminPort)));
    // Only what the benchmark says: nothing the broker reads may leak in from the environment.
    ProcessBuilder builder =
        BrokerProcess.java(
            jvmOptions, launch, Map.of("BROKER_ID", "broker_bench", "BROKER_NAME", "Bench"));
    Files.createDirectories(log.toAbsolutePath().getParent());
    builder.redirectErrorStream(true);
    builder.redirectOutput(log.toFile());
    return new BenchBroker(builder.start(), log, adminPort);
  }

  /**
   * The run options every benchmark gives its broker: the fleet's central server on {@code
   * grpcPort}, the shared RabbitMQ with the benchmark's queues, a short drain, and {@code
   * snapshotTimeout} for the fleet's first snapshot. A mutable list, for the benchmark's own.
   */
  static List<String> runArgs(int grpcPort, BenchQueues queues, String snapshotTimeout) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--grpc-host", "127.0.0.1",
                "--grpc-port", String.valueOf(grpcPort),
                "--rabbitmq-host", "127.0.0.1",
                "--snapshot-timeout", snapshotTimeout,
                "--drain-timeout", "10s"));
    args.addAll(queues.queueOptions());
    return args;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Waits until {@code /health/ready} answers 200; fails if the broker exits first. */
  void awaitReady(Duration timeout) {
    await("the broker ready (/health/ready 200)")
        .atMost(timeout)
        .until(
            () -> {
              if (!process.isAlive()) {
                throw new AssertionError(
                    "broker exited with " + process.exitValue() + ":\n" + tail());
              }
              return status("/health/ready") == 200;
            });
  }

  /** The end of the broker's log, for failure messages. */
  String tail() {
    try {
      return BrokerProcess.tail(Files.readString(log));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private int status(String path) {
    try {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
              .timeout(Duration.ofSeconds(10))
              .GET()
              .build();
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException notYet) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The process's CPU time so far (user + system, all threads), in seconds. */
  double cpuSeconds() {
    Path stat = Path.of("/proc", String.valueOf(process.pid()), "stat");
    try {
      String line = Files.readString(stat);
      // Fields after the command name, which is in parentheses and may contain spaces.
      String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
      long userTicks = Long.parseLong(fields[11]);
      long systemTicks = Long.parseLong(fields[12]);
      return (userTicks + systemTicks) / TICKS_PER_SECOND;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + stat, e);
    }
  }

  /** The admin endpoint's {@code /metrics} text. */
  String metrics() {
    try {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/metrics"))
              .timeout(Duration.ofSeconds(10))
              .GET()
              .build();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("/metrics answered " + response.statusCode());
      }
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** One sample of the Prometheus text ({@code name{labels}} exactly as exposed), or NaN. */
  static double sample(String metrics, String series) {
    Matcher matcher =
        Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE)
            .matcher(metrics);
    return matcher.find() ? Double.parseDouble(matcher.group(1)) : Double.NaN;
  }

  /** Sends SIGTERM and waits for the broker to drain and exit; returns its exit code. */
  int terminate() throws InterruptedException {
    process.toHandle().destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      throw new AssertionError("broker still running 60 s after SIGTERM:\n" + tail());
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.toHandle().destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
