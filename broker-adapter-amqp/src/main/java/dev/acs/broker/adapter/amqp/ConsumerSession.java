package dev.acs.broker.adapter.amqp;

import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One incarnation (generation) of the consuming channel. Delivery tags are only meaningful on the
 * channel that issued them, so settling a delivery of a dead generation does nothing: the server
 * redelivers it anyway, and acking its tag on a new channel would settle a different message or
 * close the channel with PRECONDITION_FAILED.
 */
final class ConsumerSession {

  private static final Logger LOG = LoggerFactory.getLogger(ConsumerSession.class);

  private final Channel channel;
  private final long generation;
  private final LongSupplier currentGeneration;
  private volatile boolean alive = true;

  ConsumerSession(Channel channel, long generation, LongSupplier currentGeneration) {
    this.channel = channel;
    this.generation = generation;
    this.currentGeneration = currentGeneration;
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

  void ack(long deliveryTag) {
    if (!isAlive()) {
      LOG.debug(
          "dropping ack of delivery {} from dead channel generation {}", deliveryTag, generation);
      return;
    }
    try {
      channel.basicAck(deliveryTag, false);
    } catch (IOException | AlreadyClosedException lost) {
      LOG.debug("ack of delivery {} lost with its channel: {}", deliveryTag, lost.toString());
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
    try {
      channel.basicNack(deliveryTag, false, true);
    } catch (IOException | AlreadyClosedException lost) {
      LOG.debug("requeue of delivery {} lost with its channel: {}", deliveryTag, lost.toString());
    }
  }
}
