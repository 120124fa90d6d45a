package dev.acs.broker.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A RabbitMQ node of a test's own, started from the installed {@code rabbitmq-server} with its own
 * node name, ports, data and log directories, so that stopping it, restarting it or raising its
 * memory alarm never touches the machine's shared node (127.0.0.1:5672), which other test runs use.
 *
 * <p>It shares the Erlang cookie of the installed RabbitMQ (the {@code rabbitmq} user's), so the
 * installed {@code rabbitmqctl} controls it with {@code -n <node>}. When run as root, the installed
 * wrappers switch to the {@code rabbitmq} user, so the directories are given to it.
 */
public final class PrivateRabbitNode implements AutoCloseable {

  private static final long COMMAND_TIMEOUT_SECONDS = 90;

  private final String node;
  private final int amqpPort;
  private final Path directory;
  private int distPort;
  private final Thread shutdownHook;
  private int extraPort;

  private PrivateRabbitNode(String node, int amqpPort, Path directory) {
    this.node = node;
    this.amqpPort = amqpPort;
    this.directory = directory;
    this.shutdownHook = new Thread(this::stopQuietly, "private-rabbit-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * More for a node's set-up: plugins to enable, and lines for {@code rabbitmq.conf} in which
   * {@code {extraPort}} stands for one more free loopback port (a TLS listener, say), which {@link
   * #extraPort()} tells afterwards.
   */
  public record Extras(List<String> plugins, List<String> configLines) {

    /** No plugins, and {@code config}'s lines (whole {@code rabbitmq.conf} lines) added. */
    public static Extras config(String config) {
      return new Extras(List.of(), config.lines().filter(line -> !line.isBlank()).toList());
    }
  }

  /** Starts a node on free loopback ports and waits until it accepts AMQP connections. */
  public static PrivateRabbitNode start() throws IOException, InterruptedException {
    return start(new Extras(List.of(), List.of()));
  }

  /**
   * Like {@link #start()}, with {@code extraConfig} (whole {@code rabbitmq.conf} lines) added to
   * the node's configuration.
   */
  public static PrivateRabbitNode start(String extraConfig)
      throws IOException, InterruptedException {
    return start(Extras.config(extraConfig));
  }

  /** Starts a node with {@code extras} on free loopback ports; see {@link #start()}. */
  public static PrivateRabbitNode start(Extras extras) throws IOException, InterruptedException {
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      String node = "broker-test-" + UUID.randomUUID().toString().substring(0, 8) + "@localhost";
      int amqpPort = freePort();
      int distPort = freePort();
      int extra = freePort();
      Path directory = Files.createTempDirectory("broker-test-rabbit");
      Files.createDirectories(directory.resolve("mnesia"));
      Files.createDirectories(directory.resolve("log"));
      Files.writeString(
          directory.resolve("enabled_plugins"), "[" + String.join(",", extras.plugins()) + "].\n");
      StringBuilder config = new StringBuilder("listeners.tcp.1 = 127.0.0.1:" + amqpPort + "\n");
      for (String line : extras.configLines()) {
        config.append(line.replace("{extraPort}", String.valueOf(extra))).append('\n');
      }
      Files.writeString(directory.resolve("rabbitmq.conf"), config.toString());
      // The installed wrappers run the server as the rabbitmq user when started by root.
      run(List.of("chmod", "755", directory.toString()), Map.of(), false);
      run(List.of("chown", "-R", "rabbitmq:rabbitmq", directory.toString()), Map.of(), false);
      PrivateRabbitNode candidate = new PrivateRabbitNode(node, amqpPort, directory);
      candidate.extraPort = extra;
      try {
        candidate.launch(distPort);
        return candidate;
      } catch (IOException failed) {
        last = failed;
        candidate.close();
      }
    }
    throw last;
  }

  /** The port {@code {extraPort}} stood for in {@link Extras#configLines()}. */
  public int extraPort() {
    return extraPort;
  }

  private void launch(int distPort) throws IOException, InterruptedException {
    this.distPort = distPort;
    Map<String, String> environment =
        Map.of(
            "RABBITMQ_NODENAME", node,
            "RABBITMQ_DIST_PORT", String.valueOf(distPort),
            "RABBITMQ_MNESIA_BASE", directory.resolve("mnesia").toString(),
            "RABBITMQ_LOG_BASE", directory.resolve("log").toString(),
            "RABBITMQ_PID_FILE", directory.resolve("pid").toString(),
            "RABBITMQ_ENABLED_PLUGINS_FILE", directory.resolve("enabled_plugins").toString(),
            "RABBITMQ_CONFIG_FILE", directory.resolve("rabbitmq.conf").toString(),
            "RABBITMQ_ADVANCED_CONFIG_FILE", directory.resolve("advanced.config").toString());
    run(List.of("rabbitmq-server", "-detached"), environment, true);
    // `wait` follows the pid file, then the node's boot; it fails if the node dies meanwhile.
    ctl("wait", "--timeout", "80", directory.resolve("pid").toString());
    if (!acceptsConnections()) {
      throw new IOException("node " + node + " started but port " + amqpPort + " is closed");
    }
  }

  /**
   * Stops the whole node (the Erlang VM exits, every connection drops) and starts it again on the
   * same ports and data: durable queues and persistent messages must survive.
   */
  public void restart() throws IOException, InterruptedException {
    ctl("stop", directory.resolve("pid").toString());
    launch(distPort);
  }

  /** Stops the whole node (the Erlang VM exits); {@link #startAgain()} brings it back. */
  public void stop() throws IOException, InterruptedException {
    ctl("stop", directory.resolve("pid").toString());
  }

  /** Starts a stopped or killed node again on the same ports and data, and waits for it. */
  public void startAgain() throws IOException, InterruptedException {
    launch(distPort);
  }

  /**
   * Kills the node's Erlang VM with SIGKILL, as a crash or an OOM kill does: no connection is
   * closed, no data is flushed. Returns once the process is gone.
   */
  public void kill9() throws IOException, InterruptedException {
    long pid = Long.parseLong(Files.readString(directory.resolve("pid")).strip());
    ProcessHandle vm =
        ProcessHandle.of(pid)
            .orElseThrow(() -> new IOException("node " + node + " (pid " + pid + ") not running"));
    vm.destroyForcibly();
    try {
      vm.onExit().get(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException
        | java.util.concurrent.TimeoutException stillThere) {
      throw new IOException("node " + node + " (pid " + pid + ") survived SIGKILL", stillThere);
    }
  }

  /** The node's data directory (deleted when the node is closed). */
  public Path directory() {
    return directory;
  }

  /** The node's name, for {@code rabbitmqctl -n}. */
  public String node() {
    return node;
  }

  /** The node's AMQP port on 127.0.0.1. */
  public int port() {
    return amqpPort;
  }

  /** Runs {@code rabbitmqctl -n <node> args…}; returns its output or fails with it. */
  public String ctl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("rabbitmqctl", "-n", node));
    command.addAll(List.of(args));
    return run(command, Map.of(), true);
  }

  /** Whether the AMQP port accepts a TCP connection now. */
  public boolean acceptsConnections() {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), amqpPort)) {
      return socket.isConnected();
    } catch (IOException refused) {
      return false;
    }
  }

  /** The node's log, for a failing test's message. */
  public String log() {
    try (Stream<Path> files = Files.list(directory.resolve("log"))) {
      StringBuilder text = new StringBuilder();
      for (Path file : files.toList()) {
        text.append(Files.readString(file, StandardCharsets.UTF_8));
      }
      return text.toString();
    } catch (IOException | UncheckedIOException unreadable) {
      return "(no log: " + unreadable + ")";
    }
  }

  @Override
  public void close() {
    stopQuietly();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // The hook runs or ran already.
    }
  }

  private void stopQuietly() {
    try {
      ctl("stop");
    } catch (IOException | InterruptedException | RuntimeException alreadyDown) {
      // Nothing to stop.
    }
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(PrivateRabbitNode::deleteQuietly);
    } catch (IOException | UncheckedIOException gone) {
      // Already deleted.
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException ignored) {
      // Best effort: a temporary directory.
    }
  }

  private static int freePort() throws IOException {
    // Below Linux's ephemeral range (32768+), so no outgoing connection holds it meanwhile.
    for (int i = 0; i < 200; i++) {
      int port = ThreadLocalRandom.current().nextInt(20_000, 32_000);
      if (port == 25_672) {
        continue; // the shared node's distribution port
      }
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return socket.getLocalPort();
      } catch (IOException inUse) {
        // Try another.
      }
    }
    throw new IOException("no free port in 20000..32000");
  }

  private static String run(List<String> command, Map<String, String> environment, boolean check)
      throws IOException, InterruptedException {
    // Output to a file, not a pipe: a detached server may keep an inherited pipe open for good.
    Path output = Files.createTempFile("broker-test-ctl", ".out");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
      builder.environment().putAll(environment);
      builder.directory(Path.of(System.getProperty("java.io.tmpdir")).toFile());
      Process process = builder.start();
      if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(command + " did not finish in " + COMMAND_TIMEOUT_SECONDS + "s");
      }
      String text = Files.readString(output, StandardCharsets.UTF_8);
      if (check && process.exitValue() != 0) {
        throw new IOException(command + " exited with " + process.exitValue() + ": " + text);
      }
      return text;
    } finally {
      Files.deleteIfExists(output);
    }
  }
}
