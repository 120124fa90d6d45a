package dev.acs.broker.app.e2e;

import dev.acs.broker.app.BrokerProcess;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The container engine of the container tests: podman with runc, configured by the project's {@code
 * containers.conf} (see {@code broker-app/src/test/container}). Builds the Debian base image once
 * per machine, the broker's image once per test run, and runs containers on the host network so
 * they reach the RabbitMQ and the stand-in central server on 127.0.0.1.
 */
final class Podman {

  /** {@code -Dbroker.container.tests=skip} skips the container tests where podman is missing. */
  static final String SKIP_PROPERTY = "broker.container.tests";

  private static final List<String> TOOLS = List.of("podman", "runc", "debootstrap");

  private final Path scripts;

  private Podman(Path scripts) {
    this.scripts = scripts;
  }

  /**
   * The engine, when podman, runc and debootstrap are installed. Where one is missing the tests
   * fail with what to install, unless {@code -Dbroker.container.tests=skip} asks to skip them: CI
   * installs them ({@code .ci/run}), so a missing tool must never pass silently there.
   */
  static Podman require() {
    Path scripts = Path.of(property("broker.container.scripts"));
    List<String> missing = TOOLS.stream().filter(tool -> !onPath(tool)).toList();
    if (missing.isEmpty()) {
      return new Podman(scripts);
    }
    String what =
        "The container tests need podman, runc and debootstrap; missing: "
            + String.join(", ", missing)
            + ". Install them with 'apt-get install podman runc debootstrap' (as .ci/run does)";
    boolean skip = "skip".equalsIgnoreCase(System.getProperty(SKIP_PROPERTY, ""));
    Assumptions.assumeFalse(skip, what + "; skipped by -D" + SKIP_PROPERTY + "=skip");
    throw new IllegalStateException(
        what + ", or skip these tests with -D" + SKIP_PROPERTY + "=skip.");
  }

  private static String property(String name) {
    String value = System.getProperty(name);
    if (value == null) {
      throw new IllegalStateException("system property " + name + " is not set (run via failsafe)");
    }
    return value;
  }

  private static boolean onPath(String tool) {
    String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin:/sbin";
    return Stream.of(path.split(File.pathSeparator))
        .filter(dir -> !dir.isEmpty())
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
  }

  /** The Debian bookworm base images that {@code build-base-image.sh} builds. */
  static final String DEBIAN = "localhost/acs-broker-base:bookworm";

  /** The same with the Java 17 runtime: {@code Dockerfile}'s {@code BASE}. */
  static final String DEBIAN_JRE = "localhost/acs-broker-base:bookworm-jre17";

  /** The same with the Java 17 JDK: {@code Dockerfile.slim}'s {@code JDK}. */
  static final String DEBIAN_JDK = "localhost/acs-broker-base:bookworm-jdk17";

  /** Builds the Debian base images unless they exist already (2 to 3 minutes, once). */
  void ensureBaseImages() {
    Result result =
        execute(
            List.of("bash", scripts.resolve("build-base-image.sh").toString()),
            Duration.ofMinutes(20));
    result.requireSuccess("building the base images");
  }

  /**
   * Builds an image from a Dockerfile in the build context under {@code tag}.
   *
   * @param buildArgs the Dockerfile's {@code ARG}s, by name
   */
  void build(Path context, String dockerfile, Map<String, String> buildArgs, String tag) {
    List<String> command = new ArrayList<>(List.of("build", "--quiet", "--file"));
    command.add(context.resolve(dockerfile).toString());
    buildArgs.forEach(
        (name, value) -> {
          command.add("--build-arg");
          command.add(name + "=" + value);
        });
    command.addAll(List.of("--tag", tag, context.toString()));
    podman(Duration.ofMinutes(10), command.toArray(String[]::new))
        .requireSuccess("podman build of " + dockerfile);
  }

  /** Removes an image tag; the test's cleanup, so failures are ignored. */
  void removeImage(String tag) {
    podman(Duration.ofMinutes(1), "rmi", "--force", tag);
  }

  /**
   * Starts {@code podman run --rm --network host} of {@code image} in the background.
   *
   * @param options more {@code podman run} options, e.g. {@code -e NAME=value}
   * @param args the container's command (the image's CMD when empty)
   */
  BrokerProcess run(String name, List<String> options, String image, List<String> args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.addAll(List.of("podman", "run", "--rm", "--name", name, "--network", "host"));
    command.addAll(options);
    command.add(image);
    command.addAll(args);
    return BrokerProcess.startCommand(builder(command), null);
  }

  /** {@code podman stop}: SIGTERM to the container's PID 1, SIGKILL after {@code grace}. */
  void stop(String name, Duration grace) {
    podman(grace.plusSeconds(30), "stop", "--time", String.valueOf(grace.toSeconds()), name)
        .requireSuccess("podman stop " + name);
  }

  /** Removes a container whatever its state; the test's cleanup, so failures are ignored. */
  void removeContainer(String name) {
    podman(Duration.ofMinutes(1), "rm", "--force", "--ignore", name);
  }

  /** Runs {@code podman args…} to the end. */
  Result podman(Duration timeout, String... args) {
    List<String> command = new ArrayList<>();
    command.add("podman");
    command.addAll(List.of(args));
    return execute(command, timeout);
  }

  private ProcessBuilder builder(List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(command);
    // runc instead of crun and no systemd cgroups: see containers.conf.
    builder.environment().put("CONTAINERS_CONF", scripts.resolve("containers.conf").toString());
    return builder;
  }

  private Result execute(List<String> command, Duration timeout) {
    try {
      Path output = Files.createTempFile("podman", ".out");
      try {
        Process process =
            builder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          throw new AssertionError(
              String.join(" ", command) + " still running after " + timeout + ":\n" + read(output));
        }
        return new Result(command, process.exitValue(), read(output));
      } finally {
        Files.deleteIfExists(output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  /** How a command ended. */
  record Result(List<String> command, int exitCode, String output) {

    Result requireSuccess(String what) {
      if (exitCode != 0) {
        throw new AssertionError(
            what + " failed (exit " + exitCode + "): " + String.join(" ", command) + "\n" + output);
      }
      return this;
    }

    /** The output without its trailing newline. */
    String text() {
      return output.strip();
    }
  }

  /** Environment options for {@code podman run}: {@code -e NAME=value} for each entry. */
  static List<String> environment(Map<String, String> variables) {
    List<String> options = new ArrayList<>();
    variables.forEach(
        (name, value) -> {
          options.add("--env");
          options.add(name + "=" + value);
        });
    return options;
  }
}
