package dev.acs.broker.adapter.amqp.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A short run of the relay benchmark against the test RabbitMQ: it produces numbers, and every
 * message arrives exactly once. It asserts no speed (the machine is shared and noisy).
 */
class RelayBenchmarkIT {

  private static BenchConfig shortRun() {
    return shortRun("classic");
  }

  private static BenchConfig shortRun(String queueType) {
    return new BenchConfig(
        "127.0.0.1",
        5672,
        "guest",
        "guest",
        "/",
        "both",
        2_000,
        500,
        250,
        10,
        "sticky",
        List.of("baseline", "broker"),
        300,
        0.5,
        List.of("broker", "baseline"),
        2,
        1,
        1,
        true,
        true,
        queueType);
  }

  @Test
  void shortRun_relaysEveryMessageOnceAndReportsNumbers() throws Exception {
    RelayBenchmark.Report report = new RelayBenchmark(shortRun()).run();

    assertThat(report.max())
        .extracting(RelayBenchmark.MaxResult::relay)
        .containsExactly("baseline", "broker");
    for (RelayBenchmark.MaxResult round : report.max()) {
      assertThat(round.arrived()).as(round.relay() + " arrived").isEqualTo(2_000);
      assertThat(round.duplicates()).as(round.relay() + " duplicates").isZero();
      assertThat(round.failures()).as(round.relay() + " failures").isZero();
      assertThat(round.rate()).as(round.relay() + " msg/s").isPositive();
      assertThat(round.relayMicros().getTotalCount()).isEqualTo(2_000);
      assertThat(round.cpu().processNanos()).isPositive();
      assertThat(RelayBenchmark.describe(round)).contains("msg/s");
    }
    assertThat(report.meanRate("broker") / report.meanRate("baseline")).isPositive();

    assertThat(report.rate())
        .extracting(RelayBenchmark.RateResult::relay)
        .containsExactly("broker", "baseline");
    for (RelayBenchmark.RateResult run : report.rate()) {
      assertThat(run.arrived()).as(run.relay() + " arrived").isEqualTo(run.published());
      assertThat(run.failures()).isZero();
      assertThat(run.endToEndMicros().getTotalCount()).isPositive();
      assertThat(run.achieved()).isPositive();
      assertThat(RelayBenchmark.describe(run, 1)).contains("end-to-end");
    }
  }

  @Test
  void shortRun_onQuorumQueues_relaysEveryMessageOnce() throws Exception {
    RelayBenchmark.Report report = new RelayBenchmark(shortRun("quorum")).run();

    for (RelayBenchmark.MaxResult round : report.max()) {
      assertThat(round.arrived()).as(round.relay() + " arrived").isEqualTo(2_000);
      assertThat(round.duplicates()).as(round.relay() + " duplicates").isZero();
      assertThat(round.failures()).as(round.relay() + " failures").isZero();
    }
    for (RelayBenchmark.RateResult run : report.rate()) {
      assertThat(run.arrived()).as(run.relay() + " arrived").isEqualTo(run.published());
    }
  }
}
