package dev.acs.broker.app.e2e;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;
import dev.acs.broker.app.sandbox.simulate.StandInCentralServer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * The Agent Communication System around a broker, behaving as SPEC §7 describes the real one: the
 * {@link StandInCentralServer} with the real server's quirks for the gRPC side, plus, on RabbitMQ,
 * the server's consumer of the broker's output queue and agents that answer.
 *
 * <p>The server's consumer acknowledges before processing (autoAck). A message with {@code
 * routing_status = "routed"} and a {@code receiver_id} is "broadcast to the frontends" (recorded)
 * and then forwarded to the agent; if the server does not know that agent it is lost, as with the
 * real server's {@code KeyError}. An {@code ERROR} to {@code "Server"} becomes a frontend notice;
 * any other {@code ERROR} is "Unrecognized message ignored". While the server is {@link #stop()
 * stopped} nothing is consumed, and after {@link #restart()} it consumes with an empty registry.
 *
 * <p>Agents report every {@code reportEvery} (only last_seen changes, so nothing is broadcast),
 * turn busy when they take a message, answer after {@code thinkTime} with a new {@code message_id},
 * no {@code receiver_id} and {@code original_message_id} = the message answered, then turn idle. A
 * {@link Agent#kill() killed} agent stops reporting and answering and stays idle on the server.
 */
final class RealSystem implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the server did with one message it consumed. */
  record Outcome(String kind, Map<String, Object> message, long atNanos) {}

  final StandInCentralServer central;
  private final Rabbit rabbit;
  private final Connection connection;
  private final Channel consumerChannel;
  private final Channel publisherChannel;
  private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(2);
  private final Map<String, Agent> agents = new ConcurrentHashMap<>();
  private final List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
  private volatile @Nullable String consumerTag;

  RealSystem(Rabbit rabbit) throws IOException, TimeoutException {
    this.rabbit = rabbit;
    this.central = StandInCentralServer.startLikeTheRealServer(0);
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost("127.0.0.1");
    factory.setPort(5672);
    factory.setUsername("guest");
    factory.setPassword("guest");
    connection = factory.newConnection("real-system stand-in");
    consumerChannel = connection.createChannel();
    publisherChannel = connection.createChannel();
    consume();
  }

  private void consume() throws IOException {
    consumerTag =
        consumerChannel.basicConsume(
            rabbit.outputQueue,
            true, // the real server acknowledges before it processes (SPEC §7)
            (tag, delivery) -> process(delivery.getBody()),
            tag -> {});
  }

  private void process(byte[] body) throws IOException {
    Map<String, Object> message = JSON.readValue(body, new TypeReference<>() {});
    long now = System.nanoTime();
    Object receiver = message.get("receiver_id");
    if ("ERROR".equals(message.get("message_type"))) {
      outcomes.add(
          new Outcome("Server".equals(receiver) ? "notice" : "ignored-error", message, now));
      return;
    }
    if (!"routed".equals(message.get("routing_status")) || !(receiver instanceof String id)) {
      outcomes.add(new Outcome("ignored", message, now));
      return;
    }
    outcomes.add(new Outcome("shown", message, now)); // broadcast to every frontend first
    Agent agent = agents.get(id);
    if (!central.knows(id)) {
      outcomes.add(new Outcome("lost", message, now)); // KeyError after the ack
      return;
    }
    outcomes.add(new Outcome("forwarded", message, now));
    if (agent != null) {
      agent.take(message, now);
    }
  }

  /** Adds an agent that reports every {@code reportEvery} and answers after {@code thinkTime}. */
  Agent agent(String id, Duration reportEvery, Duration thinkTime, boolean answers) {
    Agent agent = new Agent(id, thinkTime, answers);
    agents.put(id, agent);
    central.putAgent(id, "starting");
    central.setState(id, "idle");
    agent.reports =
        timers.scheduleAtFixedRate(
            agent::report, reportEvery.toMillis(), reportEvery.toMillis(), TimeUnit.MILLISECONDS);
    return agent;
  }

  /** Takes the central server down: no gRPC, nothing consumed, agents forgotten. */
  void stop() throws IOException {
    String tag = consumerTag;
    if (tag != null) {
      consumerChannel.basicCancel(tag);
      consumerTag = null;
    }
    central.stop();
  }

  /** Brings the server back knowing no agents; it consumes at once, as the real one does. */
  void restart() throws IOException {
    central.restart();
    consume();
  }

  /** Everything the server did so far, in order. */
  List<Outcome> outcomes() {
    synchronized (outcomes) {
      return List.copyOf(outcomes);
    }
  }

  /** The outcomes of one kind. */
  List<Outcome> outcomes(String kind) {
    return outcomes().stream().filter(outcome -> outcome.kind().equals(kind)).toList();
  }

  /** A frontend's TEXT message, as the server puts it on the broker's input queue. */
  void frontend(String messageId, String client, String text) {
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("message_id", messageId);
    message.put("sender_id", client);
    message.put("receiver_id", "server");
    message.put("text_payload", text);
    message.put("send_timestamp", "10:42:07");
    message.put("message_type", "TEXT");
    message.put("_connection_type", "frontend");
    message.put("_client_id", client);
    message.put("routing_status", "pending");
    publish(message);
  }

  private synchronized void publish(Map<String, Object> message) {
    try {
      publisherChannel.basicPublish(
          "",
          rabbit.inputQueue,
          MessageProperties.PERSISTENT_TEXT_PLAIN,
          JSON.writeValueAsBytes(message));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws Exception {
    timers.shutdownNow();
    try {
      connection.close();
    } finally {
      central.close();
    }
  }

  /** A simulated agent; its "queue" is the server handing it messages. */
  final class Agent {
    final String id;
    private final Duration thinkTime;
    private final boolean answers;
    private final List<Long> received = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean alive = true;
    private volatile @Nullable ScheduledFuture<?> reports;

    Agent(String id, Duration thinkTime, boolean answers) {
      this.id = id;
      this.thinkTime = thinkTime;
      this.answers = answers;
    }

    /**
     * {@code kill -9} between two messages: its last report said idle, and the server keeps it idle
     * (SPEC §7); no more reports or answers.
     */
    void kill() {
      safely(() -> central.setState(id, "idle"));
      alive = false;
      ScheduledFuture<?> scheduled = reports;
      if (scheduled != null) {
        scheduled.cancel(false);
      }
    }

    /** When (System.nanoTime) the server forwarded each message to this agent. */
    List<Long> received() {
      synchronized (received) {
        return List.copyOf(received);
      }
    }

    private void report() {
      if (!alive || !central.isRunning()) {
        return;
      }
      if (central.knows(id)) {
        central.report(id);
      } else {
        // After a restart the agent's next report registers it again (SPEC §7).
        central.putAgent(id, "idle");
      }
    }

    private void take(Map<String, Object> message, long at) {
      received.add(at);
      if (!alive) {
        return; // it waits in a queue nobody reads
      }
      safely(() -> central.setState(id, "busy"));
      timers.schedule(
          () -> {
            if (!alive) {
              return;
            }
            if (answers) {
              Map<String, Object> answer = new LinkedHashMap<>();
              answer.put("message_id", "msg_" + UUID.randomUUID());
              answer.put("sender_id", id);
              answer.put("text_payload", "answer of " + id);
              answer.put("message_type", message.getOrDefault("message_type", "TEXT"));
              answer.put("original_message_id", message.get("message_id"));
              answer.put("routing_status", "pending");
              publish(answer);
            }
            safely(() -> central.setState(id, "idle"));
          },
          thinkTime.toMillis(),
          TimeUnit.MILLISECONDS);
    }

    private void safely(Runnable report) {
      try {
        report.run();
      } catch (IllegalArgumentException unknownAfterRestart) {
        // The server restarted and forgot this agent; its next report registers it again.
      }
    }
  }
}
