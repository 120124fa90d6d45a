package dev.acs.broker.app.simulate;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DeliverCallback;
import com.rabbitmq.client.MessageProperties;
import dev.acs.broker.app.DurationConverter;
import dev.acs.broker.app.lifecycle.ProcessSignals;
import dev.acs.broker.app.lifecycle.ShutdownSignal;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code broker simulate} (issue #9): the rest of the system around a broker, on one machine. It
 * serves the {@link StandInCentralServer} on {@code --port}, simulates {@code --agents} agents that
 * turn busy while they "think" and answer every frontend message routed to them with a REPLY on the
 * broker's input queue, injects frontend TEXT messages at {@code --rate}, and prints a summary
 * every second and a report at the end.
 */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Runs a stand-in central server with simulated agents and frontends, for trying a"
            + " broker locally: start this, then 'broker run --grpc-host 127.0.0.1"
            + " --grpc-port PORT --rabbitmq-host 127.0.0.1'.")
public final class SimulateCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

  @Spec private @Nullable CommandSpec spec;

  @Option(names = "--port", defaultValue = "50051", description = "gRPC port of the stand-in.")
  private int port;

  @Option(names = "--agents", defaultValue = "3", description = "Number of simulated agents.")
  private int agents;

  @Option(
      names = "--think-time",
      defaultValue = "500ms",
      converter = DurationConverter.class,
      description = "How long an agent works on a message before it replies.")
  private Duration thinkTime = Duration.ofMillis(500);

  @Option(
      names = "--rate",
      defaultValue = "1",
      description = "Frontend TEXT messages injected per second (0: none).")
  private double rate;

  @Option(
      names = "--duration",
      defaultValue = "0s",
      converter = DurationConverter.class,
      description = "Stop after this long (0s: run until SIGINT or SIGTERM).")
  private Duration duration = Duration.ZERO;

  @Option(names = "--rabbitmq-host", defaultValue = "127.0.0.1", description = "RabbitMQ host.")
  private String rabbitHost = "127.0.0.1";

  @Option(names = "--rabbitmq-port", defaultValue = "5672", description = "RabbitMQ port.")
  private int rabbitPort;

  @Option(names = "--rabbitmq-username", defaultValue = "guest", description = "RabbitMQ user.")
  private String rabbitUsername = "guest";

  @Option(
      names = "--rabbitmq-password",
      defaultValue = "guest",
      showDefaultValue = picocli.CommandLine.Help.Visibility.NEVER,
      description = "RabbitMQ password.")
  private String rabbitPassword = "guest";

  @Option(
      names = "--input-queue",
      defaultValue = "broker_input_queue",
      description = "The broker's input queue (frontend messages and replies go here).")
  private String inputQueue = "broker_input_queue";

  @Option(
      names = "--output-queue",
      defaultValue = "server_input_queue",
      description = "The broker's output queue (consumed here, as the server would).")
  private String outputQueue = "server_input_queue";

  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong routed = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong replies = new AtomicLong();
  private final AtomicLong repliesDelivered = new AtomicLong();
  private final Map<String, AtomicInteger> work = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> perAgent = new ConcurrentHashMap<>();

  @Override
  public Integer call() throws Exception {
    if (agents < 0 || rate < 0) {
      throw new picocli.CommandLine.ParameterException(
          java.util.Objects.requireNonNull(spec).commandLine(),
          "--agents and --rate must not be negative");
    }
    PrintWriter out = java.util.Objects.requireNonNull(spec).commandLine().getOut();
    ShutdownSignal signal = new ShutdownSignal();
    ProcessSignals.install(signal, Duration.ofSeconds(10));
    ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(rabbitHost);
    factory.setPort(rabbitPort);
    factory.setUsername(rabbitUsername);
    factory.setPassword(rabbitPassword);
    try (StandInCentralServer central = StandInCentralServer.start(port);
        Connection connection = factory.newConnection("broker simulate")) {
      List<String> agentIds = new ArrayList<>();
      for (int i = 1; i <= agents; i++) {
        String id = "sim_agent_" + i;
        agentIds.add(id);
        work.put(id, new AtomicInteger());
        perAgent.put(id, new AtomicLong());
        central.putAgent(id, "Sim Agent " + i, "idle");
      }
      Channel consumer = connection.createChannel();
      Channel publisher = connection.createChannel();
      consumer.queueDeclare(inputQueue, true, false, false, null);
      consumer.queueDeclare(outputQueue, true, false, false, null);
      consumer.basicQos(50);
      out.printf(
          "Stand-in central server on 127.0.0.1:%d with %d agents; consuming %s, injecting %s"
              + " msg/s into %s%n",
          central.port(), agents, outputQueue, rate, inputQueue);
      out.flush();
      DeliverCallback onRouted =
          (tag, delivery) -> {
            onOutput(central, publisher, scheduler, delivery.getBody());
            consumer.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
          };
      consumer.basicConsume(outputQueue, false, onRouted, tag -> {});
      if (rate > 0) {
        long periodMicros = (long) (1_000_000 / rate);
        scheduler.scheduleAtFixedRate(
            () -> inject(publisher), 0, Math.max(1, periodMicros), TimeUnit.MICROSECONDS);
      }
      scheduler.scheduleAtFixedRate(
          () -> {
            out.println(summary(central, agentIds));
            out.flush();
          },
          1,
          1,
          TimeUnit.SECONDS);
      if (duration.isZero()) {
        signal.awaitRequest();
      } else {
        scheduler.schedule(
            () -> signal.request("--duration elapsed"), duration.toMillis(), TimeUnit.MILLISECONDS);
        signal.awaitRequest();
      }
      scheduler.shutdownNow();
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
      out.println();
      out.println("Final report (" + signal.reason() + ")");
      out.printf(
          "  frontend messages sent %d, routed to agents %d, broker errors %d%n",
          sent.get(), routed.get(), errors.get());
      out.printf(
          "  agent replies sent %d, replies delivered %d%n", replies.get(), repliesDelivered.get());
      for (String id : agentIds) {
        out.printf("  %s handled %d%n", id, perAgent.get(id).get());
      }
      out.flush();
      return 0;
    } finally {
      scheduler.shutdownNow();
      signal.markStopped();
    }
  }

  private void inject(Channel publisher) {
    Map<String, Object> message = new LinkedHashMap<>();
    String client = "web_" + UUID.randomUUID().toString().substring(0, 8);
    message.put(
        "message_id",
        Long.toString(ThreadLocalRandom.current().nextLong(60_466_176L, 2_176_782_335L), 36));
    message.put("sender_id", client);
    message.put("receiver_id", "server");
    message.put("text_payload", "simulated question " + sent.get());
    message.put("send_timestamp", LocalTime.now().format(CLOCK));
    message.put("message_type", "TEXT");
    message.put("_connection_type", "frontend");
    message.put("_client_id", client);
    message.put("routing_status", "pending");
    publish(publisher, message);
    sent.incrementAndGet();
  }

  private void onOutput(
      StandInCentralServer central,
      Channel publisher,
      ScheduledExecutorService scheduler,
      byte[] body) {
    Map<String, Object> message;
    try {
      message = JSON.readValue(body, new TypeReference<Map<String, Object>>() {});
    } catch (IOException unreadable) {
      return;
    }
    if ("error".equals(message.get("routing_status"))) {
      errors.incrementAndGet();
      return;
    }
    Object receiver = message.get("receiver_id");
    AtomicInteger load = receiver == null ? null : work.get(receiver.toString());
    if (load == null) {
      return;
    }
    String agent = receiver.toString();
    Object sender = message.get("sender_id");
    if (sender == null || !sender.toString().startsWith("web_")) {
      // A reply routed on to another agent: counted, not answered, or agents would talk forever.
      repliesDelivered.incrementAndGet();
      return;
    }
    routed.incrementAndGet();
    perAgent.get(agent).incrementAndGet();
    if (load.getAndIncrement() == 0) {
      central.setState(agent, "busy");
    }
    scheduler.schedule(
        () -> {
          Map<String, Object> reply = new LinkedHashMap<>();
          reply.put("message_id", "msg_" + UUID.randomUUID());
          reply.put("message_type", "REPLY");
          reply.put("sender_id", agent);
          reply.put("receiver_id", sender.toString());
          reply.put("text_payload", "answer to: " + message.get("text_payload"));
          reply.put("send_timestamp", LocalTime.now().format(CLOCK));
          reply.put("in_reply_to_message_id", message.get("message_id"));
          reply.put("routing_status", "pending");
          publish(publisher, reply);
          replies.incrementAndGet();
          if (load.decrementAndGet() == 0) {
            central.setState(agent, "idle");
          }
        },
        thinkTime.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private void publish(Channel publisher, Map<String, Object> message) {
    try {
      synchronized (publisher) {
        publisher.basicPublish(
            "", inputQueue, MessageProperties.PERSISTENT_BASIC, JSON.writeValueAsBytes(message));
      }
    } catch (IOException failed) {
      System.err.println("publish failed: " + failed);
    }
  }

  private String summary(StandInCentralServer central, List<String> agentIds) {
    long busy = agentIds.stream().filter(id -> "busy".equals(central.stateOf(id))).count();
    return String.format(
        Locale.ROOT,
        "%s sent %d, routed %d, errors %d, replies %d, agents busy %d/%d, brokers subscribed %d",
        LocalTime.now().format(CLOCK),
        sent.get(),
        routed.get(),
        errors.get(),
        replies.get(),
        busy,
        agentIds.size(),
        central.subscriberCount());
  }
}
