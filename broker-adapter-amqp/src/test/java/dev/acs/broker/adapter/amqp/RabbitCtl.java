package dev.acs.broker.adapter.amqp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code rabbitmqctl} for fault injection in integration tests. */
final class RabbitCtl {

  private RabbitCtl() {}

  static String run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("rabbitmqctl");
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("rabbitmqctl " + String.join(" ", args) + " timed out");
    }
    String text = new String(output, StandardCharsets.UTF_8);
    if (process.exitValue() != 0) {
      throw new IOException("rabbitmqctl " + String.join(" ", args) + " failed: " + text);
    }
    return text;
  }

  /** Closes the connection whose client-provided name is {@code connectionName}. */
  static void closeConnection(String connectionName) throws IOException, InterruptedException {
    String listing = run("list_connections", "-q", "pid", "client_properties");
    String pid = null;
    for (String line : listing.split("\n")) {
      if (line.contains("\"" + connectionName + "\"")
          || line.contains("<<\"" + connectionName + "\">>")) {
        pid = line.substring(0, line.indexOf('\t')).trim();
      }
    }
    if (pid == null) {
      throw new AssertionError("no connection named '" + connectionName + "' in:\n" + listing);
    }
    run("close_connection", pid, "forced by an integration test");
  }
}
