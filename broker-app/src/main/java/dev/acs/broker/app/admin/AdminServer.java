package dev.acs.broker.app.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.acs.broker.app.lifecycle.LifecycleParticipant;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP endpoint on the JDK's HTTP server: {@code GET /metrics} (Prometheus text), {@code
 * GET /health/live}, {@code GET /health/ready} (200 or 503, JSON naming the failing checks) and
 * {@code GET /agents} (JSON). Any other method gets 405 with {@code Allow: GET}; any other path
 * 404. Two daemon threads serve requests.
 *
 * <p>Opens when start-up begins, so liveness answers while the broker waits for its first snapshot,
 * and closes after everything else has stopped.
 */
public final class AdminServer implements LifecycleParticipant {

  /** The paths served. */
  public static final List<String> PATHS =
      List.of("/metrics", "/health/live", "/health/ready", "/agents");

  /** Content type of the Prometheus text exposition format. */
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
  private static final int THREADS = 2;

  private final String bindAddress;
  private final int port;
  private final BrokerStatus status;
  private final Supplier<String> metrics;
  private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private @Nullable HttpServer server;
  private @Nullable ExecutorService executor;

  /**
   * An endpoint, not yet open.
   *
   * @param port the TCP port; 0 picks a free one (tests)
   * @param metrics renders the metrics in Prometheus text form
   */
  public AdminServer(String bindAddress, int port, BrokerStatus status, Supplier<String> metrics) {
    this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
    this.port = port;
    this.status = Objects.requireNonNull(status, "status");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  @Override
  public void startupBegins() {
    start();
  }

  @Override
  public void running() {
    status.running();
  }

  @Override
  public void stopping() {
    status.stopping();
  }

  @Override
  public void stopped() {
    stop();
  }

  /**
   * Opens the endpoint.
   *
   * @throws UncheckedIOException when the address cannot be bound, naming it
   */
  public synchronized void start() {
    if (server != null) {
      return;
    }
    HttpServer created;
    try {
      created = HttpServer.create(new InetSocketAddress(bindAddress, port), 16);
    } catch (IOException failure) {
      throw new UncheckedIOException(
          "Cannot open the admin endpoint on "
              + bindAddress
              + ":"
              + port
              + " (--admin-bind, --admin-port): "
              + failure,
          failure);
    }
    AtomicInteger threads = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            THREADS,
            task -> {
              Thread thread = new Thread(task, "broker-admin-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    created.setExecutor(pool);
    created.createContext("/", this::handle);
    created.start();
    server = created;
    executor = pool;
    if (created.getAddress().getAddress().isLoopbackAddress()) {
      LOG.info(
          "Admin endpoint listening on http://{}:{} ({}); loopback only, so only this host can"
              + " reach it",
          bindAddress,
          created.getAddress().getPort(),
          String.join(", ", PATHS));
    } else {
      // It has no authentication: say so whenever someone opens it beyond this host.
      LOG.warn(
          "Admin endpoint listening on http://{}:{} ({}) beyond loopback, without"
              + " authentication: anyone who can reach this address sees the broker's metrics and"
              + " agents; keep it behind a firewall or use --admin-bind 127.0.0.1",
          bindAddress,
          created.getAddress().getPort(),
          String.join(", ", PATHS));
    }
  }

  /** The address listened on; its port is useful when 0 was asked for. */
  public synchronized InetSocketAddress address() {
    HttpServer current = server;
    if (current == null) {
      throw new IllegalStateException("the admin endpoint is not open");
    }
    return current.getAddress();
  }

  /** Closes the endpoint; idempotent. */
  public synchronized void stop() {
    HttpServer current = server;
    server = null;
    if (current != null) {
      current.stop(0);
    }
    ExecutorService pool = executor;
    executor = null;
    if (pool != null) {
      pool.shutdownNow();
      try {
        pool.awaitTermination(1, TimeUnit.SECONDS);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      if (!"GET".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "GET");
        sendJson(exchange, 405, error("method " + exchange.getRequestMethod() + " not allowed"));
        return;
      }
      String path = exchange.getRequestURI().getPath();
      switch (path) {
        case "/metrics" ->
            send(exchange, 200, PROMETHEUS_TEXT, metrics.get().getBytes(StandardCharsets.UTF_8));
        case "/health/live" -> sendJson(exchange, 200, status.liveDocument());
        case "/health/ready" -> {
          Readiness.Report report = status.readiness();
          sendJson(exchange, report.ready() ? 200 : 503, status.readyDocument(report));
        }
        case "/agents" -> sendJson(exchange, 200, status.agentsDocument());
        default -> {
          Map<String, Object> notFound = error("no such path: " + path);
          notFound.put("paths", PATHS);
          sendJson(exchange, 404, notFound);
        }
      }
    } catch (RuntimeException failure) {
      LOG.warn("Admin request {} failed: {}", exchange.getRequestURI(), failure.toString());
      throw failure;
    } finally {
      exchange.close();
    }
  }

  private static Map<String, Object> error(String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", message);
    return body;
  }

  private void sendJson(HttpExchange exchange, int code, Object body) throws IOException {
    byte[] bytes;
    try {
      bytes = json.writeValueAsBytes(body);
    } catch (JsonProcessingException impossible) {
      throw new IllegalStateException("cannot render JSON", impossible);
    }
    send(exchange, code, "application/json", bytes);
  }

  private static void send(HttpExchange exchange, int code, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public String toString() {
    return "admin endpoint " + bindAddress + ":" + port;
  }
}
