package dev.acs.broker.adapter.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AddressOrderTest {

  private static final List<AmqpAddress> NODES =
      List.of(
          new AmqpAddress("127.0.0.1", 5701),
          new AmqpAddress("127.0.0.1", 5702),
          new AmqpAddress("127.0.0.1", 5703));

  @Test
  void next_isEveryAddressOnce_inAnOrderThatChangesFromConnectToConnect() {
    AddressOrder order = new AddressOrder(NODES, new Random(42));
    Set<List<AmqpAddress>> seen = new HashSet<>();
    Set<AmqpAddress> firsts = new HashSet<>();

    for (int connect = 0; connect < 200; connect++) {
      List<AmqpAddress> next = order.next();
      assertThat(next).containsExactlyInAnyOrderElementsOf(NODES);
      seen.add(next);
      firsts.add(next.get(0));
    }

    assertThat(seen).as("all 3! orders occur").hasSize(6);
    assertThat(firsts).as("every node is somebody's first choice").hasSize(3);
  }

  @Test
  void next_isDeterministicForASeed() {
    AddressOrder one = new AddressOrder(NODES, new Random(7));
    AddressOrder other = new AddressOrder(NODES, new Random(7));

    for (int connect = 0; connect < 20; connect++) {
      assertThat(one.next()).isEqualTo(other.next());
    }
  }

  @Test
  void next_ofOneAddress_isThatAddress() {
    AddressOrder order = new AddressOrder(NODES.subList(0, 1), new Random(1));

    assertThat(order.next()).containsExactly(NODES.get(0));
  }
}
