package dev.acs.broker.adapter.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class AmqpAddressTest {

  @Test
  void parseList_takesHostsWithAndWithoutPorts_inOrder() {
    assertThat(AmqpAddress.parseList(" rabbit-1:5673, rabbit-2 ,[::1]:5674,[fe80::1]", 5672))
        .containsExactly(
            new AmqpAddress("rabbit-1", 5673),
            new AmqpAddress("rabbit-2", 5672),
            new AmqpAddress("::1", 5674),
            new AmqpAddress("fe80::1", 5672));
  }

  @Test
  void toString_isWhatAnOperatorWrites() {
    assertThat(List.of(new AmqpAddress("rabbit-1", 5672), new AmqpAddress("::1", 5671)))
        .extracting(AmqpAddress::toString)
        .containsExactly("rabbit-1:5672", "[::1]:5671");
  }

  @Test
  void parseList_rejectsWhatIsNotAnAddressList_namingTheEntry() {
    assertThatThrownBy(() -> AmqpAddress.parseList("a:5672,,b", 5672))
        .hasMessageContaining("empty entry");
    assertThatThrownBy(() -> AmqpAddress.parseList("a:amqp", 5672))
        .hasMessageContaining("'a:amqp'")
        .hasMessageContaining("not a number");
    assertThatThrownBy(() -> AmqpAddress.parseList("a:70000", 5672))
        .hasMessageContaining("'a:70000'")
        .hasMessageContaining("1..65535");
    assertThatThrownBy(() -> AmqpAddress.parseList("::1", 5672))
        .hasMessageContaining("[address]:port");
    assertThatThrownBy(() -> AmqpAddress.parseList("a:1,a:1", 5672)).hasMessageContaining("twice");
    assertThatThrownBy(() -> AmqpAddress.parseList(":5672", 5672)).hasMessageContaining("blank");
  }
}
