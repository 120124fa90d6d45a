package dev.acs.broker.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acs.broker.app.BrokerProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** End-to-end: {@code broker demo} from the real jar, needing nothing but Java. */
class DemoIT {

  @Test
  @DisplayName("broker demo routes messages with no errors and exits 0")
  void demo_routesMessages_withoutErrors_andExits0() throws Exception {
    try (BrokerProcess demo = BrokerProcess.start(List.of("demo", "--duration", "5s"), Map.of())) {
      int exitCode = demo.awaitExit(Duration.ofSeconds(60));
      String output = demo.output();

      assertThat(exitCode).as(output).isZero();
      assertThat(output).contains("Starting embedded AMQP broker").contains("Demo summary");
      assertThat(number(output, "routed +(\\d+) \\(")).as(output).isPositive();
      assertThat(number(output, "errors +(\\d+)\\n")).as(output).isZero();
      assertThat(number(output, "dead-lettered +(\\d+)")).as(output).isZero();
      assertThat(output).contains("latency         p50").doesNotContain("ERROR");
    }
  }

  static long number(String output, String regex) {
    Matcher matcher = Pattern.compile(regex).matcher(output);
    assertThat(matcher.find()).as("'%s' in:%n%s", regex, output).isTrue();
    return Long.parseLong(matcher.group(1));
  }
}
