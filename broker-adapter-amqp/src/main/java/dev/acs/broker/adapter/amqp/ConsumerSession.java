package dev.acs.broker.adapter.amqp;

import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One incarnation (generation) of the consuming channel and its unsettled deliveries.
 *
 * <p>Delivery tags are only meaningful on the channel that issued them, so settling a delivery of a
 * dead generation does nothing: the server redelivers it anyway, and acking its tag on a new
 * channel would settle a different message or close the channel with PRECONDITION_FAILED.
 *
 * <p>Acks are coalesced: a tag is acknowledged with {@code multiple=true} once every earlier
 * delivery is settled, so in-order completions (the usual case, since confirms arrive in publish
 * order) cost one frame per batch. Requeues go out at once, one by one. The cumulative ack always
 * names a tag that was acked, never a requeued one (RabbitMQ rejects an unknown tag even with
 * {@code multiple}).
 */
final class ConsumerSession {

  private static final Logger LOG = LoggerFactory.getLogger(ConsumerSession.class);

  private static final byte UNSETTLED = 0;
  private static final byte ACKED = 1;
  private static final byte REQUEUED = 2;

  private final Channel channel;
  private final long generation;
  private final LongSupplier currentGeneration;
  private volatile boolean alive = true;

  // Guarded by this: states of tags base..highest, in a ring indexed by tag & mask.
  private byte[] states;
  private long base = 1;
  private long highest;
  private long sentUpTo; // highest tag covered by a sent cumulative ack

  ConsumerSession(Channel channel, long generation, LongSupplier currentGeneration) {
    this.channel = channel;
    this.generation = generation;
    this.currentGeneration = currentGeneration;
    this.states = new byte[256];
  }

  Channel channel() {
    return channel;
  }

  long generation() {
    return generation;
  }

  void markDead() {
    alive = false;
  }

  boolean isAlive() {
    return alive && currentGeneration.getAsLong() == generation && channel.isOpen();
  }

  /** Records a delivery before it is handed out; tags arrive in ascending order. */
  synchronized void delivered(long tag) {
    if (highest == 0) {
      base = tag;
    }
    while (tag - base >= states.length) {
      grow();
    }
    for (long gap = Math.max(highest + 1, base); gap < tag; gap++) {
      states[index(gap)] = REQUEUED; // never seen here: never named in an ack
    }
    states[index(tag)] = UNSETTLED;
    highest = Math.max(highest, tag);
  }

  void ack(long deliveryTag) {
    if (!isAlive()) {
      LOG.debug(
          "dropping ack of delivery {} from dead channel generation {}", deliveryTag, generation);
      return;
    }
    synchronized (this) {
      if (!settle(deliveryTag, ACKED)) {
        if (deliveryTag > highest) {
          sendSingleAck(deliveryTag); // not announced through delivered(): ack it on its own
        }
        return;
      }
    }
    if (!AckBatch.defer(this)) {
      flush();
    }
  }

  void requeue(long deliveryTag) {
    if (!isAlive()) {
      LOG.debug(
          "dropping requeue of delivery {} from dead channel generation {}",
          deliveryTag,
          generation);
      return;
    }
    synchronized (this) {
      settle(deliveryTag, REQUEUED);
      try {
        channel.basicNack(deliveryTag, false, true);
      } catch (IOException | AlreadyClosedException lost) {
        LOG.debug("requeue of delivery {} lost with its channel: {}", deliveryTag, lost.toString());
      }
    }
    flush();
  }

  /** Sends one cumulative ack for the newly settled prefix, if it contains an ack. */
  synchronized void flush() {
    long target = 0;
    while (base <= highest && states[index(base)] != UNSETTLED) {
      if (states[index(base)] == ACKED) {
        target = base;
      }
      base++;
    }
    if (target > sentUpTo) {
      long tag = target;
      sentUpTo = tag;
      if (!isAlive()) {
        return;
      }
      try {
        channel.basicAck(tag, true);
      } catch (IOException | AlreadyClosedException lost) {
        LOG.debug("ack up to delivery {} lost with its channel: {}", tag, lost.toString());
      }
    }
  }

  /** Marks a tag; false when it is not tracked here (then it is acked on its own). */
  private boolean settle(long tag, byte state) {
    if (tag < base || tag > highest || states[index(tag)] != UNSETTLED) {
      return false;
    }
    states[index(tag)] = state;
    return true;
  }

  private void sendSingleAck(long tag) {
    try {
      channel.basicAck(tag, false);
    } catch (IOException | AlreadyClosedException lost) {
      LOG.debug("ack of delivery {} lost with its channel: {}", tag, lost.toString());
    }
  }

  private int index(long tag) {
    return (int) (tag & (states.length - 1));
  }

  private void grow() {
    byte[] bigger = new byte[states.length * 2];
    for (long tag = base; tag <= highest; tag++) {
      bigger[(int) (tag & (bigger.length - 1))] = states[index(tag)];
    }
    states = bigger;
  }
}
