package dev.acs.broker.adapter.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.util.List;

/**
 * The broker's three queues on a fresh channel: declared durable with the configured {@link
 * QueueType}, or, with {@code declareQueues} off, only checked passively so that a topology
 * provisioned by operators is used as it is.
 */
final class QueueTopology {

  private QueueTopology() {}

  /** Declares or checks the input, output and dead-letter queues, in that order. */
  static void apply(Channel channel, AmqpSettings settings) throws IOException {
    for (String queue :
        List.of(settings.inputQueue(), settings.outputQueue(), settings.deadLetterQueue())) {
      if (settings.declareQueues()) {
        channel.queueDeclare(queue, true, false, false, settings.queueType().declareArguments());
      } else {
        try {
          channel.queueDeclarePassive(queue);
        } catch (IOException failure) {
          if (AmqpFailures.replyCode(failure) == AMQP.NOT_FOUND) {
            throw new MissingQueueException(queue, failure);
          }
          throw failure;
        }
      }
    }
  }

  /** A queue that a passive check did not find (the channel is closed by it). */
  static final class MissingQueueException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String queue;

    MissingQueueException(String queue, IOException cause) {
      super("queue '" + queue + "' does not exist", cause);
      this.queue = queue;
    }

    String queue() {
      return queue;
    }
  }
}
