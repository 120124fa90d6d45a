package dev.acs.broker.adapter.amqp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.agent.AgentRegistry;
import dev.acs.broker.core.agent.AgentStatusUpdate;
import dev.acs.broker.core.agent.Availability;
import dev.acs.broker.core.application.RoutingService;
import dev.acs.broker.core.port.RoutingObserver;
import dev.acs.broker.core.port.Subscription;
import dev.acs.broker.core.routing.MessageRouter;
import dev.acs.broker.core.routing.RandomRoutingPolicy;
import dev.acs.broker.core.testing.Agents;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The real pipeline for integration tests: an {@link AmqpTransport} on queues with unique names,
 * the core's {@link RoutingService} over three idle agents, and a plain client connection for
 * feeding the input and reading the outputs. Deletes its queues on close.
 */
final class RelayHarness implements AutoCloseable {

  static final List<String> AGENTS = List.of("agent-1", "agent-2", "agent-3");

  final AmqpSettings settings;
  final BrokerIdentity identity;
  final AmqpTransport transport;
  final RoutingService service;
  private @Nullable Subscription subscription;
  private Connection client;
  private Channel clientChannel;

  /** A message read from one of the output queues. */
  record Received(byte[] body, AMQP.BasicProperties properties) {
    String text() {
      return new String(body, UTF_8);
    }

    @Nullable Object header(String name) {
      Map<String, Object> headers = properties.getHeaders();
      return headers == null ? null : headers.get(name);
    }

    @Nullable String headerText(String name) {
      Object value = header(name);
      return value == null ? null : value.toString();
    }
  }

  RelayHarness(Function<AmqpSettingsBuilder, AmqpSettingsBuilder> customize) throws Exception {
    String suffix = UUID.randomUUID().toString();
    this.settings =
        customize
            .apply(
                AmqpSettings.builder()
                    .inputQueue("it-input-" + suffix)
                    .outputQueue("it-output-" + suffix)
                    .deadLetterQueue("it-dead-" + suffix)
                    .reconnectBackoff(Duration.ofMillis(200), Duration.ofSeconds(2)))
            .build();
    this.identity =
        new BrokerIdentity("broker_it_" + suffix.substring(0, 8), "it-" + suffix.substring(0, 8));
    this.transport = new AmqpTransport(settings, identity, AmqpListener.NONE);
    AgentRegistry registry = new AgentRegistry(Availability.reference(), Clock.systemUTC());
    registry.apply(AgentStatusUpdate.snapshot(AGENTS.stream().map(Agents::idle).toList()));
    this.service =
        new RoutingService(
            identity,
            registry,
            new MessageRouter(new RandomRoutingPolicy(new SplittableRandom(1))),
            transport.outbound(),
            RoutingObserver.NONE,
            System::nanoTime);
    openClient();
  }

  RelayHarness() throws Exception {
    this(b -> b);
  }

  String consumerConnectionName() {
    return "broker " + identity.name() + " (" + identity.id() + ") consumer";
  }

  String publisherConnectionName() {
    return "broker " + identity.name() + " (" + identity.id() + ") publisher";
  }

  /** Connects the transport and starts routing. */
  void start() throws InterruptedException {
    transport.connect();
    subscription = transport.inbound().start(service);
  }

  void openClient() throws IOException, TimeoutException {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(settings.host());
    factory.setPort(settings.port());
    factory.setAutomaticRecoveryEnabled(false);
    client = factory.newConnection("relay-it-client");
    clientChannel = client.createChannel();
    for (String queue :
        List.of(settings.inputQueue(), settings.outputQueue(), settings.deadLetterQueue())) {
      clientChannel.queueDeclare(queue, true, false, false, null);
    }
    clientChannel.confirmSelect();
  }

  /** Publishes bodies to the input queue, persistent, waiting for their confirms. */
  void feed(List<byte[]> bodies) throws IOException, InterruptedException, TimeoutException {
    int sinceWait = 0;
    for (byte[] body : bodies) {
      clientChannel.basicPublish(
          "",
          settings.inputQueue(),
          new AMQP.BasicProperties.Builder().deliveryMode(2).build(),
          body);
      if (++sinceWait == 500) {
        clientChannel.waitForConfirmsOrDie(30_000);
        sinceWait = 0;
      }
    }
    clientChannel.waitForConfirmsOrDie(30_000);
  }

  void feed(byte[] body, AMQP.BasicProperties properties)
      throws IOException, InterruptedException, TimeoutException {
    clientChannel.basicPublish("", settings.inputQueue(), properties, body);
    clientChannel.waitForConfirmsOrDie(30_000);
  }

  void deleteQueue(String queue) throws IOException {
    clientChannel.queueDelete(queue);
  }

  long messageCount(String queue) {
    try {
      return clientChannel.queueDeclarePassive(queue).getMessageCount();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Consumes {@code queue} with auto-ack until {@code expected} messages arrived or the timeout.
   */
  List<Received> drain(String queue, int expected, Duration timeout) throws Exception {
    ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    Channel channel =
        consumeAutoAck(queue, (body, properties) -> received.add(new Received(body, properties)));
    try {
      await()
          .atMost(timeout)
          .untilAsserted(
              () ->
                  assertThat(received.size() >= expected)
                      .as(expected + " messages on " + queue + ", have " + received.size())
                      .isTrue());
      return List.copyOf(received);
    } finally {
      channel.close();
    }
  }

  /**
   * Consumes {@code queue} with auto-ack for the rest of the test, counting bodies by their {@code
   * seq} field.
   */
  ConcurrentHashMap<Integer, AtomicInteger> collect(String queue) throws IOException {
    ConcurrentHashMap<Integer, AtomicInteger> counts = new ConcurrentHashMap<>();
    consumeAutoAck(
        queue,
        (body, properties) ->
            counts
                .computeIfAbsent(TestMessages.seqOf(body), k -> new AtomicInteger())
                .incrementAndGet());
    return counts;
  }

  /** Consumes {@code queue} with auto-ack on a channel of its own, which the caller may close. */
  private Channel consumeAutoAck(String queue, DeliveryHandler onDelivery) throws IOException {
    Channel channel = client.createChannel();
    channel.basicQos(1000);
    channel.basicConsume(
        queue,
        true,
        new DefaultConsumer(channel) {
          @Override
          public void handleDelivery(
              String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body)
              throws IOException {
            onDelivery.handle(body, properties);
          }
        });
    return channel;
  }

  /** What a test consumer does with one delivery. */
  @FunctionalInterface
  private interface DeliveryHandler {
    void handle(byte[] body, AMQP.BasicProperties properties) throws IOException;
  }

  /** After a drain, nothing more arrives on {@code queue} (checks the count once settled). */
  void assertSettledAndEmpty() throws InterruptedException {
    await("input drained and settled")
        .atMost(Duration.ofSeconds(30))
        .until(() -> service.inFlight() == 0 && messageCount(settings.inputQueue()) == 0);
  }

  void cancel() {
    if (subscription != null) {
      subscription.cancel();
    }
  }

  @Override
  public void close() throws IOException, TimeoutException {
    cancel();
    transport.close();
    try {
      if (!client.isOpen()) {
        openClient();
      }
      Channel channel = client.createChannel();
      for (String queue :
          List.of(settings.inputQueue(), settings.outputQueue(), settings.deadLetterQueue())) {
        channel.queueDelete(queue);
      }
    } finally {
      client.abort();
    }
  }
}
