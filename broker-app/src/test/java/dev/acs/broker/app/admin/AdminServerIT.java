package dev.acs.broker.app.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.acs.broker.adapter.amqp.AmqpHealth;
import dev.acs.broker.adapter.grpc.GrpcHealth;
import dev.acs.broker.app.cli.BrokerCli;
import dev.acs.broker.app.config.BrokerConfig;
import dev.acs.broker.app.inspect.StatusCommand;
import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.agent.AgentRegistry;
import dev.acs.broker.core.agent.AgentStatusUpdate;
import dev.acs.broker.core.agent.Availability;
import dev.acs.broker.core.routing.OutstandingWork;
import dev.acs.broker.core.testing.Agents;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The admin endpoint in this JVM on a loopback port: methods, paths, binding, and the CLI. */
class AdminServerIT {

  private final HttpClient http = HttpClient.newHttpClient();
  private final Clock clock = Clock.systemUTC();
  private final AgentRegistry registry = new AgentRegistry(Availability.preferIdle(), clock);
  private AdminServer server;
  private String base;

  @BeforeEach
  void start() {
    BrokerStatus status =
        new BrokerStatus(
            new BrokerIdentity("broker_it", "Broker-IT"),
            "test",
            "sticky",
            registry,
            new OutstandingWork(clock, Duration.ofMinutes(5)),
            () -> new GrpcHealth(true, true, clock.instant(), 0, null),
            () -> new AmqpHealth(true, true, true, 0, null),
            Duration.ofMinutes(5),
            clock);
    server =
        new AdminServer(
            BrokerConfig.Admin.DISABLED.bindAddress(), 0, status, () -> "broker_test_total 1.0\n");
    server.startupBegins();
    base = "http://127.0.0.1:" + server.address().getPort();
  }

  @AfterEach
  void stop() {
    server.stopped();
  }

  private HttpResponse<String> send(String method, String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void byDefault_listensOnLoopbackOnly() throws Exception {
    assertThat(BrokerConfig.Admin.DISABLED.bindAddress()).isEqualTo("127.0.0.1");
    assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
    Optional<InetAddress> external = nonLoopbackAddress();
    if (external.isPresent()) {
      try (Socket socket = new Socket()) {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () ->
                    socket.connect(
                        new InetSocketAddress(external.get(), server.address().getPort()), 2000))
            .isInstanceOf(ConnectException.class);
      }
    }
  }

  private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        if (address instanceof java.net.Inet4Address) {
          return Optional.of(address);
        }
      }
    }
    return Optional.empty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"})
  void anythingButGet_is405WithAllowGet(String method) throws Exception {
    HttpResponse<String> response = send(method, "/metrics");

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("Allow")).contains("GET");
  }

  @Test
  void unknownPath_is404ListingThePaths() throws Exception {
    HttpResponse<String> response = send("GET", "/admin");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).contains("/metrics", "/health/ready", "/agents");
  }

  @Test
  void endpoints_answerWithTheirContent() throws Exception {
    registry.apply(AgentStatusUpdate.snapshot(List.of(Agents.idle("a1"), Agents.busy("a2"))));

    HttpResponse<String> metrics = send("GET", "/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type"))
        .contains("text/plain; version=0.0.4; charset=utf-8");
    assertThat(metrics.body()).isEqualTo("broker_test_total 1.0\n");

    HttpResponse<String> starting = send("GET", "/health/ready");
    assertThat(starting.statusCode()).isEqualTo(503);
    server.running();
    assertThat(send("GET", "/health/ready").statusCode()).isEqualTo(200);
    server.stopping();
    assertThat(send("GET", "/health/ready").statusCode()).isEqualTo(503);
    assertThat(send("GET", "/health/live").statusCode()).isEqualTo(200);

    JsonNode agents = new ObjectMapper().readTree(send("GET", "/agents?x=1").body());
    assertThat(agents.path("count").asInt()).isEqualTo(2);
    assertThat(agents.path("agents").get(1).path("state").asText()).isEqualTo("busy");
  }

  @Test
  @DisplayName("broker status exits 3 while the broker is not ready and 0 once it is")
  void status_exitCode_saysWhetherTheBrokerIsReady() {
    StringWriter out = new StringWriter();
    CommandLine cli = operatorCli(out, new StringWriter());
    String[] status = {"status", "--admin-url", base, "--interval", "0s"};

    assertThat(cli.execute(status)).isEqualTo(StatusCommand.EXIT_NOT_READY).isEqualTo(3);
    assertThat(out.toString()).contains("Ready: NO (failing: lifecycle");

    registry.apply(AgentStatusUpdate.snapshot(List.of(Agents.idle("a1"))));
    server.running();
    out.getBuffer().setLength(0);

    assertThat(cli.execute(status)).isZero();
    assertThat(out.toString()).contains("Ready: yes");

    server.stopping();
    assertThat(cli.execute(status)).isEqualTo(3);
    assertThat(cli.execute("status", "--admin-url", base, "--interval", "0s", "--json"))
        .isEqualTo(3);
  }

  @Test
  void cli_readsTheEndpoint_andFailsClearlyWhenNothingListens() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = operatorCli(out, err);

    assertThat(cli.execute("agents", "--admin-url", base, "--json")).isZero();
    assertThat(out.toString()).contains("\"count\" : 0");

    int port = server.address().getPort();
    server.stopped();
    int exitCode = cli.execute("status", "--admin-url", "http://127.0.0.1:" + port);

    assertThat(exitCode).isEqualTo(1);
    assertThat(err.toString())
        .contains(
            "cannot reach the broker's admin endpoint at http://127.0.0.1:"
                + port
                + ": connection refused; is it running with --admin-port?");
  }

  /**
   * The broker's command line with its output captured, for the operator commands ({@code status},
   * {@code agents}); running the broker itself from it would be a mistake of the test.
   */
  private static CommandLine operatorCli(StringWriter out, StringWriter err) {
    CommandLine cli =
        BrokerCli.commandLine(
            Map.of(),
            config -> {
              throw new AssertionError("an operator command must not start the broker");
            });
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli;
  }
}
