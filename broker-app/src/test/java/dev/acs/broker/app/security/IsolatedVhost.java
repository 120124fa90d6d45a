package dev.acs.broker.app.security;

import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A virtual host and a user of the test's own on the shared RabbitMQ (127.0.0.1:5672), made with
 * {@code rabbitmqctl} and deleted afterwards; {@code guest} gets full rights on it to play the rest
 * of the system (publish inputs, read outputs).
 */
final class IsolatedVhost implements AutoCloseable {

  static final String INPUT = "broker_input_queue";
  static final String OUTPUT = "server_input_queue";
  static final String DEAD = "broker_dead_letter_queue";

  final String vhost;
  final String user;
  final String password;
  private final Connection connection;
  private final Channel channel;

  private IsolatedVhost(String vhost, String user, String password) throws Exception {
    this.vhost = vhost;
    this.user = user;
    this.password = password;
    ctl("add_vhost", vhost);
    ctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*");
    ctl("add_user", user, password);
    this.connection = connect("guest", "guest");
    this.channel = connection.createChannel();
    channel.confirmSelect();
    // As the central server declares them (SPEC §3): durable, no arguments.
    channel.queueDeclare(INPUT, true, false, false, null);
    channel.queueDeclare(OUTPUT, true, false, false, null);
  }

  /** A new vhost and user {@code <prefix>-<random>} with password {@code password}. */
  static IsolatedVhost create(String prefix, String password) throws Exception {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    return new IsolatedVhost(name, name, password);
  }

  /** {@code rabbitmqctl set_permissions -p <vhost> <user> configure write read}. */
  void grant(String configure, String write, String read) throws Exception {
    ctl("set_permissions", "-p", vhost, user, configure, write, read);
  }

  /** A connection to this vhost as {@code username}. */
  Connection connect(String username, String secret) throws IOException, TimeoutException {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost("127.0.0.1");
    factory.setPort(5672);
    factory.setVirtualHost(vhost);
    factory.setUsername(username);
    factory.setPassword(secret);
    return factory.newConnection("security-it " + vhost);
  }

  /** Declares {@code queue} as the central server would (durable, no arguments). */
  void declare(String queue) throws IOException {
    channel.queueDeclare(queue, true, false, false, null);
  }

  void publishInput(String body) throws Exception {
    channel.basicPublish(
        "", INPUT, MessageProperties.PERSISTENT_BASIC, body.getBytes(StandardCharsets.UTF_8));
    channel.waitForConfirmsOrDie(10_000);
  }

  /** The broker's options for this vhost and user (the password goes by environment). */
  List<String> brokerOptions() {
    return List.of("--rabbitmq-vhost", vhost, "--rabbitmq-username", user);
  }

  /** Waits for a message on {@code queue} and returns its body. */
  String awaitFrom(String queue, Duration timeout) {
    GetResponse response =
        await("a message on " + queue)
            .atMost(timeout)
            .until(() -> channel.basicGet(queue, true), Objects::nonNull);
    return new String(response.getBody(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws Exception {
    try {
      connection.close();
    } catch (IOException | RuntimeException alreadyClosed) {
      // The vhost goes anyway.
    }
    ctl("delete_vhost", vhost);
    ctl("delete_user", user);
  }

  static String ctl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("rabbitmqctl"));
    command.addAll(List.of(args));
    Path output = Files.createTempFile("security-ctl", ".out");
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(command + " did not finish in 60s");
      }
      String text = Files.readString(output, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new IOException(command + " exited with " + process.exitValue() + ": " + text);
      }
      return text;
    } finally {
      Files.deleteIfExists(output);
    }
  }
}
