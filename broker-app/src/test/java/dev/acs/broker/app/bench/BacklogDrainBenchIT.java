package dev.acs.broker.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.acs.broker.app.bench.FleetCentralServer.State;
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
 * Issue 13's end-to-end drain benchmark: the real {@code broker.jar} drains a backlog from the real
 * RabbitMQ while a stand-in central server changes agent states at a steady rate (half the fleet
 * idle, agents turning busy and idle, a few going offline and coming back), once with {@code
 * --routing-policy sticky} and once with {@code random}, alternated and repeated in one run so that
 * the machine's load affects both alike. Reported: the steady drain rate of each round (from 5 % of
 * the backlog routed to the last message, so the broker's start-up is left out), the ratio sticky /
 * random of each repetition, and the broker's CPU per message.
 *
 * <p>Checked: every message is routed (none rejected, none lost) to an agent of the fleet; with
 * {@code -Dbench.minRatio} (0.9 with {@code -Dbroker.bench=full}) the median ratio too.
 *
 * <p>The brokers run with {@code --suspect-agents off} unless {@code -Dbench.drainBrokerArgs} says
 * otherwise: these agents never take the work routed to them, which the default suspicion rightly
 * takes for dead agents.
 */
@EnabledIfSystemProperty(named = BenchSettings.ENABLE, matches = BenchSettings.ENABLED)
class BacklogDrainBenchIT {

  private static final String REPORT = "backlog-drain.txt";

  /** One measured round. */
  record Round(String policy, double rate, double cpuMicrosPerMessage, int receivers) {}

  @Test
  void thousandAgents() throws Exception {
    run(BenchSettings.integer("drainAgents", 200, 1_000));
  }

  @Test
  void tenThousandAgents() throws Exception {
    run(BenchSettings.integer("drainAgentsLarge", 2_000, 10_000));
  }

  private void run(int agents) throws Exception {
    int changesPerSecond = BenchSettings.integer("drainChangeRate", 200, 200);
    int backlog = BenchSettings.integer("drainBacklog", 3_000, 30_000);
    int repeats = BenchSettings.integer("drainRepeats", 1, 3);
    boolean deltas = !"full".equals(System.getProperty("bench.drainStatus", "delta"));
    double minRatio = BenchSettings.decimal("minRatio", 0.0, 0.9);
    List<String> policies = BenchSettings.list("drainPolicies", "sticky,random");

    try (FleetCentralServer server = new FleetCentralServer(agents, State.BUSY)) {
      FleetChurn churn = new FleetChurn(server, -1, agents / 2, 0.05, 17);
      churn.seedIdle(agents / 2);
      Churner churner = new Churner(server, churn, changesPerSecond, deltas);
      churner.start();
      List<Round> rounds = new ArrayList<>();
      try {
        for (int repeat = 0; repeat < repeats; repeat++) {
          // Alternate which policy goes first, so a trend in the machine's load favours neither.
          List<String> order = new ArrayList<>(policies);
          if (repeat % 2 == 1) {
            java.util.Collections.reverse(order);
          }
          for (String policy : order) {
            Round round = round(server, agents, policy, backlog, repeat);
            rounds.add(round);
            BenchSettings.report(
                REPORT,
                String.format(
                    Locale.ROOT,
                    "  round %d %-7s %,8.0f msg/s  broker CPU %5.1f µs/msg  %d receivers  (load %s)",
                    repeat + 1,
                    policy,
                    round.rate(),
                    round.cpuMicrosPerMessage(),
                    round.receivers(),
                    BenchSettings.loadAverage()));
          }
        }
      } finally {
        churner.halt();
      }
      if (churner.failure != null) {
        throw churner.failure;
      }

      List<Double> ratios = new ArrayList<>();
      StringBuilder perRepeat = new StringBuilder();
      for (int repeat = 0; repeat < repeats; repeat++) {
        Round first = rounds.get(repeat * policies.size());
        Round second = rounds.get(repeat * policies.size() + 1);
        Round sticky = first.policy().equals(policies.get(0)) ? first : second;
        Round other = sticky == first ? second : first;
        double ratio = sticky.rate() / other.rate();
        ratios.add(ratio);
        perRepeat.append(String.format(Locale.ROOT, " %.2f", ratio));
      }
      double median = median(ratios);
      BenchSettings.report(
          REPORT,
          String.format(
              Locale.ROOT,
              "%s (load %s) backlog-drain: %,d agents, %d status changes/s as %s, backlog %,d, %s / %s"
                  + " per repetition:%s; median %.2f; churn sent %,d changes at %,.0f/s",
              Instant.now(),
              BenchSettings.loadAverage(),
              agents,
              changesPerSecond,
              deltas ? "one-agent deltas" : "full snapshots",
              backlog,
              policies.get(0),
              policies.get(1),
              perRepeat,
              median,
              churner.changes,
              churner.rate()));
      assertThat(median)
          .as("median drain rate %s / %s", policies.get(0), policies.get(1))
          .isGreaterThanOrEqualTo(minRatio);
    }
  }

