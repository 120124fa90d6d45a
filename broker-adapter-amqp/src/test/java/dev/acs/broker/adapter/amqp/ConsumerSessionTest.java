package dev.acs.broker.adapter.amqp;

import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.rabbitmq.client.Channel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

class ConsumerSessionTest {

  private final Channel channel = mock(Channel.class);
  private final ConsumerSession session = new ConsumerSession(channel, 1, () -> 1);

  @BeforeEach
  void deliverFive() {
    when(channel.isOpen()).thenReturn(true);
    for (long tag = 1; tag <= 5; tag++) {
      session.delivered(tag);
    }
  }

  @Test
  void ack_outOfOrder_waitsForTheEarlierDeliveriesThenAcksCumulatively() throws Exception {
    session.ack(2);
    verify(channel, never())
        .basicAck(
            org.mockito.ArgumentMatchers.anyLong(), org.mockito.ArgumentMatchers.anyBoolean());

    session.ack(1);

    verify(channel).basicAck(2, true);
  }

  @Test
  void requeue_goesOutAtOnce_andIsNeverNamedInACumulativeAck() throws Exception {
    InOrder order = inOrder(channel);
    session.ack(1);
    session.ack(2);
    session.requeue(3);
    session.ack(5);
    session.ack(4);

    order.verify(channel).basicAck(1, true);
    order.verify(channel).basicAck(2, true);
    order.verify(channel).basicNack(3, false, true);
    order.verify(channel).basicAck(5, true);
    order.verifyNoMoreInteractions();
  }

  @Test
  void requeueAtTheEnd_cumulativeAckNamesTheLastAckedTag() throws Exception {
    session.ack(1);
    session.ack(2);
    session.ack(3);
    session.ack(4);
    session.requeue(5);

    verify(channel).basicNack(5, false, true);
    verify(channel, never()).basicAck(5, true);
  }

  @Test
  void acksInsideABatch_goOutAsOneFrame() throws Exception {
    AckBatch.run(
        () -> {
          for (long tag = 1; tag <= 4; tag++) {
            session.ack(tag);
          }
        });

    verify(channel).basicAck(4, true);
    verify(channel, never()).basicAck(1, true);
    verify(channel, never()).basicAck(3, true);
  }

  @Test
  void manyDeliveriesBeyondTheInitialRing_areTracked() throws Exception {
    for (long tag = 6; tag <= 2_000; tag++) {
      session.delivered(tag);
    }
    for (long tag = 2_000; tag >= 2; tag--) {
      session.ack(tag);
    }
    verify(channel, never())
        .basicAck(
            org.mockito.ArgumentMatchers.anyLong(), org.mockito.ArgumentMatchers.anyBoolean());

    session.ack(1);

    verify(channel).basicAck(2_000, true);
  }
}
