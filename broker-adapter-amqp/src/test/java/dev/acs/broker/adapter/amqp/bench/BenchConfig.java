package dev.acs.broker.adapter.amqp.bench;

import java.util.List;

/**
 * What one benchmark run does, read from system properties ({@code -Dbench.*}); every value has a
 * default so a bare run works against a local RabbitMQ.
 *
 * @param host RabbitMQ host ({@code bench.host}, default 127.0.0.1)
 * @param port RabbitMQ port ({@code bench.port}, default 5672)
 * @param username user ({@code bench.user}, default guest)
 * @param password password ({@code bench.password}, default guest)
 * @param virtualHost vhost ({@code bench.vhost}, default /)
 * @param mode {@code max} (drain a backlog), {@code rate} (fixed offered rate) or {@code both}
 * @param messages backlog size of one max-mode round ({@code bench.messages}, default 200,000)
 * @param warmupMessages backlog of one unreported warm-up round per relay kind before the measured
 *     rounds, so the JIT has compiled both relays ({@code bench.warmupMessages}, default 20,000; 0
 *     for none)
 * @param prefetch consumer prefetch of both relays ({@code bench.prefetch}, default 250)
 * @param agents stand-in agents in the registry snapshot ({@code bench.agents}, default 10)
 * @param policy routing policy name ({@code bench.policy}, default sticky)
 * @param order the relays of max mode, in run order ({@code bench.order}, default
 *     baseline,broker,broker-routed-by,baseline): {@code broker} is the pipeline with its default
 *     (full) decision headers, {@code broker-routed-by} with only {@code x-routed-by}, {@code
 *     broker-bare} with no decision headers and no AMQP message id ({@code DecisionHeaders.NONE},
 *     {@code publishMessageId=false}), {@code baseline} the zero-logic relay, {@code
 *     baseline-headers} the zero-logic relay publishing the broker's message id and full headers
 * @param rate offered rate of rate mode in msg/s; 0 means {@code rateFraction} of the broker's max
 *     rate measured in this run ({@code bench.rate})
 * @param rateFraction see {@code rate} ({@code bench.rateFraction}, default 0.5)
 * @param rateRelays the relays of rate mode ({@code bench.rateRelays}, default broker,baseline)
 * @param durationSeconds how long rate mode offers load per relay ({@code bench.duration}, default
 *     30)
 * @param warmupSeconds the first seconds of rate mode not counted ({@code bench.warmup}, default 5)
 * @param heapIntervalSeconds how often rate mode reports the heap after GC ({@code
 *     bench.heapInterval}, default 10)
 * @param heapGc force a full GC ({@code System.gc()}) every heap interval of rate mode, so the heap
 *     after it is the live set ({@code bench.heapGc}, default false: it pauses the relay)
 * @param verify check every message by its sequence number (draining the output) rather than by
 *     queue counts ({@code bench.verify}, default false)
 * @param queueType the type of the run's queues, {@code classic} or {@code quorum} ({@code
 *     bench.queueType}, default classic): quorum to measure a cluster with replicated queues
 */
record BenchConfig(
    String host,
    int port,
    String username,
    String password,
    String virtualHost,
    String mode,
    int messages,
    int warmupMessages,
    int prefetch,
    int agents,
    String policy,
    List<String> order,
    double rate,
    double rateFraction,
    List<String> rateRelays,
    int durationSeconds,
    int warmupSeconds,
    int heapIntervalSeconds,
    boolean heapGc,
    boolean verify,
    String queueType) {

  /** The relays a run can compare. */
  static final List<String> RELAYS =
      List.of("broker", "broker-routed-by", "broker-bare", "baseline", "baseline-headers");

  BenchConfig {
    if (!List.of("max", "rate", "both").contains(mode)) {
      throw new IllegalArgumentException("bench.mode must be max, rate or both, was " + mode);
    }
    for (String relay : order) {
      checkRelay(relay);
    }
    for (String relay : rateRelays) {
      checkRelay(relay);
    }
    if (messages < 1 || prefetch < 1 || agents < 1 || durationSeconds < 1) {
      throw new IllegalArgumentException(
          "bench.messages, bench.prefetch, bench.agents and bench.duration must be positive");
    }
  }

  /** The settings for the log, without the password. */
  String withoutPassword() {
    return toString().replace("password=" + password, "password=***");
  }

  private static void checkRelay(String relay) {
    if (!RELAYS.contains(relay)) {
      throw new IllegalArgumentException(
          "relays are " + String.join(", ", RELAYS) + "; was '" + relay + "'");
    }
  }

  static BenchConfig fromSystemProperties() {
    return new BenchConfig(
        text("bench.host", "127.0.0.1"),
        Integer.parseInt(text("bench.port", "5672")),
        text("bench.user", "guest"),
        text("bench.password", "guest"),
        text("bench.vhost", "/"),
        text("bench.mode", "both"),
        Integer.parseInt(text("bench.messages", "200000")),
        Integer.parseInt(text("bench.warmupMessages", "20000")),
        Integer.parseInt(text("bench.prefetch", "250")),
        Integer.parseInt(text("bench.agents", "10")),
        text("bench.policy", "sticky"),
        List.of(text("bench.order", "baseline,broker,broker-routed-by,baseline").split(",")),
        Double.parseDouble(text("bench.rate", "0")),
        Double.parseDouble(text("bench.rateFraction", "0.5")),
        List.of(text("bench.rateRelays", "broker,baseline").split(",")),
        Integer.parseInt(text("bench.duration", "30")),
        Integer.parseInt(text("bench.warmup", "5")),
        Integer.parseInt(text("bench.heapInterval", "10")),
        Boolean.parseBoolean(text("bench.heapGc", "false")),
        Boolean.parseBoolean(text("bench.verify", "false")),
        text("bench.queueType", "classic"));
  }

  private static String text(String name, String fallback) {
    String value = System.getProperty(name);
    return value == null || value.isBlank() ? fallback : value.trim();
  }
}
