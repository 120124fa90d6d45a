package dev.acs.broker.app.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/** Reads a running broker's admin endpoint with the JDK's HTTP client. */
final class AdminClient {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final String base;
  private final HttpClient http;

  AdminClient(String baseUrl) {
    this.base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    try {
      URI parsed = URI.create(base);
      if (parsed.getScheme() == null || parsed.getHost() == null) {
        throw new IllegalArgumentException("not an http URL");
      }
    } catch (IllegalArgumentException invalid) {
      throw new Unreachable(
          "invalid --admin-url '" + baseUrl + "'; expected e.g. http://127.0.0.1:9090");
    }
    this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  }

  String base() {
    return base;
  }

  /** GETs a JSON document; 200 and 503 (readiness) are both answers. */
  JsonNode json(String path) {
    String body = get(path);
    try {
      return JSON.readTree(body);
    } catch (IOException notJson) {
      throw new Unreachable(
          base + path + " did not answer JSON; is " + base + " a broker's admin endpoint?");
    }
  }

  /** GETs a text document. */
  String get(String path) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT).GET().build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException refused) {
      throw new Unreachable(
          "cannot reach the broker's admin endpoint at "
              + base
              + ": connection refused; is it running with --admin-port?");
    } catch (HttpTimeoutException slow) {
      throw new Unreachable(
          "cannot reach the broker's admin endpoint at " + base + ": timed out after " + TIMEOUT);
    } catch (IOException failure) {
      throw new Unreachable(
          "cannot reach the broker's admin endpoint at " + base + ": " + describe(failure));
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new Unreachable("interrupted while reading " + base + path);
    }
    if (response.statusCode() != 200 && response.statusCode() != 503) {
      throw new Unreachable(
          base + path + " answered HTTP " + response.statusCode() + "; is this a broker?");
    }
    return response.body();
  }

  private static String describe(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }

  /** The endpoint could not be read; the message is for people. */
  static final class Unreachable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unreachable(String message) {
      super(message);
    }
  }
}
