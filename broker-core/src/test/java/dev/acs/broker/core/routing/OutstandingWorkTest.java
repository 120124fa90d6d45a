package dev.acs.broker.core.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acs.broker.core.agent.AgentId;
import dev.acs.broker.core.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class OutstandingWorkTest {

  private final ManualClock clock = new ManualClock(Instant.EPOCH);
  private final OutstandingWork work = new OutstandingWork(clock, Duration.ofMinutes(5));
  private final AgentId agent = AgentId.of("a");

  @Test
  void routing_dropsExpiredDeadlines_evenWhenNobodyReadsTheCount() {
    for (int i = 0; i < 10_000; i++) {
      work.routedTo(agent);
    }
    clock.advance(Duration.ofMinutes(5).plusMillis(1));

    work.routedTo(agent);

    assertThat(work.retained(agent)).isEqualTo(1);
    assertThat(work.outstanding(agent)).isEqualTo(1);
  }

  @Test
  void answers_settleTheOldestAndUnexpiredWorkCounts() {
    work.routedTo(agent);
    clock.advance(Duration.ofMinutes(1));
    work.routedTo(agent);
    work.answeredBy(agent);

    assertThat(work.outstanding(agent)).isEqualTo(1);
    clock.advance(Duration.ofMinutes(4).plusMillis(1));
    assertThat(work.outstanding(agent)).isEqualTo(1);
  }
}
