package dev.acs.broker.adapter.amqp;

import dev.acs.broker.core.port.Acknowledgement;
import java.util.concurrent.atomic.AtomicBoolean;

/** Settles one delivery once, on the channel generation that delivered it. */
final class DeliveryAcknowledgement implements Acknowledgement {

  private final ConsumerSession session;
  private final long deliveryTag;
  private final AtomicBoolean settled = new AtomicBoolean();

  DeliveryAcknowledgement(ConsumerSession session, long deliveryTag) {
    this.session = session;
    this.deliveryTag = deliveryTag;
  }

  @Override
  public void ack() {
    if (settled.compareAndSet(false, true)) {
      session.ack(deliveryTag);
    }
  }

  @Override
  public void requeue() {
    if (settled.compareAndSet(false, true)) {
      session.requeue(deliveryTag);
    }
  }
}