  private Round round(FleetCentralServer server, int agents, String policy, int backlog, int repeat)
      throws Exception {
    try (BenchQueues queues = new BenchQueues("drain_" + agents + "_" + policy)) {
      queues.publish(BenchMessages.mix("m" + repeat + "_", backlog, 1_000, agents, -1, repeat));
      long mark = Math.max(1, backlog / 20);
      queues.countOutputs(mark);
      List<String> args = BenchBroker.runArgs(server.port(), queues, "60s");
      args.addAll(List.of("--routing-policy", policy));
      // The benchmark's agents never take their work (nothing consumes their messages), so with
      // the default --suspect-agents demote every idle agent that received a message would be
      // suspected after 10 s, as a dead one should be; the drain would then measure suspicion, not
      // routing. The fault suites run with it off for the same reason.
      args.addAll(BenchSettings.list("drainBrokerArgs", "--suspect-agents,off"));
      try (BenchBroker broker =
          BenchBroker.start(
              BenchSettings.brokerJvmOptions(),
              args,
              BenchSettings.directory()
                  .resolve("drain-" + agents + "-" + policy + "-" + (repeat + 1) + ".log"))) {
        await("5 % of the backlog routed (log: target/bench)")
            .atMost(Duration.ofMinutes(15))
            .until(() -> queues.outputs() >= mark || !broker.isAlive());
        double cpuAtMark = broker.cpuSeconds();
        await("the whole backlog routed (log: target/bench)")
            .atMost(Duration.ofMinutes(15))
            .until(() -> queues.outputs() >= backlog || !broker.isAlive());
        double cpuAtEnd = broker.cpuSeconds();
        assertThat(broker.isAlive()).as("broker running:\n%s", broker.tail()).isTrue();
        double seconds = (queues.lastOutputNanos() - queues.markNanos()) / 1e9;
        long measured = backlog - mark;
        Map<String, Long> receivers = queues.byReceiver();
        assertThat(queues.errors()).as("messages not routed").isZero();
        assertThat(receivers.keySet()).allMatch(receiver -> receiver.startsWith("agent_"));
        assertThat(broker.terminate()).isZero();
        assertThat(queues.outputs()).as("outputs, none duplicated").isEqualTo(backlog);
        assertThat(queues.depth(queues.inputQueue)).as("left in the input").isZero();
        return new Round(
            policy, measured / seconds, (cpuAtEnd - cpuAtMark) * 1e6 / measured, receivers.size());
      }
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** Changes agent states at a steady rate until halted. */
  private static final class Churner extends Thread {
    private final FleetCentralServer server;
    private final FleetChurn churn;
    private final long period;
    private final boolean deltas;
    private volatile boolean running = true;
    private final long started = System.nanoTime();
    private volatile long stopped;
    volatile long changes;
    volatile Exception failure;

    Churner(FleetCentralServer server, FleetChurn churn, int perSecond, boolean deltas) {
      super("bench-drain-churn");
      this.server = server;
      this.churn = churn;
      this.period = TimeUnit.SECONDS.toNanos(1) / perSecond;
      this.deltas = deltas;
      setDaemon(true);
    }

    @Override
    public void run() {
      try {
        long due = System.nanoTime();
        while (running) {
          long wait;
          while (running && (wait = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
          }
          FleetChurn.Change change = churn.next();
          if (deltas) {
            server.changeWithDelta(change.agent(), change.state());
          } else {
            server.changeWithSnapshot(change.agent(), change.state(), false);
          }
          changes++;
          due += period;
        }
      } catch (Exception e) {
        failure = e;
      } finally {
        stopped = System.nanoTime();
      }
    }

    double rate() {
      return changes / ((stopped - started) / 1e9);
    }

    void halt() throws InterruptedException {
      running = false;
      join(10_000);
    }
  }
}
