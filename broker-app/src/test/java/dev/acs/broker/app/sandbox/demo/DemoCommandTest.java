package dev.acs.broker.app.sandbox.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acs.broker.app.cli.BrokerCli;
import dev.acs.broker.app.sandbox.simulate.Simulation;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class DemoCommandTest {

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "--routing-policy, cleverest, Unknown routing policy 'cleverest'",
    "--log-level, loud, Invalid --log-level 'loud'",
    "--churn, -0.5, churn must be in 0..1",
    "--duration, soon, is not a duration"
  })
  void invalidOptions_exitWithTheUsageCode_beforeAnythingStarts(
      String option, String value, String message) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = BrokerCli.commandLine(Map.of(), config -> 0);
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));

    int exitCode = cli.execute("demo", option, value);

    assertThat(exitCode).isEqualTo(BrokerCli.EXIT_USAGE);
    assertThat(err.toString()).contains(message);
    assertThat(out.toString()).doesNotContain("Starting embedded AMQP broker");
  }

  @Test
  void summary_showsRoutedRateAgentsHeldErrorsAndLatency() {
    Histogram latency = new Histogram(3);
    for (int i = 1; i <= 100; i++) {
      latency.recordValue(i * 100L);
    }
    Map<String, Long> byAgent = new LinkedHashMap<>();
    byAgent.put("demo_agent_1", 120L);
    byAgent.put("demo_agent_2", 80L);
    Simulation.Stats stats =
        new Simulation.Stats(100, 100, 200, 100, 0, 0, byAgent, Map.of("idle", 2), 3, latency);

    String summary =
        DemoProgress.summary(stats, 0, TimeUnit.SECONDS.toNanos(10), "--duration elapsed");

    assertThat(summary)
        .contains("Demo summary (--duration elapsed, 10.0 s of traffic)")
        .contains("routed          200 (20.0 msg/s): 100 frontend messages, 100 agent replies")
        .contains("by agent        demo_agent_1 120, demo_agent_2 80")
        .contains("held            0 at the end")
        .contains("dead-lettered   0")
        .contains("errors          0")
        .contains("latency         p50 5.0 ms, p90 9.0 ms, p99 9.9 ms, max 10.0 ms")
        .contains("agents paused or went offline 3 times");
  }
}
