package dev.acs.broker.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.acs.broker.app.bench.FleetCentralServer.State;
import dev.acs.broker.app.bench.FleetChurn.Change;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Issue 13's end-to-end status benchmark: the real {@code broker.jar} follows a stand-in central
 * server's status stream for a large fleet that churns, then one agent becomes the only idle one,
 * and the messages published a second later must all go to it.
 *
 * <p>Reported: how long after the server sent that decisive update the broker's view had it (the
 * broker's {@code broker_agents{state="paused"}} gauge drops to 0 when the agent leaves {@code
 * paused}, which nothing else in the churn touches: the benchmark polls {@code /metrics} every 10
 * ms), how much of that was transit (the {@code broker_agent_status_applied_age_seconds} gauge
 * dates the update's arrival), how far the view lagged during the churn (the same gauge, sampled
 * every second), and the broker's CPU from {@code /proc/<pid>/stat}.
 *
 * <p>Opt-in: {@code -Dbroker.bench=quick|full} (see {@link BenchSettings}; commands in {@code
 * docs/performance.md}).
 */
@EnabledIfSystemProperty(named = BenchSettings.ENABLE, matches = BenchSettings.ENABLED)
class StatusStreamBenchIT {

  private static final String REPORT = "status-stream.txt";
  private static final String PAUSED = "broker_agents{state=\"paused\"}";
  private static final String IDLE = "broker_agents{state=\"idle\"}";
  private static final String AGE = "broker_agent_status_applied_age_seconds";

  /** One run: a fleet, how its changes are announced, how fast and how long. */
  record Scenario(String name, boolean deltas, int agents, int perSecond, int seconds) {}

  @Test
  void oneAgentDeltas() throws Exception {
    run(
        new Scenario(
            "deltas",
            true,
            BenchSettings.integer("deltaAgents", 20_000, 100_000),
            BenchSettings.integer("deltaRate", 2_000, 5_000),
            BenchSettings.integer("deltaSeconds", 10, 60)));
  }

  @Test
  void fullSnapshots() throws Exception {
    run(
        new Scenario(
            "snapshots",
            false,
            BenchSettings.integer("snapshotAgents", 5_000, 20_000),
            BenchSettings.integer("snapshotRate", 20, 50),
            BenchSettings.integer("snapshotSeconds", 10, 60)));
  }

