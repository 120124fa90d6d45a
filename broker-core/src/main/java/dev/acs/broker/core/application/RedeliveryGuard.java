package dev.acs.broker.core.application;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The last line of defence against a redelivery loop, whatever its cause: counts the deliveries of
 * each message and says when one has been delivered more often than {@code maxDeliveries}, so the
 * transport can set it aside instead of handling it again.
 *
 * <p>Where the queue counts deliveries itself (RabbitMQ quorum queues' {@code x-delivery-count}),
 * that count is used. Otherwise (classic queues) the guard remembers messages that came back (the
 * delivery's redelivered flag) by a hash of their body, in a memory bounded in size and in time: a
 * first delivery is never remembered, so the guard costs nothing while nothing loops. The memory
 * belongs to one broker process; several replicas each count their own deliveries.
 *
 * <p>Thread-safe; called on the delivery threads.
 */
public final class RedeliveryGuard {

  /** The default delivery limit. */
  public static final int DEFAULT_MAX_DELIVERIES = 5;

  /** How long a redelivered message is remembered after it was last seen, by default. */
  public static final Duration DEFAULT_MEMORY = Duration.ofMinutes(10);

  /** How many redelivered messages are remembered at most, by default. */
  public static final int DEFAULT_CAPACITY = 10_000;

  /**
   * What the guard says about one delivery.
   *
   * @param attempt which delivery of the message this is, counting from 1
   * @param allowed whether the message may be handled; {@code false} when it must be set aside
   */
  public record Verdict(int attempt, boolean allowed) {}

  private static final Verdict FIRST = new Verdict(1, true);

  private final int maxDeliveries;
  private final Clock clock;
  private final Duration memory;
  private final int capacity;
  // Access-ordered: the eldest entry is the one seen longest ago.
  private final LinkedHashMap<Key, Seen> seen = new LinkedHashMap<>(64, 0.75f, true);

  /** A guard with the default memory ({@link #DEFAULT_MEMORY}, {@link #DEFAULT_CAPACITY}). */
  public RedeliveryGuard(int maxDeliveries, Clock clock) {
    this(maxDeliveries, clock, DEFAULT_MEMORY, DEFAULT_CAPACITY);
  }

  /**
   * A guard.
   *
   * @param maxDeliveries how many deliveries of one message are handled at most (at least 1)
   * @param clock the clock the memory expires by
   * @param memory how long a redelivered message is remembered after it was last seen
   * @param capacity how many redelivered messages are remembered at most; the one seen longest ago
   *     is forgotten first
   */
  public RedeliveryGuard(int maxDeliveries, Clock clock, Duration memory, int capacity) {
    if (maxDeliveries < 1) {
      throw new IllegalArgumentException("max deliveries must be at least 1, was " + maxDeliveries);
    }
    if (memory.isNegative() || memory.isZero()) {
      throw new IllegalArgumentException("redelivery memory must be positive, was " + memory);
    }
    if (capacity < 1) {
      throw new IllegalArgumentException("redelivery capacity must be at least 1, was " + capacity);
    }
    this.maxDeliveries = maxDeliveries;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.memory = memory;
    this.capacity = capacity;
  }

  /** How many deliveries of one message are handled at most. */
  public int maxDeliveries() {
    return maxDeliveries;
  }

  /**
   * Counts one delivery and says whether it may be handled.
   *
   * @param body the message body, hashed only when the message came back
   * @param redelivered the transport's flag: the message was delivered before
   * @param previousDeliveries the queue's own count of earlier deliveries ({@code x-delivery-count}
   *     of a quorum queue), or {@code null} when the queue keeps none
   */
  public Verdict admit(byte[] body, boolean redelivered, @Nullable Long previousDeliveries) {
    if (previousDeliveries != null) {
      long attempt = Math.max(0, previousDeliveries) + 1;
      return verdict(attempt > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) attempt);
    }
    if (!redelivered) {
      return FIRST;
    }
    Key key = Key.of(body);
    Instant now = clock.instant();
    int attempt;
    synchronized (seen) {
      expire(now);
      Seen entry = seen.get(key);
      // A message that comes back without being remembered was delivered at least once before.
      attempt = entry == null ? 2 : entry.attempts + 1;
      seen.put(key, new Seen(attempt, now));
      if (seen.size() > capacity) {
        Iterator<Map.Entry<Key, Seen>> eldest = seen.entrySet().iterator();
        eldest.next();
        eldest.remove();
      }
    }
    return verdict(attempt);
  }

  /** Forgets a message once it is set aside, so its memory is free for others. */
  public void forget(byte[] body) {
    synchronized (seen) {
      if (!seen.isEmpty()) {
        seen.remove(Key.of(body));
      }
    }
  }

  /** How many messages are remembered now, for tests and health. */
  public int remembered() {
    synchronized (seen) {
      expire(clock.instant());
      return seen.size();
    }
  }

  private Verdict verdict(int attempt) {
    return new Verdict(attempt, attempt <= maxDeliveries);
  }

  /** Drops entries not seen within the memory; the map is in order of last access. */
  private void expire(Instant now) {
    Instant horizon = now.minus(memory);
    Iterator<Seen> oldestFirst = seen.values().iterator();
    while (oldestFirst.hasNext()) {
      if (oldestFirst.next().lastSeen.isAfter(horizon)) {
        return;
      }
      oldestFirst.remove();
    }
  }

  private record Seen(int attempts, Instant lastSeen) {}

  /** A SHA-256 of the body: equal bodies are the same message for the purpose of counting. */
  private record Key(long a, long b, long c, long d) {
    static Key of(byte[] body) {
      ByteBuffer digest;
      try {
        digest = ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(body));
      } catch (NoSuchAlgorithmException impossible) {
        throw new IllegalStateException("every JDK has SHA-256", impossible);
      }
      return new Key(digest.getLong(), digest.getLong(), digest.getLong(), digest.getLong());
    }
  }
}
