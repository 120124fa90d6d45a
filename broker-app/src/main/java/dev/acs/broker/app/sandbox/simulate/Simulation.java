package dev.acs.broker.app.sandbox.simulate;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DeliverCallback;
import com.rabbitmq.client.MessageProperties;
import java.io.IOException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * The world around a broker, minus the broker: simulated agents registered in a {@link
 * StandInCentralServer}, frontends that put TEXT messages on the broker's input queue at a rate,
 * and the central server's consumer of the broker's output queue. An agent a message is routed to
 * turns busy, "thinks", answers with a REPLY on the input queue and turns idle again; with churn,
 * agents now and then pause or go offline for a few seconds.
 *
 * <p>It measures what the system sees: messages sent, routed (per agent), errors, and the latency
 * from publishing a message to its routed result arriving on the output queue. Used by {@code
 * broker simulate} and {@code broker demo}. Thread-safe.
 */
public final class Simulation implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What to simulate.
   *
   * @param agents how many agents
   * @param agentPrefix the agents' ids are this plus 1, 2, ...
   * @param thinkTime how long an agent works on a message before it replies
   * @param rate frontend TEXT messages per second (0: none)
   * @param churn the chance per second and agent of pausing or going offline for 1 to 3 s
   * @param inputQueue the broker's input queue
   * @param outputQueue the broker's output queue
   */
  public record Settings(
      int agents,
      String agentPrefix,
      Duration thinkTime,
      double rate,
      double churn,
      String inputQueue,
      String outputQueue) {

    /** Requires sane values. */
    public Settings {
      if (agents < 0) {
        throw new IllegalArgumentException("agents must not be negative, was " + agents);
      }
      if (!(rate >= 0)) {
        throw new IllegalArgumentException("rate must not be negative, was " + rate);
      }
      if (!(churn >= 0 && churn <= 1)) {
        throw new IllegalArgumentException("churn must be in 0..1, was " + churn);
      }
      Objects.requireNonNull(agentPrefix, "agentPrefix");
      Objects.requireNonNull(thinkTime, "thinkTime");
      Objects.requireNonNull(inputQueue, "inputQueue");
      Objects.requireNonNull(outputQueue, "outputQueue");
    }
  }

  /**
   * The counts at one moment.
   *
   * @param sent frontend TEXT messages published
   * @param replies agent REPLY messages published
   * @param routed results routed to a simulated agent (frontend messages and replies)
   * @param routedFrontend of those, frontend messages
   * @param errors results marked {@code routing_status = error}
   * @param outstanding messages published whose result has not arrived yet
   * @param byAgent routed results per agent, in agent order
   * @param states how many agents are in each state now
   * @param churnEvents how often an agent paused or went offline
   * @param latency publish-to-result latency of routed messages, in microseconds (a copy)
   */
  public record Stats(
      long sent,
      long replies,
      long routed,
      long routedFrontend,
      long errors,
      long outstanding,
      Map<String, Long> byAgent,
      Map<String, Integer> states,
      long churnEvents,
      Histogram latency) {

    /** The latency percentiles in milliseconds, e.g. {@code p50 1.2 ms, p90 ..., max ...}. */
    public String latencySummary() {
      if (latency.getTotalCount() == 0) {
        return "no routed messages measured";
      }
      return String.format(
          Locale.ROOT,
          "p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms (%d messages)",
          latency.getValueAtPercentile(50) / 1000.0,
          latency.getValueAtPercentile(90) / 1000.0,
          latency.getValueAtPercentile(99) / 1000.0,
          latency.getMaxValue() / 1000.0,
          latency.getTotalCount());
    }
  }

  private final StandInCentralServer central;
  private final Settings settings;
  private final RandomGenerator random;
  private final ScheduledExecutorService scheduler;
  private final Channel consumer;
  private final Channel publisher;
  private final Map<String, SimulatedAgent> agents = new LinkedHashMap<>();
  private final Map<String, Long> published = new ConcurrentHashMap<>();
  private final ConcurrentHistogram latency = new ConcurrentHistogram(3);
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong replies = new AtomicLong();
  private final AtomicLong routed = new AtomicLong();
  private final AtomicLong routedFrontend = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong churnEvents = new AtomicLong();
  private @Nullable ScheduledFuture<?> injection;

  private Simulation(
      StandInCentralServer central,
      Connection connection,
      Settings settings,
      RandomGenerator random)
      throws IOException {
    this.central = central;
    this.settings = settings;
    this.random = random;
    this.scheduler =
        Executors.newScheduledThreadPool(
            2,
            task -> {
              Thread thread = new Thread(task, "simulation");
              thread.setDaemon(true);
              return thread;
            });
    this.consumer = connection.createChannel();
    this.publisher = connection.createChannel();
    for (int i = 1; i <= settings.agents(); i++) {
      String id = settings.agentPrefix() + i;
      agents.put(id, new SimulatedAgent(id, central));
      central.putAgent(id, "Sim Agent " + i, "idle");
    }
  }

  /**
   * Registers the agents, declares the two queues (durable, no arguments, as the central server
   * does) and starts consuming the output queue. Frontends stay quiet until {@link
   * #startInjecting()}.
   */
  public static Simulation start(
      StandInCentralServer central, Connection connection, Settings settings) throws IOException {
    Simulation simulation =
        new Simulation(central, connection, settings, RandomGenerator.getDefault());
    simulation.begin();
    return simulation;
  }

  private void begin() throws IOException {
    consumer.queueDeclare(settings.inputQueue(), true, false, false, null);
    consumer.queueDeclare(settings.outputQueue(), true, false, false, null);
    consumer.basicQos(100);
    DeliverCallback onResult =
        (tag, delivery) -> {
          onOutput(delivery.getBody());
          consumer.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
        };
    consumer.basicConsume(settings.outputQueue(), false, onResult, tag -> {});
    if (settings.churn() > 0) {
      scheduler.scheduleAtFixedRate(this::churn, 1, 1, TimeUnit.SECONDS);
    }
  }

  /** Starts the frontends' messages at the configured rate; idempotent. */
  public synchronized void startInjecting() {
    if (injection != null || settings.rate() <= 0) {
      return;
    }
    long periodMicros = Math.max(1, (long) (1_000_000 / settings.rate()));
    injection = scheduler.scheduleAtFixedRate(this::inject, 0, periodMicros, TimeUnit.MICROSECONDS);
  }

  /** Stops the frontends; agents still answer what reaches them. */
  public synchronized void stopInjecting() {
    if (injection != null) {
      injection.cancel(false);
    }
  }

  /** The agents' ids, in order. */
  public List<String> agentIds() {
    return List.copyOf(agents.keySet());
  }

  /** The counts now. */
  public Stats stats() {
    Map<String, Long> byAgent = new LinkedHashMap<>();
    Map<String, Integer> states = new LinkedHashMap<>();
    for (String state : List.of("idle", "busy", "paused", "offline")) {
      states.put(state, 0);
    }
    for (SimulatedAgent agent : agents.values()) {
      byAgent.put(agent.id(), agent.routed());
      states.merge(agent.state(), 1, Integer::sum);
    }
    return new Stats(
        sent.get(),
        replies.get(),
        routed.get(),
        routedFrontend.get(),
        errors.get(),
        published.size(),
        Collections.unmodifiableMap(byAgent),
        Collections.unmodifiableMap(states),
        churnEvents.get(),
        latency.copy());
  }

  /** Stops every simulated party and closes the channels (not the connection). */
  @Override
  public void close() {
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
    for (Channel channel : List.of(consumer, publisher)) {
      try {
        channel.close();
      } catch (IOException | TimeoutException | RuntimeException alreadyClosed) {
        // The connection went first.
      }
    }
  }

  private void inject() {
    String client =
        SimulatedMessages.FRONTEND_PREFIX + UUID.randomUUID().toString().substring(0, 8);
    // SPEC §3: frontends send a base-36 message id of 6 characters.
    String id = Long.toString(random.nextLong(60_466_176L, 2_176_782_335L), 36);
    if (publish(id, SimulatedMessages.question(id, client, sent.get()))) {
      sent.incrementAndGet();
    }
  }

  private void onOutput(byte[] body) {
    long arrived = System.nanoTime();
    Map<String, Object> message;
    try {
      message = JSON.readValue(body, new TypeReference<Map<String, Object>>() {});
    } catch (IOException unreadable) {
      return;
    }
    Object id = message.get("message_id");
    Long publishedAt = id == null ? null : published.remove(id.toString());
    if ("error".equals(message.get("routing_status"))) {
      errors.incrementAndGet();
      return;
    }
    Object receiver = message.get("receiver_id");
    SimulatedAgent agent = receiver == null ? null : agents.get(receiver.toString());
    if (agent == null) {
      return;
    }
    routed.incrementAndGet();
    agent.countRouted();
    if (publishedAt != null) {
      latency.recordValue(Math.max(0, TimeUnit.NANOSECONDS.toMicros(arrived - publishedAt)));
    }
    Object sender = message.get("sender_id");
    if (sender == null || !sender.toString().startsWith(SimulatedMessages.FRONTEND_PREFIX)) {
      // A reply routed on to another agent: counted, not answered, or agents would talk forever.
      return;
    }
    routedFrontend.incrementAndGet();
    agent.take();
    scheduler.schedule(
        () -> {
          String replyId = "msg_" + UUID.randomUUID();
          if (publish(
              replyId, SimulatedMessages.reply(replyId, agent.id(), sender.toString(), message))) {
            replies.incrementAndGet();
          }
          agent.done();
        },
        settings.thinkTime().toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private boolean publish(String id, Map<String, Object> message) {
    try {
      byte[] body = JSON.writeValueAsBytes(message);
      AMQP.BasicProperties persistent = MessageProperties.PERSISTENT_BASIC;
      synchronized (publisher) {
        published.put(id, System.nanoTime());
        publisher.basicPublish("", settings.inputQueue(), persistent, body);
      }
      return true;
    } catch (IOException | RuntimeException failed) {
      published.remove(id);
      System.err.println("simulation: publish failed: " + failed);
      return false;
    }
  }

  /** Each second, each agent that is around may leave for a moment. */
  private void churn() {
    for (SimulatedAgent agent : agents.values()) {
      if (random.nextDouble() < settings.churn() && agent.leave(random.nextBoolean())) {
        churnEvents.incrementAndGet();
        scheduler.schedule(agent::comeBack, random.nextLong(1_000, 3_000), TimeUnit.MILLISECONDS);
      }
    }
  }
}
