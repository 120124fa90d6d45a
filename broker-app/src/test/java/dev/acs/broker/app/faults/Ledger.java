package dev.acs.broker.app.faults;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The checker's memory, Jepsen style: every id the test tried to put into the input queue, every id
 * RabbitMQ confirmed there, and every id seen on the output and dead-letter queues, with counts.
 * Thread-safe: the load publisher and the collectors write concurrently.
 */
final class Ledger {

  private final Set<String> attempted = ConcurrentHashMap.newKeySet();
  private final Set<String> confirmed = ConcurrentHashMap.newKeySet();
  private final Map<String, Integer> delivered = new ConcurrentHashMap<>();
  private final Map<String, Integer> deadLettered = new ConcurrentHashMap<>();
  private final Map<String, String> deadLetterReasons = new ConcurrentHashMap<>();
  private final Map<String, String> receivers = new ConcurrentHashMap<>();
  private final Map<String, String> routedBy = new ConcurrentHashMap<>();
  private final AtomicLong deliveries = new AtomicLong();
  private final AtomicLong errorOutputs = new AtomicLong();
  private volatile long lastOutputNanos;

  /** The test is about to publish these ids (they may or may not reach the queue). */
  void attempted(Collection<String> ids) {
    attempted.addAll(ids);
  }

  /** RabbitMQ confirmed these ids into the input queue. */
  void confirmed(Collection<String> ids) {
    confirmed.addAll(ids);
  }

  /** An id arrived on the output queue, routed to {@code receiver} with {@code status}. */
  void delivered(String id, String receiver, String status) {
    delivered.merge(id, 1, Integer::sum);
    if (receiver != null) { // an ERROR forwarded unchanged may have none
      receivers.put(id, receiver);
    }
    if ("error".equals(status)) {
      errorOutputs.incrementAndGet();
    }
    deliveries.incrementAndGet();
    lastOutputNanos = System.nanoTime();
  }

  /** The output of the id carried {@code x-routed-by = broker} (which replica routed it). */
  void routedBy(String id, String broker) {
    routedBy.put(id, broker);
  }

  /** How many distinct ids starting with {@code prefix} each broker routed (last output wins). */
  Map<String, Integer> routedByOf(String prefix) {
    Map<String, Integer> counts = new java.util.TreeMap<>();
    routedBy.forEach(
        (id, broker) -> {
          if (id.startsWith(prefix)) {
            counts.merge(broker, 1, Integer::sum);
          }
        });
    return counts;
  }

  /** An id arrived on the dead-letter queue with {@code reason}. */
  void deadLettered(String id, String reason) {
    deadLettered.merge(id, 1, Integer::sum);
    deadLetterReasons.put(id, reason);
    lastOutputNanos = System.nanoTime();
  }

  int confirmedCount() {
    return confirmed.size();
  }

  /** Output deliveries so far, duplicates included. */
  long deliveries() {
    return deliveries.get();
  }

  /** {@link System#nanoTime()} of the last output or dead letter seen, 0 before any. */
  long lastOutputNanos() {
    return lastOutputNanos;
  }

  /** Whether every confirmed id has come out somewhere. */
  boolean allConfirmedSeen() {
    for (String id : confirmed) {
      if (!delivered.containsKey(id) && !deadLettered.containsKey(id)) {
        return false;
      }
    }
    return true;
  }

  /** The receiver the id was last routed to, or {@code null}. */
  String receiverOf(String id) {
    return receivers.get(id);
  }

  /** How many distinct ids starting with {@code prefix} went to each receiver. */
  Map<String, Integer> receiversOf(String prefix) {
    Map<String, Integer> counts = new java.util.TreeMap<>();
    receivers.forEach(
        (id, receiver) -> {
          if (id.startsWith(prefix)) {
            counts.merge(String.valueOf(receiver), 1, Integer::sum);
          }
        });
    return counts;
  }

  /** How often the id reached the dead-letter queue. */
  int deadLetterCount(String id) {
    return deadLettered.getOrDefault(id, 0);
  }

  /** The reason of the id's dead letter, or {@code null}. */
  String deadLetterReason(String id) {
    return deadLetterReasons.get(id);
  }

  /** How often the id reached the output queue. */
  int deliveryCount(String id) {
    return delivered.getOrDefault(id, 0);
  }

  /** The check, over everything recorded so far. */
  Verdict verdict() {
    Set<String> lost = new TreeSet<>();
    for (String id : confirmed) {
      if (!delivered.containsKey(id) && !deadLettered.containsKey(id)) {
        lost.add(id);
      }
    }
    Set<String> unexpected = new TreeSet<>();
    long duplicated = 0;
    Set<String> outputs = new TreeSet<>(delivered.keySet());
    outputs.addAll(deadLettered.keySet());
    for (String id : outputs) {
      if (!attempted.contains(id)) {
        unexpected.add(id);
      }
      int times = delivered.getOrDefault(id, 0) + deadLettered.getOrDefault(id, 0);
      duplicated += times - 1;
    }
    return new Verdict(
        attempted.size(),
        confirmed.size(),
        delivered.size(),
        lost.size(),
        duplicated,
        unexpected.size(),
        deadLettered.size(),
        errorOutputs.get(),
        first(lost),
        first(unexpected));
  }

  private static List<String> first(Set<String> ids) {
    List<String> some = new ArrayList<>();
    for (String id : ids) {
      if (some.size() == 10) {
        break;
      }
      some.add(id);
    }
    return some;
  }

  /**
   * The numbers of one check.
   *
   * @param attempted ids the test tried to publish
   * @param confirmed ids RabbitMQ confirmed into the input queue
   * @param delivered distinct ids seen on the output queue
   * @param lost confirmed ids seen neither on the output nor on the dead-letter queue
   * @param duplicated deliveries beyond the first of an id (output and dead-letter queue together)
   * @param unexpected ids seen on an output that the test never tried to publish
   * @param deadLettered distinct ids seen on the dead-letter queue
   * @param errorOutputs outputs with {@code routing_status = error} (the broker's no-agent answer)
   * @param lostExamples up to ten lost ids
   * @param unexpectedExamples up to ten unexpected ids
   */
  record Verdict(
      int attempted,
      int confirmed,
      int delivered,
      int lost,
      long duplicated,
      int unexpected,
      int deadLettered,
      long errorOutputs,
      List<String> lostExamples,
      List<String> unexpectedExamples) {}
}
