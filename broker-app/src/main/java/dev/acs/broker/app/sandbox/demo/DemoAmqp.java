package dev.acs.broker.app.sandbox.demo;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.acs.broker.app.config.RabbitMqLoginOptions;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The demo's AMQP side: the embedded broker, or a real RabbitMQ named with {@code --rabbitmq-host},
 * and the three queues the demo uses there. On a real RabbitMQ the queues carry a random suffix so
 * the demo never touches the system's; closing this stops the embedded broker or deletes those
 * queues.
 *
 * @param queueSuffix appended to every queue name: empty on the embedded broker, {@code
 *     _demo_<random>} on a real RabbitMQ
 * @param embedded the embedded broker to stop at the end, or {@code null} on a real RabbitMQ
 */
record DemoAmqp(
    String host,
    int port,
    String username,
    String password,
    String virtualHost,
    String queueSuffix,
    @Nullable AutoCloseable embedded)
    implements AutoCloseable {

  private static final String INPUT_QUEUE = "broker_input_queue";
  private static final String OUTPUT_QUEUE = "server_input_queue";
  private static final String DEAD_LETTER_QUEUE = "broker_dead_letter_queue";

  /**
   * Starts the embedded broker, or (with a {@code rabbitHost}) connects nowhere yet but picks the
   * demo's queue names on that RabbitMQ; says which on {@code out}.
   */
  static DemoAmqp start(
      @Nullable String rabbitHost, RabbitMqLoginOptions login, CommandSpec spec, PrintWriter out)
      throws Exception {
    if (rabbitHost == null || rabbitHost.isBlank()) {
      out.println("Starting embedded AMQP broker (Apache Qpid Broker-J, in memory)...");
      out.flush();
      long from = System.nanoTime();
      EmbeddedAmqpBroker embedded = EmbeddedAmqpBroker.start();
      out.printf(
          Locale.ROOT,
          "Embedded AMQP broker ready on 127.0.0.1:%d after %.1f s%n",
          embedded.port(),
          (System.nanoTime() - from) / 1e9);
      out.flush();
      return new DemoAmqp(
          "127.0.0.1",
          embedded.port(),
          EmbeddedAmqpBroker.USERNAME,
          EmbeddedAmqpBroker.PASSWORD,
          "/",
          "",
          embedded);
    }
    String suffix = "_demo_" + UUID.randomUUID().toString().substring(0, 8);
    out.printf(
        Locale.ROOT,
        "Using RabbitMQ at %s:%d with queues *%s (deleted at the end)%n",
        rabbitHost,
        login.port(),
        suffix);
    out.flush();
    ConnectionFactory factory = login.connectionFactory(rabbitHost, spec);
    return new DemoAmqp(
        factory.getHost(),
        factory.getPort(),
        factory.getUsername(),
        factory.getPassword(),
        factory.getVirtualHost(),
        suffix,
        null);
  }

  /** The broker's input queue, where the frontends and agents publish. */
  String inputQueue() {
    return INPUT_QUEUE + queueSuffix;
  }

  /** The broker's output queue, which the stand-in server consumes. */
  String outputQueue() {
    return OUTPUT_QUEUE + queueSuffix;
  }

  /** The broker's dead-letter queue, counted in the summary. */
  String deadLetterQueue() {
    return DEAD_LETTER_QUEUE + queueSuffix;
  }

  ConnectionFactory factory() {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(host);
    factory.setPort(port);
    factory.setUsername(username);
    factory.setPassword(password);
    factory.setVirtualHost(virtualHost);
    return factory;
  }

  @Override
  public void close() throws Exception {
    if (embedded != null) {
      embedded.close();
      return;
    }
    try (Connection connection = factory().newConnection("broker demo cleanup");
        Channel channel = connection.createChannel()) {
      for (String queue : List.of(inputQueue(), outputQueue(), deadLetterQueue())) {
        channel.queueDelete(queue);
      }
    }
  }
}
