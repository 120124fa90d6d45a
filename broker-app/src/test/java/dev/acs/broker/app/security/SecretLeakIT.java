package dev.acs.broker.app.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acs.broker.app.BrokerProcess;
import dev.acs.broker.app.RunFixtures;
import dev.acs.broker.app.sandbox.simulate.StandInCentralServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RabbitMQ password never shows: the real jar runs with a known password (from the option, the
 * environment and a file in turn) with every logger at TRACE (the broker's through {@code
 * --log-level trace}, the libraries' through a Logback configuration of the test), routes and
 * dead-letters a message, and answers its admin endpoint and {@code broker status}/{@code agents};
 * then every byte it wrote, every endpoint body and every command's output is searched for the
 * password (as text and in Base64). A refused login and {@code --help} are searched too.
 */
class SecretLeakIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private IsolatedVhost rabbit;
  private StandInCentralServer central;
  private final List<BrokerProcess> processes = new ArrayList<>();

  /** Every text the broker produced, by where it came from. */
  private final Map<String, String> outputs = new LinkedHashMap<>();

  @BeforeEach
  void setUp() throws Exception {
    rabbit = IsolatedVhost.create("broker-secrets", secret("initial"));
    rabbit.grant(".*", ".*", ".*");
    central = StandInCentralServer.start(0);
    central.putAgent("agent_1", "idle");
  }

  @AfterEach
  void tearDown() throws Exception {
    for (BrokerProcess process : processes) {
      process.close();
    }
    central.close();
    rabbit.close();
  }

  private static String secret(String how) {
    return "Leak-Canary-" + how + "-" + UUID.randomUUID().toString().substring(0, 12);
  }

  @Test
  void thePassword_fromTheOption_neverAppears() throws Exception {
    String password = secret("option");
    IsolatedVhost.ctl("change_password", rabbit.user, password);

    runAndScan(password, List.of("--rabbitmq-password", password), Map.of());
  }

  @Test
  void thePassword_fromTheEnvironment_neverAppears() throws Exception {
    String password = secret("env");
    IsolatedVhost.ctl("change_password", rabbit.user, password);

    runAndScan(password, List.of(), Map.of("RABBITMQ_PASSWORD", password));
    help(password, Map.of("RABBITMQ_PASSWORD", password));
  }

  @Test
  void thePassword_fromAFile_neverAppears() throws Exception {
    String password = secret("file");
    IsolatedVhost.ctl("change_password", rabbit.user, password);
    Path file = Files.writeString(dir.resolve("rabbitmq-password"), password + "\n");

    runAndScan(password, List.of("--rabbitmq-password-file", file.toString()), Map.of());
  }

  @Test
  void aRefusedPassword_isNotInTheErrorEither() throws Exception {
    String wrong = secret("wrong");
    BrokerProcess broker = start(List.of("--admin-port", "0"), Map.of("RABBITMQ_PASSWORD", wrong));

    assertThat(broker.awaitExit(WAIT)).isNotZero();
    outputs.put("refused run", broker.output());
    assertThat(broker.output()).contains("refused the login of user '" + rabbit.user + "'");
    assertNoLeak(wrong);
  }

  private void runAndScan(String password, List<String> passwordArgs, Map<String, String> env)
      throws Exception {
    int adminPort = freePort();
    List<String> args = new ArrayList<>(passwordArgs);
    args.addAll(List.of("--admin-port", String.valueOf(adminPort)));
    BrokerProcess broker = start(args, env);
    broker.awaitReady();

    rabbit.publishInput(
        "{\"message_id\":\"sec001\",\"message_type\":\"TEXT\",\"sender_id\":\"web_1a2b3c4d\","
            + "\"receiver_id\":\"server\",\"text_payload\":\"hi\",\"routing_status\":\"pending\"}");
    rabbit.awaitFrom(IsolatedVhost.OUTPUT, WAIT);
    rabbit.publishInput("{\"broken\":");
    rabbit.awaitFrom(IsolatedVhost.DEAD, WAIT);

    String admin = "http://127.0.0.1:" + adminPort;
    HttpClient http = HttpClient.newHttpClient();
    for (String path : List.of("/metrics", "/agents", "/health/live", "/health/ready")) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(admin + path)).build(),
              HttpResponse.BodyHandlers.ofString());
      outputs.put(path, response.body());
    }
    assertThat(outputs.get("/metrics")).contains("broker_");
    for (String command : List.of("status", "agents")) {
      BrokerProcess inspect =
          BrokerProcess.start(List.of(command, "--admin-url", admin), new HashMap<>(env));
      processes.add(inspect);
      assertThat(inspect.awaitExit(WAIT)).isZero();
      outputs.put("broker " + command, inspect.output());
    }
    assertThat(broker.terminate(WAIT)).isZero();
    outputs.put("broker run (stdout and stderr, TRACE)", broker.output());
    assertThat(broker.output()).contains("TRACE").contains("loopback only");
    assertNoLeak(password);
  }

  private void help(String password, Map<String, String> env) throws Exception {
    for (List<String> args : List.of(List.of("--help"), List.of("run", "--help"))) {
      BrokerProcess help = BrokerProcess.start(args, env);
      processes.add(help);
      help.awaitExit(WAIT);
      outputs.put("broker " + String.join(" ", args), help.output());
      assertThat(help.output()).contains("Usage");
    }
    assertNoLeak(password);
  }

  private BrokerProcess start(List<String> extra, Map<String, String> env) throws IOException {
    Path logback = dir.resolve("logback-trace.xml");
    Files.writeString(
        logback,
        "<configuration><appender name=\"OUT\" class=\"ch.qos.logback.core.ConsoleAppender\">"
            + "<encoder><pattern>%d %-5level [%thread] %logger - %msg%n%ex</pattern></encoder>"
            + "</appender><root level=\"TRACE\"><appender-ref ref=\"OUT\"/></root>"
            + "</configuration>",
        StandardCharsets.UTF_8);
    List<String> options = new ArrayList<>(rabbit.brokerOptions());
    options.addAll(List.of("--log-level", "trace"));
    options.addAll(extra);
    List<String> args = RunFixtures.runArgs(central, Duration.ofSeconds(20), options);
    Map<String, String> environment = new HashMap<>(env);
    environment.put("JAVA_TOOL_OPTIONS", "-Dlogback.configurationFile=" + logback);
    BrokerProcess broker = BrokerProcess.start(args, environment);
    processes.add(broker);
    return broker;
  }

  private void assertNoLeak(String password) {
    String base64 = Base64.getEncoder().encodeToString(password.getBytes(StandardCharsets.UTF_8));
    assertThat(outputs).isNotEmpty();
    outputs.forEach(
        (where, text) ->
            assertThat(text)
                .as("%s (%d characters)", where, text.length())
                .doesNotContain(password)
                .doesNotContain(base64));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
