package dev.acs.broker.adapter.amqp.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.acs.broker.adapter.amqp.AmqpSettings;
import dev.acs.broker.adapter.amqp.QueueType;
import dev.acs.broker.core.application.DecisionHeaders;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * The relay benchmark of issue #10: the broker's real pipeline against a zero-logic amqp-client
 * relay, side by side in one run on the same queues.
 *
 * <p>Max mode drains a preloaded backlog of persistent ~500-byte messages from the input queue into
 * the output queue, once per entry of {@code bench.order}, and reports msg/s, consume-to-confirm
 * latency, CPU of this JVM and of RabbitMQ, and the ratio broker / baseline. Rate mode offers a
 * fixed rate and reports end-to-end latency (publish into the input to arrival from the output) and
 * the heap after each GC. See {@link BenchConfig} for the properties and {@code
 * docs/performance.md} for the command.
 */
public final class RelayBenchmark {

  /**
   * One drain of the backlog by one relay. The rate and CPU are those of the steady part: from the
   * moment the first 5 % were settled (connection set-up and JIT are behind) to the last.
   */
  record MaxResult(
      int round,
      String relay,
      int messages,
      double seconds,
      long steadyMessages,
      double steadySeconds,
      Histogram relayMicros,
      CpuMeter.Usage cpu,
      long arrived,
      long duplicates,
      long failures,
      long ackFrames) {

    double rate() {
      return steadyMessages / steadySeconds;
    }
  }

  /** A fixed-rate run of one relay. */
  record RateResult(
      String relay,
      double offered,
      double achieved,
      long published,
      long arrived,
      Histogram endToEndMicros,
      Histogram relayMicros,
      CpuMeter.Usage cpu,
      List<HeapMeter.AfterGc> heap,
      long failures) {}

  /** Everything one run measured. */
  record Report(List<MaxResult> max, List<RateResult> rate) {

    /**
     * For each round of {@code relay}, its rate over the mean rate of the nearest baseline round
     * before and after it (or the one that exists).
     */
    List<Double> pairedRatios(String relay) {
      List<Double> ratios = new ArrayList<>();
      for (int i = 0; i < max.size(); i++) {
        if (!max.get(i).relay().equals(relay)) {
          continue;
        }
        double sum = 0;
        int found = 0;
        for (int step : new int[] {-1, 1}) {
          for (int j = i + step; j >= 0 && j < max.size(); j += step) {
            if (max.get(j).relay().equals("baseline")) {
              sum += max.get(j).rate();
              found++;
              break;
            }
          }
        }
        if (found > 0) {
          ratios.add(max.get(i).rate() / (sum / found));
        }
      }
      return ratios;
    }

    double meanRate(String relay) {
      return max.stream()
          .filter(r -> r.relay().equals(relay))
          .mapToDouble(MaxResult::rate)
          .average()
          .orElse(Double.NaN);
    }
  }

  private final BenchConfig config;
  private final ConnectionFactory factory;
  private final String runId = UUID.randomUUID().toString().substring(0, 8);
  private final String input = "bench-" + runId + "-input";
  private final String output = "bench-" + runId + "-output";
  private final String deadLetter = "bench-" + runId + "-dead";
  private final BenchMessages messages;
  private final CpuMeter cpu = new CpuMeter();
  private @Nullable Connection admin;
  private @Nullable Channel adminChannel;

  RelayBenchmark(BenchConfig config) {
    this.config = config;
    this.factory = new ConnectionFactory();
    factory.setHost(config.host());
    factory.setPort(config.port());
    factory.setUsername(config.username());
    factory.setPassword(config.password());
    factory.setVirtualHost(config.virtualHost());
    factory.setAutomaticRecoveryEnabled(false);
    this.messages = new BenchMessages(config.agents(), 1000, 42);
  }

