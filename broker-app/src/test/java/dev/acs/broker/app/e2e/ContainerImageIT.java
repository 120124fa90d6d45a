package dev.acs.broker.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.acs.broker.app.BrokerProcess;
import dev.acs.broker.app.sandbox.simulate.StandInCentralServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue #18 end to end: the broker's container images ({@code Dockerfile} on a Java runtime image,
 * {@code Dockerfile.slim} with a jlink runtime; {@code broker-app/src/main/docker}), built with
 * podman on Debian base images, run as the system runs its broker (configured only by environment
 * variables) against the real RabbitMQ on 127.0.0.1:5672 and the stand-in central server in this
 * JVM.
 */
class ContainerImageIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Duration START = Duration.ofSeconds(120);

  private static Podman podman;

  /** The image tag of each Dockerfile. */
  private static final Map<String, String> IMAGES = new LinkedHashMap<>();

  private StandInCentralServer central;
  private Rabbit rabbit;
  private final List<String> containers = new ArrayList<>();
  private final List<BrokerProcess> processes = new ArrayList<>();

  @BeforeAll
  static void buildImages() {
    podman = Podman.require();
    podman.ensureBaseImages();
    Path context = Path.of(System.getProperty("broker.docker.context"));
    String version = System.getProperty("broker.version", "unknown");
    // Tags of their own, so that builds in other checkouts on this machine never collide.
    String run = UUID.randomUUID().toString().substring(0, 8);
    IMAGES.put("Dockerfile", "localhost/acs-broker:it-" + run);
    podman.build(
        context,
        "Dockerfile",
        Map.of("BASE", Podman.DEBIAN_JRE, "VERSION", version),
        IMAGES.get("Dockerfile"));
    IMAGES.put("Dockerfile.slim", "localhost/acs-broker:it-slim-" + run);
    podman.build(
        context,
        "Dockerfile.slim",
        Map.of("JDK", Podman.DEBIAN_JDK, "BASE", Podman.DEBIAN, "VERSION", version),
        IMAGES.get("Dockerfile.slim"));
  }

  @AfterAll
  static void removeImages() {
    if (podman != null) { // null when podman is missing or the tests are skipped
      IMAGES.values().forEach(podman::removeImage);
    }
  }

  @BeforeEach
  void setUp(TestInfo test) throws Exception {
    central = StandInCentralServer.start(0);
    rabbit = Rabbit.forTest("ctr_", test);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (String container : containers) {
      podman.removeContainer(container);
    }
    for (BrokerProcess process : processes) {
      process.close();
    }
    rabbit.close();
    central.close();
  }

  /** The system's own variables, plus the test's queues (as variables too). */
  private Map<String, String> environment(String brokerName) {
    Map<String, String> variables = new LinkedHashMap<>();
    variables.put("GRPC_HOST", "127.0.0.1");
    variables.put("GRPC_PORT", String.valueOf(central.port()));
    variables.put("RABBITMQ_HOST", "127.0.0.1");
    variables.put("BROKER_ID", "broker_container");
    variables.put("BROKER_NAME", brokerName);
    variables.put("BROKER_INPUT_QUEUE", rabbit.inputQueue);
    variables.put("BROKER_OUTPUT_QUEUE", rabbit.outputQueue);
    variables.put("BROKER_DEAD_LETTER_QUEUE", rabbit.deadLetterQueue);
    variables.put("BROKER_SNAPSHOT_TIMEOUT", "60s");
    return variables;
  }

  private BrokerProcess start(String dockerfile, List<String> options) throws Exception {
    String name = "acs-broker-it-" + UUID.randomUUID().toString().substring(0, 8);
    containers.add(name);
    BrokerProcess process = podman.run(name, options, IMAGES.get(dockerfile), List.of());
    processes.add(process);
    return process;
  }

  private static Map<String, Object> frontendText(String messageId) {
    return FrontendMessages.text(messageId, "hello " + messageId);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"Dockerfile", "Dockerfile.slim"})
  @DisplayName(
      "The image routes with env configuration, as non-root PID 1 within the memory limit, serves"
          + " the admin endpoint, and on podman stop drains and exits 0 with nothing lost")
  void routes_drainsOnStop_andLosesNothing(String dockerfile) throws Exception {
    central.putAgent("agent_1", "idle");
    central.putAgent("agent_2", "offline");
    int adminPort = AdminHttp.freePort();
    Map<String, String> variables = environment("Broker-Container");
    variables.put("BROKER_ADMIN_PORT", String.valueOf(adminPort));
    // The JVM reports the heap it sized from the container's memory limit.
    variables.put("JAVA_TOOL_OPTIONS", "-Xlog:gc+init");
    List<String> options = new ArrayList<>(Podman.environment(variables));
    options.addAll(List.of("--memory", "512m"));

    long startedAt = System.nanoTime();
    BrokerProcess first = start(dockerfile, options);
    String name = containers.get(0);
    first.awaitOutput("ready: consuming", START);
    System.out.printf(
        "%s: container ready %d ms after podman run%n",
        dockerfile, Duration.ofNanos(System.nanoTime() - startedAt).toMillis());

    // Configured by the variables alone: the central server saw BROKER_ID and BROKER_NAME.
    assertThat(central.registrations())
        .contains(new StandInCentralServer.Registration("broker_container", "Broker-Container"));
    // 75 % of the 512 MB limit, not of the host's memory: the entrypoint's MaxRAMPercentage.
    assertThat(first.output()).contains("Memory: 512M").contains("Heap Max Capacity: 384M");
    // The JVM itself is PID 1 (exec-form entrypoint, so it gets the SIGTERM) and not root.
    String status = podman.podman(WAIT, "exec", name, "cat", "/proc/1/status").text();
    assertThat(status).containsPattern("(?m)^Uid:\\s+10001\\s+10001\\s");
    assertThat(podman.podman(WAIT, "exec", name, "cat", "/proc/1/comm").text()).isEqualTo("java");

    AdminHttp admin = new AdminHttp(adminPort);
    await("/health/ready answers 200")
        .atMost(WAIT)
        .until(
            () -> {
              HttpResponse<String> ready = admin.tryGet("/health/ready");
              return ready != null && ready.statusCode() == 200;
            });

    rabbit.publish(frontendText("single"));
    assertThat(rabbit.awaitOutput(WAIT))
        .containsEntry("message_id", "single")
        .containsEntry("receiver_id", "agent_1")
        .containsEntry("routing_status", "routed");
    assertThat(AdminHttp.sample(admin.get("/metrics").body(), "broker_messages_consumed_total"))
        .isEqualTo(1.0);

    // A burst, and docker stop's SIGTERM while the broker is still working through it.
    int burst = 2_000;
    List<Map<String, Object>> messages = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < burst; i++) {
      messages.add(frontendText("burst" + i));
      ids.add("burst" + i);
    }
    rabbit.publishAll(messages);
    podman.stop(name, Duration.ofSeconds(30));
    assertThat(first.awaitExit(WAIT)).as(first.tail()).isZero();
    assertThat(first.output())
        .contains("Shutdown requested")
        .contains("In-flight messages settled")
        .contains("Broker Broker-Container stopped");

    List<String> routed = new ArrayList<>();
    Map<String, Object> output;
    while ((output = rabbit.poll()) != null) {
      routed.add((String) output.get("message_id"));
    }
    long left = rabbit.depth(rabbit.inputQueue);
    assertThat(routed.size() + left).as("routed plus still queued").isEqualTo(burst);
    System.out.printf(
        "%s: podman stop during a burst of %d: %d routed before exit 0, %d left queued%n",
        dockerfile, burst, routed.size(), left);

    // A second container takes over what the first one did not consume: every message arrives.
    BrokerProcess second = start(dockerfile, Podman.environment(environment("Broker-Container-2")));
    second.awaitOutput("ready: consuming", START);
    for (Map<String, Object> message : rabbit.awaitOutputs((int) left, WAIT)) {
      routed.add((String) message.get("message_id"));
    }
    assertThat(routed).doesNotHaveDuplicates();
    assertThat(new HashSet<>(routed)).isEqualTo(ids);
    assertThat(rabbit.depth(rabbit.deadLetterQueue)).isZero();
    podman.stop(containers.get(1), Duration.ofSeconds(30));
    assertThat(second.awaitExit(WAIT)).as(second.tail()).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"Dockerfile", "Dockerfile.slim"})
  @DisplayName("Without GRPC_HOST the container exits 2 and says which variable is missing")
  void missingGrpcHost_exitsTwoWithItsMessage(String dockerfile) throws Exception {
    Map<String, String> variables = environment("Broker-Container");
    variables.remove("GRPC_HOST");

    BrokerProcess broker = start(dockerfile, Podman.environment(variables));

    assertThat(broker.awaitExit(WAIT)).as(broker.tail()).isEqualTo(2);
    assertThat(broker.output())
        .contains("Missing required option --grpc-host (or environment variable GRPC_HOST)");
    assertThat(central.registrations()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"Dockerfile", "Dockerfile.slim"})
  @DisplayName("The image declares a non-root user, an exec-form entrypoint and OCI labels")
  void imageMetadata(String dockerfile) {
    String config =
        podman
            .podman(
                WAIT,
                "image",
                "inspect",
                "--format",
                "{{.Config.User}}|{{json .Config.Entrypoint}}|{{json .Config.Cmd}}|"
                    + "{{index .Config.Labels \"org.opencontainers.image.title\"}}|"
                    + "{{index .Config.Labels \"org.opencontainers.image.version\"}}",
                IMAGES.get(dockerfile))
            .requireSuccess("podman image inspect")
            .text();

    String[] fields = config.split("\\|");
    assertThat(fields[0]).isEqualTo("10001:0");
    assertThat(fields[1]).startsWith("[\"java\",").contains("-XX:MaxRAMPercentage=75");
    assertThat(fields[2]).isEqualTo("[\"run\"]");
    assertThat(fields[3]).isEqualTo("acs-broker");
    assertThat(fields[4]).isEqualTo(System.getProperty("broker.version"));
  }
}
