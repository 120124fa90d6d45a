package dev.acs.broker.adapter.amqp;

import dev.acs.broker.core.message.PublishException;
import dev.acs.broker.core.message.PublishFailure;
import java.util.Arrays;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The publisher-confirm bookkeeping of one channel: publish sequence number to the future that
 * settles when the server confirms, refuses or returns that publish. Pure logic, no I/O.
 *
 * <p>One tracker belongs to one channel incarnation: sequence numbers restart at 1 on a new
 * channel, so a lost channel {@link #failAll fails} its tracker for good and the publisher starts a
 * fresh one. {@link #register} runs under the publisher's lock; the other methods run on the
 * connection's thread; {@link #failAll} may race with {@link #register} and no future is left
 * hanging either way.
 */
final class ConfirmTracker {

  /** Raised into a future whose publish the server refused, returned, or lost. */
  static final class PublishFailedException extends PublishException {
    private static final long serialVersionUID = 1L;

    PublishFailedException(String message) {
      super(new PublishFailure.TransportFailure(message));
    }
  }

  /** Hears settled publishes, for metrics. */
  interface Observer {
    void confirmed(long latencyNanos);

    void failed(String reason);
  }

  private static final class Pending {
    final CompletableFuture<Void> future = new CompletableFuture<>();
    final long sentAt;
    final String queue;
    final byte[] body;
    volatile @Nullable String returnedBecause;

    Pending(long sentAt, String queue, byte[] body) {
      this.sentAt = sentAt;
      this.queue = queue;
      this.body = body;
    }
  }

  private static final byte[] NO_BODY = new byte[0];

  private final ConcurrentNavigableMap<Long, Pending> outstanding = new ConcurrentSkipListMap<>();
  private final LongSupplier nanoClock;
  private final Observer observer;
  private volatile @Nullable String failedBecause;

  ConfirmTracker(LongSupplier nanoClock, Observer observer) {
    this.nanoClock = nanoClock;
    this.observer = observer;
  }

  /** Tracks publish {@code seqNo} of an empty body to no queue; for tests. */
  CompletableFuture<Void> register(long seqNo) {
    return register(seqNo, "", NO_BODY);
  }

  /**
   * Tracks publish {@code seqNo} of {@code body} to {@code queue}; call just before sending it. The
   * body is kept (not copied) until the confirm, to recognise the publish in a basic.return.
   */
  CompletableFuture<Void> register(long seqNo, String queue, byte[] body) {
    Pending pending = new Pending(nanoClock.getAsLong(), queue, body);
    outstanding.put(seqNo, pending);
    String failure = failedBecause;
    if (failure != null && outstanding.remove(seqNo, pending)) {
      fail(pending, failure);
    }
    return pending.future;
  }

  /** The send of {@code seqNo} failed locally: fail its future. */
  void sendFailed(long seqNo, String reason) {
    Pending pending = outstanding.remove(seqNo);
    if (pending != null) {
      fail(pending, reason);
    }
  }

  /**
   * The send of {@code seqNo} failed because of the message itself: fail its future as {@link
   * PublishFailure.Unpublishable}, which is no transport failure and not counted as one.
   */
  void unpublishable(long seqNo, String reason) {
    Pending pending = outstanding.remove(seqNo);
    if (pending != null) {
      pending.future.completeExceptionally(
          new PublishException(new PublishFailure.Unpublishable(reason)));
    }
  }

  /**
   * The server returned a publish of {@code body} to {@code queue} as unroutable: the confirm that
   * follows fails every outstanding publish of an equal body to that queue rather than completing
   * it.
   *
   * <p>A basic.return carries no sequence number, and tagging every publish with one in a header
   * costs the server measurable work per message (docs/performance.md). Matching by content is
   * exact unless two equal bodies to the same queue are unconfirmed at once and only one of them
   * was unroutable; then both fail, and their inputs are redelivered: a duplicate, never a loss.
   */
  void returned(String queue, byte[] body, String reason) {
    for (Pending pending : outstanding.values()) {
      if (pending.queue.equals(queue) && Arrays.equals(pending.body, body)) {
        pending.returnedBecause = reason;
      }
    }
  }

  /** basic.ack: completes {@code seqNo} (and every earlier one when {@code multiple}). */
  void ack(long seqNo, boolean multiple) {
    long now = nanoClock.getAsLong();
    for (Pending pending : take(seqNo, multiple)) {
      String returned = pending.returnedBecause;
      if (returned == null) {
        observer.confirmed(now - pending.sentAt);
        pending.future.complete(null);
      } else {
        fail(pending, returned);
      }
    }
  }

  /** basic.nack: fails {@code seqNo} (and every earlier one when {@code multiple}). */
  void nack(long seqNo, boolean multiple) {
    for (Pending pending : take(seqNo, multiple)) {
      fail(pending, "the server refused the message (basic.nack)");
    }
  }

  /**
   * The channel is gone: fails every outstanding publish and every later {@link #register}. The
   * confirms for them will never come.
   */
  void failAll(String reason) {
    failedBecause = reason;
    for (Map.Entry<Long, Pending> entry : outstanding.entrySet()) {
      if (outstanding.remove(entry.getKey(), entry.getValue())) {
        fail(entry.getValue(), reason);
      }
    }
  }

  /** How many publishes await their confirm. */
  int outstanding() {
    return outstanding.size();
  }

  private Iterable<Pending> take(long seqNo, boolean multiple) {
    if (!multiple) {
      Pending pending = outstanding.remove(seqNo);
      return pending == null ? java.util.List.of() : java.util.List.of(pending);
    }
    NavigableMap<Long, Pending> head = outstanding.headMap(seqNo, true);
    java.util.List<Pending> taken = new java.util.ArrayList<>(head.size());
    for (Map.Entry<Long, Pending> entry : head.entrySet()) {
      if (outstanding.remove(entry.getKey(), entry.getValue())) {
        taken.add(entry.getValue());
      }
    }
    return taken;
  }

  private void fail(Pending pending, String reason) {
    observer.failed(reason);
    pending.future.completeExceptionally(new PublishFailedException(reason));
  }
}