  /** Runs the benchmark as the system properties say and prints the results. */
  public static void main(String[] args) throws Exception {
    BenchConfig config = BenchConfig.fromSystemProperties();
    System.out.println("relay benchmark: " + config.withoutPassword());
    Report report = new RelayBenchmark(config).run();
    print(report);
    System.exit(0); // amqp-client threads of failed runs must not keep the JVM alive
  }

  Report run() throws Exception {
    try {
      List<MaxResult> max = new ArrayList<>();
      if (!config.mode().equals("rate")) {
        if (config.warmupMessages() > 0) {
          for (String relay : new java.util.LinkedHashSet<>(config.order())) {
            System.out.println(
                "warm-up, not counted: "
                    + describe(retrying(() -> runMax(0, relay, config.warmupMessages()))));
          }
        }
        int round = 0;
        for (String relay : config.order()) {
          int number = ++round;
          MaxResult result = retrying(() -> runMax(number, relay, config.messages()));
          System.out.println(describe(result));
          max.add(result);
        }
      }
      List<RateResult> rate = new ArrayList<>();
      if (!config.mode().equals("max")) {
        double offered = config.rate();
        if (offered <= 0) {
          double brokerMax = new Report(max, List.of()).meanRate("broker");
          if (Double.isNaN(brokerMax)) {
            throw new IllegalArgumentException(
                "rate mode needs bench.rate, or a broker round in max mode to take a fraction of");
          }
          offered = Math.round(brokerMax * config.rateFraction());
        }
        for (String relay : config.rateRelays()) {
          double rateToOffer = offered;
          RateResult result = retrying(() -> runRate(relay, rateToOffer));
          System.out.println(describe(result, config.heapIntervalSeconds()));
          rate.add(result);
        }
      }
      return new Report(max, rate);
    } finally {
      if (admin != null) {
        admin.abort();
      }
      deleteQueues();
    }
  }

  /** One round of measuring. */
  @FunctionalInterface
  private interface Round<T> {
    T run() throws Exception;
  }

