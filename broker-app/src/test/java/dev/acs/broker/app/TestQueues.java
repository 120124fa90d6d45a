package dev.acs.broker.app;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/**
 * A test's own input, output and dead-letter queue on the shared RabbitMQ (127.0.0.1:5672, guest),
 * with names no other test uses: the input and output declared as the central server declares them
 * (SPEC §3), the dead-letter queue left to the broker, all three deleted by {@link #close}. The
 * end-to-end tests' client ({@code e2e.Rabbit}) and the benchmarks' ({@code bench.BenchQueues})
 * extend it with their own channels.
 */
public class TestQueues implements AutoCloseable {

  public final String inputQueue;
  public final String outputQueue;
  public final String deadLetterQueue;
  private final Connection connection;
  private final Channel admin;

  /**
   * Declares the queues {@code <prefix>_in_<name>_<random>} and so on over a new connection named
   * {@code <client> <name>_<random>}.
   */
  public TestQueues(String prefix, String name, String client)
      throws IOException, TimeoutException {
    String suffix = name + "_" + UUID.randomUUID().toString().substring(0, 8);
    inputQueue = prefix + "_in_" + suffix;
    outputQueue = prefix + "_out_" + suffix;
    deadLetterQueue = prefix + "_dead_" + suffix;
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost("127.0.0.1");
    factory.setPort(5672);
    factory.setUsername("guest");
    factory.setPassword("guest");
    connection = factory.newConnection(client + " " + suffix);
    admin = connection.createChannel();
    for (String queue : List.of(inputQueue, outputQueue)) {
      admin.queueDeclare(queue, true, false, false, null);
    }
  }

  /** The connection the queues were declared on, for the test's own channels. */
  public Connection connection() {
    return connection;
  }

  /** The broker's command-line options for these queues. */
  public List<String> queueOptions() {
    return List.of(
        "--input-queue", inputQueue,
        "--output-queue", outputQueue,
        "--dead-letter-queue", deadLetterQueue);
  }

  /** How many messages wait in a queue. */
  public final long depth(String queue) {
    try {
      return admin.messageCount(queue);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws IOException, TimeoutException {
    try {
      for (String queue : List.of(inputQueue, outputQueue, deadLetterQueue)) {
        admin.queueDelete(queue);
      }
    } finally {
      connection.close();
    }
  }
}