  private void run(Scenario scenario) throws Exception {
    int decisive = scenario.agents() / 2;
    int idleCap = Math.max(10, Math.min(100, scenario.agents() / 100));
    int probes = BenchSettings.integer("probeMessages", 200, 500);
    try (FleetCentralServer server = new FleetCentralServer(scenario.agents(), State.BUSY);
        BenchQueues queues = new BenchQueues("stream_" + scenario.name())) {
      // The decisive agent waits paused, a state the churn never uses, so the broker's count of
      // paused agents says exactly when its view has the decisive update.
      server.setQuietly(decisive, State.PAUSED);
      FleetChurn churn = new FleetChurn(server, decisive, idleCap, 0.05, 13);
      churn.seedIdle(idleCap);

      List<String> args = BenchBroker.runArgs(server.port(), queues, "180s");
      long startNanos = System.nanoTime();
      try (BenchBroker broker =
          BenchBroker.start(
              BenchSettings.brokerJvmOptions(),
              args,
              BenchSettings.directory().resolve("status-" + scenario.name() + ".log"))) {
        broker.awaitReady(Duration.ofSeconds(240));
        double readySeconds = (System.nanoTime() - startNanos) / 1e9;
        String atReady = broker.metrics();
        double firstApplySeconds =
            BenchBroker.sample(atReady, "broker_agent_status_apply_seconds_max");
        assertThat(BenchBroker.sample(atReady, PAUSED)).isEqualTo(1.0);

        // The churn, paced by a driver thread; the test thread samples the broker meanwhile.
        Driver driver = new Driver(server, churn, scenario);
        double cpuBefore = broker.cpuSeconds();
        long churnStart = System.nanoTime();
        driver.start();
        List<Double> ages = new ArrayList<>();
        long nextSample = churnStart + TimeUnit.SECONDS.toNanos(1);
        while (driver.isAlive()) {
          LockSupport.parkNanos(Math.max(0, nextSample - System.nanoTime()));
          nextSample += TimeUnit.SECONDS.toNanos(1);
          if (driver.isAlive()) {
            ages.add(BenchBroker.sample(broker.metrics(), AGE));
          }
        }
        driver.join();
        if (driver.failure != null) {
          throw driver.failure;
        }
        double churnSeconds = (driver.decisiveSentNanos - churnStart) / 1e9;
        double cpuChurn = broker.cpuSeconds() - cpuBefore;

        // A second after the decisive update, whether or not the broker has it by then: messages
        // nobody names, which must all go to that agent.
        queues.countOutputs(Long.MAX_VALUE);
        long publishAt = driver.decisiveStartNanos + TimeUnit.SECONDS.toNanos(1);
        Thread publisher =
            new Thread(
                () -> {
                  LockSupport.parkNanos(publishAt - System.nanoTime());
                  queues.publish(
                      BenchMessages.mix("probe", probes, probes, scenario.agents(), decisive, 7));
                },
                "bench-probe-publisher");
        publisher.start();

        // When did the broker's view get the decisive update?
        long seenNanos = 0;
        double ageAtSeen = Double.NaN;
        double idleAtSeen = Double.NaN;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
          String metrics = broker.metrics();
          long scraped = System.nanoTime();
          if (BenchBroker.sample(metrics, PAUSED) == 0.0) {
            seenNanos = scraped;
            ageAtSeen = BenchBroker.sample(metrics, AGE);
            idleAtSeen = BenchBroker.sample(metrics, IDLE);
            break;
          }
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        assertThat(seenNanos).as("the broker applied the decisive update").isPositive();
        double lagSeconds = (seenNanos - driver.decisiveStartNanos) / 1e9;
        double transitSeconds = lagSeconds - ageAtSeen;

        publisher.join();
        await("the messages published after the decisive update routed")
            .atMost(Duration.ofSeconds(60))
            .until(() -> queues.outputs() >= probes);
        Map<String, Long> receivers = queues.byReceiver();
        double cpuTotal = broker.cpuSeconds();

        String report =
            String.format(
                Locale.ROOT,
                "%s (load %s) status-stream %s: %,d agents, %s at %,d/s offered for %d s"
                    + " (%,d changes in %.1f s = %,.0f/s; %,d snapshot changes coalesced into a later"
                    + " snapshot; the server waited %.1f s for flow control; decisive update sent"
                    + " %.0f ms behind schedule, %.0f ms to send)%n"
                    + "  start to ready %.1f s; largest apply by then (the first snapshot, cold JVM)"
                    + " %.0f ms%n"
                    + "  during churn: view age (s since the newest applied update arrived) median"
                    + " %.3f, max %.3f over %d samples%n"
                    + "  decisive update: in the view after %.0f ms (transit to the broker ≈ %.0f"
                    + " ms, then applied; poll resolution 10 ms); idle agents then %.0f%n"
                    + "  broker CPU during churn %.2f cores (%.1f s CPU in %.1f s); whole run %.1f s"
                    + " CPU%n"
                    + "  %d messages published 1 s after the decisive update: receivers %s",
                Instant.now(),
                BenchSettings.loadAverage(),
                scenario.name(),
                scenario.agents(),
                scenario.deltas() ? "one-agent deltas" : "full snapshots",
                scenario.perSecond(),
                scenario.seconds(),
                driver.changes,
                churnSeconds,
                driver.changes / churnSeconds,
                server.coalesced(),
                server.flowControlWaitNanos() / 1e9,
                driver.slipNanos / 1e6,
                (driver.decisiveSentNanos - driver.decisiveStartNanos) / 1e6,
                readySeconds,
                firstApplySeconds * 1000,
                median(ages),
                ages.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN),
                ages.size(),
                lagSeconds * 1000,
                transitSeconds * 1000,
                idleAtSeen,
                cpuChurn / churnSeconds,
                cpuChurn,
                churnSeconds,
                cpuTotal,
                probes,
                receivers.size() <= 3 ? receivers : receivers.size() + " agents");
        BenchSettings.report(REPORT, report);

        assertThat(queues.errors()).as("error outputs").isZero();
        assertThat(receivers)
            .as("every message goes to the only idle agent")
            .isEqualTo(Map.of(FleetCentralServer.id(decisive), (long) probes));
        assertThat(idleAtSeen).as("idle agents in the broker's view").isEqualTo(1.0);
        assertThat(broker.terminate()).isZero();
      }
    }
  }

  private static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    return sorted.get(sorted.size() / 2);
  }

  /**
   * Announces the churn at the scenario's rate for its duration, then takes every idle agent back
   * to busy at the same rate, then makes the decisive agent idle: from then on it is the only one.
   */
  private static final class Driver extends Thread {
    private final FleetCentralServer server;
    private final FleetChurn churn;
    private final Scenario scenario;
    private final int decisive;
    volatile long changes;
    volatile long decisiveStartNanos;
    volatile long decisiveSentNanos;
    volatile long slipNanos;
    volatile Exception failure;

    Driver(FleetCentralServer server, FleetChurn churn, Scenario scenario) {
      super("bench-status-driver");
      this.server = server;
      this.churn = churn;
      this.scenario = scenario;
      this.decisive = scenario.agents() / 2;
      setDaemon(true);
    }

    @Override
    public void run() {
      try {
        long period = TimeUnit.SECONDS.toNanos(1) / scenario.perSecond();
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(scenario.seconds());
        long due = start;
        while (due < end) {
          pace(due);
          announce(churn.next());
          due += period;
        }
        Change toBusy;
        while ((toBusy = churn.nextToBusy()) != null) {
          pace(due);
          announce(toBusy);
          due += period;
        }
        pace(due);
        decisiveStartNanos = System.nanoTime();
        slipNanos = decisiveStartNanos - due;
        if (scenario.deltas()) {
          server.changeWithDelta(decisive, FleetCentralServer.State.IDLE);
        } else {
          server.changeWithSnapshot(decisive, FleetCentralServer.State.IDLE, true);
        }
        changes++;
        decisiveSentNanos = System.nanoTime();
      } catch (Exception e) {
        failure = e;
      }
    }

    /** Waits until {@code due}; a late driver sends at once, so the rate catches up. */
    private static void pace(long due) {
      long wait;
      while ((wait = due - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
      }
    }

    private void announce(Change change) throws InterruptedException {
      if (scenario.deltas()) {
        server.changeWithDelta(change.agent(), change.state());
      } else {
        server.changeWithSnapshot(change.agent(), change.state(), false);
      }
      changes++;
    }
  }
}