  /**
   * Runs a round, and runs it again (up to twice) when RabbitMQ went away in the middle: on a
   * shared server other people's tests restart it.
   */
  private <T> T retrying(Round<T> round) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return round.run();
      } catch (IOException
          | TimeoutException
          | com.rabbitmq.client.ShutdownSignalException
          | IllegalStateException failure) {
        if (attempt == 3) {
          throw failure;
        }
        System.out.println(
            "A round failed (" + failure + "); waiting for RabbitMQ and running it again");
        if (admin != null) {
          admin.abort();
          admin = null;
        }
        adminChannel(); // waits until RabbitMQ is back
        for (String queue : List.of(input, output, deadLetter)) {
          adminChannel().queuePurge(queue);
        }
      }
    }
  }

  /** The admin channel, (re)connecting and declaring the queues when needed. */
  private Channel adminChannel() throws InterruptedException {
    if (admin != null && admin.isOpen() && adminChannel != null && adminChannel.isOpen()) {
      return adminChannel;
    }
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (true) {
      try {
        if (admin == null || !admin.isOpen()) {
          admin = factory.newConnection("relay-bench admin");
        }
        adminChannel = admin.createChannel();
        for (String queue : List.of(input, output, deadLetter)) {
          adminChannel.queueDeclare(
              queue, true, false, false, queueArguments(QueueType.parse(config.queueType())));
        }
        return adminChannel;
      } catch (IOException | TimeoutException | RuntimeException unreachable) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("RabbitMQ unreachable: " + unreachable, unreachable);
        }
        Thread.sleep(1000); // polling a server that is restarting; nothing to wait on
      }
    }
  }

  /** The declare arguments of the run's queues: none for classic (SPEC §3). */
  private static java.util.Map<String, Object> queueArguments(QueueType type) {
    return type == QueueType.QUORUM ? java.util.Map.of("x-queue-type", "quorum") : null;
  }

  /** Deletes this run's queues, on a fresh connection (the run's may have been lost). */
  private void deleteQueues() {
    try (Connection cleanup = factory.newConnection("relay-bench cleanup")) {
      Channel channel = cleanup.createChannel();
      for (String queue : List.of(input, output, deadLetter)) {
        channel.queueDelete(queue);
      }
    } catch (IOException | TimeoutException | RuntimeException failure) {
      System.err.println(
          "Could not delete the queues bench-"
              + runId
              + "-*: "
              + failure
              + "; delete them by hand");
    }
  }

  private Relay relay(String kind) {
    if (kind.startsWith("broker")) {
      AmqpSettings settings =
          AmqpSettings.builder()
              .host(config.host())
              .port(config.port())
              .username(config.username())
              .password(config.password())
              .virtualHost(config.virtualHost())
              .inputQueue(input)
              .outputQueue(output)
              .deadLetterQueue(deadLetter)
              .prefetch(config.prefetch())
              .publishMessageId(!kind.equals("broker-bare"))
              .queueType(QueueType.parse(config.queueType()))
              .build();
      return new BrokerRelay(kind, settings, config.agents(), config.policy(), headers(kind));
    }
    return new ZeroLogicRelay(
        factory, input, output, config.prefetch(), kind.equals("baseline-headers"));
  }

  /**
   * The decision headers of a broker kind: {@code broker} explains fully, {@code broker-routed-by}
   * names only itself, {@code broker-bare} adds none (and publishes no message id).
   */
  private static DecisionHeaders headers(String kind) {
    switch (kind) {
      case "broker":
        return DecisionHeaders.FULL;
      case "broker-routed-by":
        return DecisionHeaders.ROUTED_BY;
      case "broker-bare":
        return DecisionHeaders.NONE;
      default:
        throw new IllegalArgumentException("unknown broker kind " + kind);
    }
  }

  private MaxResult runMax(int round, String kind, int count) throws Exception {
    Channel admin = adminChannel();
    preload(admin, count);
    Relay relay = relay(kind);
    long start = System.nanoTime();
    Duration timeout = Duration.ofSeconds(60 + count / 200);
    long steadyFrom;
    CpuMeter.Usage used;
    double seconds;
    try {
      relay.start();
      awaitCondition(
          () -> relay.settledCount() >= count / 20,
          timeout,
          () -> kind + " relayed " + relay.settledCount() + " of " + count);
      CpuMeter.Sample before = cpu.sample();
      steadyFrom = relay.settledCount();
      awaitCondition(
          () -> relay.settledCount() >= count,
          timeout,
          () -> kind + " relayed " + relay.settledCount() + " of " + count);
      used = cpu.since(before);
      seconds = (System.nanoTime() - start) / 1e9;
      relay.stop();
    } catch (Exception failure) {
      relay.abort();
      throw failure;
    }
    awaitCondition(
        () -> messageCount(admin, input) == 0,
        Duration.ofSeconds(30),
        () -> "input of " + kind + " emptied, " + messageCount(admin, input) + " left");
    long[] arrivedAndDuplicates = collectOutput(admin, count);
    return new MaxResult(
        round,
        kind,
        count,
        seconds,
        count - steadyFrom,
        used.wallNanos() / 1e9,
        relay.relayMicros,
        used,
        arrivedAndDuplicates[0],
        arrivedAndDuplicates[1],
        relay.failureCount(),
        relay.ackFrames());
  }

  /** Publishes {@code count} messages to the input, persistent, with confirms. */
  private void preload(Channel admin, int count)
      throws IOException, InterruptedException, TimeoutException {
    admin.confirmSelect();
    AMQP.BasicProperties persistent = new AMQP.BasicProperties.Builder().deliveryMode(2).build();
    for (int seq = 0; seq < count; seq++) {
      admin.basicPublish("", input, persistent, messages.body(seq, 0));
      if (seq % 2000 == 1999) {
        admin.waitForConfirmsOrDie(60_000);
      }
    }
    admin.waitForConfirmsOrDie(60_000);
  }

  /**
   * Empties the output: with {@code bench.verify} by draining it and checking every sequence number
   * once, otherwise by purging it after checking its count; returns arrived and duplicates.
   */
  private long[] collectOutput(Channel admin, int count) throws Exception {
    if (!config.verify()) {
      long arrived = messageCount(admin, output);
      admin.queuePurge(output);
      return new long[] {arrived, Math.max(0, arrived - count)};
    }
    BitSet seen = new BitSet(count);
    AtomicLong arrived = new AtomicLong();
    AtomicLong duplicates = new AtomicLong();
    Channel drain = admin.getConnection().createChannel();
    try {
      drain.basicQos(1000);
      drain.basicConsume(
          output,
          true,
          new DefaultConsumer(drain) {
            @Override
            public void handleDelivery(
                String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
              int seq = (int) BenchMessages.seqOf(body);
              synchronized (seen) {
                if (seq >= 0 && seen.get(seq)) {
                  duplicates.incrementAndGet();
                } else if (seq >= 0) {
                  seen.set(seq);
                }
              }
              arrived.incrementAndGet();
            }
          });
      awaitCondition(
          () -> {
            synchronized (seen) {
              return seen.cardinality() >= count;
            }
          },
          Duration.ofSeconds(60 + count / 1000),
          () -> "every message read back from the output, have " + arrived.get());
      awaitCondition(
          () -> messageCount(admin, output) == 0, Duration.ofSeconds(30), () -> "output drained");
    } finally {
      drain.close();
    }
    return new long[] {arrived.get(), duplicates.get()};
  }

  private RateResult runRate(String kind, double offered) throws Exception {
    Relay relay = relay(kind);
    try {
      return runRate(relay, offered, adminChannel().getConnection());
    } catch (Exception failure) {
      relay.abort();
      throw failure;
    }
  }

  private RateResult runRate(Relay relay, double offered, Connection admin) throws Exception {
    String kind = relay.name();
    relay.start();
    Histogram endToEnd = new ConcurrentHistogram(3);
    AtomicLong arrived = new AtomicLong();
    long warmupNanos = config.warmupSeconds() * 1_000_000_000L;
    long loadStart = System.nanoTime() + 100_000_000L;
    long measureFrom = loadStart + warmupNanos;
    long loadEnd = measureFrom + config.durationSeconds() * 1_000_000_000L;
    Channel sink = admin.createChannel();
    sink.basicConsume(
        output,
        true,
        new DefaultConsumer(sink) {
          @Override
          public void handleDelivery(
              String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
            long now = System.nanoTime();
            long sent = BenchMessages.sentNanosOf(body);
            if (sent >= measureFrom) {
              endToEnd.recordValue((now - sent) / 1000);
            }
            arrived.incrementAndGet();
          }
        });
    AtomicLong nacks = new AtomicLong();
    long published;
    CpuMeter.Usage used;
    List<HeapMeter.AfterGc> heap;
    try (Connection load = factory.newConnection("relay-bench load");
        HeapMeter heapMeter = new HeapMeter()) {
      Channel publisher = load.createChannel();
      publisher.confirmSelect();
      publisher.addConfirmListener(
          (seq, multiple) -> {}, (seq, multiple) -> nacks.incrementAndGet());
      AMQP.BasicProperties persistent = new AMQP.BasicProperties.Builder().deliveryMode(2).build();
      java.util.concurrent.ScheduledExecutorService collector = null;
      if (config.heapGc()) {
        collector =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                runnable -> {
                  Thread thread = new Thread(runnable, "bench-heap-gc");
                  thread.setDaemon(true);
                  return thread;
                });
        long interval = config.heapIntervalSeconds() * 1000L;
        collector.scheduleAtFixedRate(
            System::gc,
            (measureFrom - System.nanoTime()) / 1_000_000 + interval,
            interval,
            java.util.concurrent.TimeUnit.MILLISECONDS);
      }
      double periodNanos = 1e9 / offered;
      CpuMeter.Sample before = null;
      long measureStartedAt = 0;
      long seq = 0;
      while (true) {
        long due = loadStart + (long) (seq * periodNanos);
        if (due >= loadEnd) {
          break;
        }
        long now = System.nanoTime();
        while (now < due) {
          LockSupport.parkNanos(due - now);
          now = System.nanoTime();
        }
        if (before == null && now >= measureFrom) {
          relay.relayMicros.reset();
          before = cpu.sample();
          measureStartedAt = seq;
        }
        publisher.basicPublish("", input, persistent, messages.body((int) seq, System.nanoTime()));
        seq++;
      }
      published = seq;
      used = cpu.since(before);
      if (collector != null) {
        collector.shutdownNow();
      }
      long measured = published - measureStartedAt;
      awaitCondition(
          () -> arrived.get() >= published,
          Duration.ofSeconds(60),
          () -> "all " + published + " offered messages arrived, have " + arrived.get());
      publisher.waitForConfirmsOrDie(30_000);
      heap =
          heapMeter.samples().stream()
              .filter(s -> s.uptimeMillis() >= uptimeAt(measureFrom))
              .toList();
      relay.stop();
      sink.close();
      return new RateResult(
          kind,
          offered,
          measured / (used.wallNanos() / 1e9),
          published,
          arrived.get(),
          endToEnd,
          relay.relayMicros,
          used,
          heap,
          relay.failureCount() + nacks.get());
    }
  }

  private static long uptimeAt(long nanoTime) {
    long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
    return uptime - (System.nanoTime() - nanoTime) / 1_000_000;
  }

  private static long messageCount(Channel admin, String queue) {
    try {
      return admin.queueDeclarePassive(queue).getMessageCount();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the count of " + queue, e);
    }
  }

  private static void awaitCondition(
      BooleanSupplier condition, Duration timeout, java.util.function.Supplier<String> what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "timed out after " + timeout + " waiting for: " + what.get());
      }
      LockSupport.parkNanos(1_000_000);
    }
  }

  static String describe(MaxResult r) {
    Histogram h = r.relayMicros();
    return String.format(
        Locale.ROOT,
        "MAX round %d %-8s %d msgs in %.1f s, steady %.0f msg/s | relay latency (consume->confirm) ms"
            + " p50 %.1f p90 %.1f p99 %.1f max %.1f | CPU broker JVM %.2f cores (%.0f us/msg),"
            + " RabbitMQ %.2f cores (%.0f us/msg) | arrived %d, duplicates %d, failures %d, ack frames %d"
            + " | threads: %s",
        r.round(),
        r.relay(),
        r.messages(),
        r.seconds(),
        r.rate(),
        h.getValueAtPercentile(50) / 1000.0,
        h.getValueAtPercentile(90) / 1000.0,
        h.getValueAtPercentile(99) / 1000.0,
        h.getMaxValue() / 1000.0,
        r.cpu().processCores(),
        r.cpu().processNanos() / 1000.0 / r.steadyMessages(),
        r.cpu().rabbitCores(),
        r.cpu().rabbitNanos() / 1000.0 / r.steadyMessages(),
        r.arrived(),
        r.duplicates(),
        r.failures(),
        r.ackFrames(),
        String.join(", ", r.cpu().topThreads()));
  }

  static String describe(RateResult r, int heapIntervalSeconds) {
    Histogram e = r.endToEndMicros();
    Histogram h = r.relayMicros();
    StringBuilder heap = new StringBuilder();
    if (!r.heap().isEmpty()) {
      long first = r.heap().get(0).uptimeMillis();
      long intervalEnd = first + heapIntervalSeconds * 1000L;
      long low = Long.MAX_VALUE;
      long high = 0;
      for (HeapMeter.AfterGc gc : r.heap()) {
        while (gc.uptimeMillis() >= intervalEnd) {
          heap.append(heapRange(low, high));
          low = Long.MAX_VALUE;
          high = 0;
          intervalEnd += heapIntervalSeconds * 1000L;
        }
        low = Math.min(low, gc.usedBytes());
        high = Math.max(high, gc.usedBytes());
      }
      heap.append(heapRange(low, high));
    }
    return String.format(
        Locale.ROOT,
        "RATE %-8s offered %.0f msg/s, achieved %.0f msg/s, %d published, %d arrived, failures %d"
            + " | end-to-end ms p50 %.1f p90 %.1f p99 %.1f p99.9 %.1f max %.1f"
            + " | relay (consume->confirm) ms p50 %.1f p99 %.1f max %.1f"
            + " | CPU JVM (broker + load + sink) %.2f cores, RabbitMQ %.2f cores"
            + " | heap after GC, min-max per %d s (MiB):%s (%d GCs) | threads: %s",
        r.relay(),
        r.offered(),
        r.achieved(),
        r.published(),
        r.arrived(),
        r.failures(),
        e.getValueAtPercentile(50) / 1000.0,
        e.getValueAtPercentile(90) / 1000.0,
        e.getValueAtPercentile(99) / 1000.0,
        e.getValueAtPercentile(99.9) / 1000.0,
        e.getMaxValue() / 1000.0,
        h.getValueAtPercentile(50) / 1000.0,
        h.getValueAtPercentile(99) / 1000.0,
        h.getMaxValue() / 1000.0,
        r.cpu().processCores(),
        r.cpu().rabbitCores(),
        heapIntervalSeconds,
        heap,
        r.heap().size(),
        String.join(", ", r.cpu().topThreads()));
  }

  private static String heapRange(long low, long high) {
    return low == Long.MAX_VALUE
        ? " -"
        : String.format(Locale.ROOT, " %.1f-%.1f", low / 1048576.0, high / 1048576.0);
  }

  static void print(Report report) {
    List<MaxResult> max = report.max();
    if (!max.isEmpty()) {
      System.out.println();
      System.out.println(
          "| round | relay | msg/s | relay p50 / p99 ms | JVM CPU us/msg | RabbitMQ CPU us/msg |");
      System.out.println("|---|---|---|---|---|---|");
      for (MaxResult r : max) {
        System.out.printf(
            Locale.ROOT,
            "| %d | %s | %.0f | %.1f / %.1f | %.0f | %.0f |%n",
            r.round(),
            r.relay(),
            r.rate(),
            r.relayMicros().getValueAtPercentile(50) / 1000.0,
            r.relayMicros().getValueAtPercentile(99) / 1000.0,
            r.cpu().processNanos() / 1000.0 / r.steadyMessages(),
            r.cpu().rabbitNanos() / 1000.0 / r.steadyMessages());
      }
      for (String relay : BenchConfig.RELAYS) {
        List<Double> ratios = report.pairedRatios(relay);
        if (relay.equals("baseline") || ratios.isEmpty()) {
          continue;
        }
        List<Double> sorted = ratios.stream().sorted().toList();
        System.out.printf(
            Locale.ROOT,
            "RATIO %s / baseline: mean rate / mean rate %.2f; per round (vs the mean of the"
                + " nearest baseline round on each side) median %.2f, min %.2f, max %.2f: %s%n",
            relay,
            report.meanRate(relay) / report.meanRate("baseline"),
            sorted.get(sorted.size() / 2),
            sorted.get(0),
            sorted.get(sorted.size() - 1),
            ratios.stream()
                .map(r -> String.format(Locale.ROOT, "%.2f", r))
                .collect(java.util.stream.Collectors.joining(" ")));
      }
    }
  }
}
