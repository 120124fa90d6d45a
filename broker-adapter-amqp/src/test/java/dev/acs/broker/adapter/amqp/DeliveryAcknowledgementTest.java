package dev.acs.broker.adapter.amqp;

import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import com.rabbitmq.client.Channel;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeliveryAcknowledgementTest {

  private final Channel channel = mock(Channel.class);
  private final AtomicLong currentGeneration = new AtomicLong(1);
  private final ConsumerSession session = new ConsumerSession(channel, 1, currentGeneration::get);

  @Test
  void ack_onTheLiveGeneration_acksThatTagOnly() throws Exception {
    when(channel.isOpen()).thenReturn(true);

    new DeliveryAcknowledgement(session, 42).ack();

    verify(channel).basicAck(42, false);
  }

  @Test
  void requeue_onTheLiveGeneration_nacksWithRequeue() throws Exception {
    when(channel.isOpen()).thenReturn(true);

    new DeliveryAcknowledgement(session, 7).requeue();

    verify(channel).basicNack(7, false, true);
  }

  @Test
  void settling_twice_sendsOnce() throws Exception {
    when(channel.isOpen()).thenReturn(true);
    DeliveryAcknowledgement acknowledgement = new DeliveryAcknowledgement(session, 3);

    acknowledgement.ack();
    acknowledgement.requeue();
    acknowledgement.ack();

    verify(channel).isOpen();
    verify(channel).basicAck(3, false);
    org.mockito.Mockito.verifyNoMoreInteractions(channel);
  }

  @Test
  void ack_afterANewGeneration_isDropped() {
    when(channel.isOpen()).thenReturn(true);
    DeliveryAcknowledgement stale = new DeliveryAcknowledgement(session, 9);
    currentGeneration.set(2);

    stale.ack();
    new DeliveryAcknowledgement(session, 10).requeue();

    verifyNoInteractions(channel);
  }

  @Test
  void ack_afterTheSessionDied_isDropped() {
    DeliveryAcknowledgement stale = new DeliveryAcknowledgement(session, 9);
    session.markDead();

    stale.ack();

    verifyNoInteractions(channel);
  }

  @Test
  void ack_onAClosedChannel_doesNotThrow() throws Exception {
    when(channel.isOpen()).thenReturn(true);
    org.mockito.Mockito.doThrow(new java.io.IOException("socket closed"))
        .when(channel)
        .basicAck(5, false);

    new DeliveryAcknowledgement(session, 5).ack();

    verify(channel).basicAck(5, false);
  }
}
