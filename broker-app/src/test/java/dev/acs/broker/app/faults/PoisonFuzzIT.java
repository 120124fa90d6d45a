package dev.acs.broker.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.MessageProperties;
import dev.acs.broker.app.BrokerProcess;
import dev.acs.broker.app.RunFixtures;
import dev.acs.broker.app.sandbox.simulate.StandInCentralServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 19's fuzz run: seeded, mutated messages (byte flips, truncation, junk, wrong field types,
 * deep nesting, duplicate keys, odd Unicode, invalid UTF-8, over-long values, unknown types, bodies
 * at the size limit) through the real {@code broker.jar} and the real RabbitMQ. Every input must
 * come out exactly once, routed or dead-lettered, none may be requeued, and the broker must stay
 * alive and stop cleanly.
 *
 * <p>{@code -Dfuzz.seed=N} and {@code -Dfuzz.count=N} repeat or widen a run; the seed is printed.
 */
class PoisonFuzzIT {

  private static final long SEED = Long.getLong("fuzz.seed", 19L);
  private static final int COUNT = Integer.getInteger("fuzz.count", 3_000);
  private static final int MAX_MESSAGE_BYTES = 1024 * 1024;

  private StandInCentralServer central;

  @BeforeEach
  void startCentral() throws Exception {
    central = RunFixtures.centralWithIdleAgents(3);
  }

  @AfterEach
  void stopCentral() {
    central.close();
  }

  @Test
  @DisplayName("Mutated messages: each comes out exactly once, routed or dead-lettered")
  void everyMutatedInput_comesOutExactlyOnce_andTheBrokerStaysAlive() throws Exception {
    RabbitEndpoint endpoint = new RabbitEndpoint(5672, "/");
    try (Scenario scenario = new Scenario("fuzz", "mutated input, seed " + SEED, endpoint)) {
      BrokerProcess broker =
          scenario.startBroker(central.port(), endpoint.port(), List.of("--max-deliveries", "5"));
      broker.awaitReady();
      MessageMutator mutator = new MessageMutator(SEED, MAX_MESSAGE_BYTES);
      Map<String, MessageMutator.Mutation> mutations = new TreeMap<>();
      long started = System.nanoTime();
      try (Connection connection = endpoint.connect("fuzz publisher")) {
        Channel channel = connection.createChannel();
        channel.confirmSelect();
        List<String> batch = new ArrayList<>();
        for (int n = 0; n < COUNT; n++) {
          MessageMutator.Input input = mutator.next("fz-" + SEED + "-" + n);
          mutations.put(input.id(), input.mutation());
          AMQP.BasicProperties properties =
              MessageProperties.PERSISTENT_BASIC.builder().messageId(input.id()).build();
          scenario.ledger.attempted(List.of(input.id()));
          channel.basicPublish("", scenario.inputQueue, properties, input.body());
          batch.add(input.id());
          if (batch.size() == 200 || n == COUNT - 1) {
            channel.waitForConfirmsOrDie(60_000);
            scenario.ledger.confirmed(batch);
            batch.clear();
          }
        }
      }

      Ledger.Verdict verdict = scenario.finish(broker, Duration.ofMinutes(3));
      double seconds = Scenario.secondsSince(started);

      Map<String, Integer> byMutation = new TreeMap<>();
      Map<String, Integer> byReason = new TreeMap<>();
      Map<MessageMutator.Mutation, Integer> routedByMutation =
          new EnumMap<>(MessageMutator.Mutation.class);
      mutations.forEach(
          (id, mutation) -> {
            byMutation.merge(mutation.name(), 1, Integer::sum);
            String reason = scenario.ledger.deadLetterReason(id);
            byReason.merge(reason == null ? "routed" : reason, 1, Integer::sum);
            if (reason == null) {
              routedByMutation.merge(mutation, 1, Integer::sum);
            }
          });
      scenario.put("seed", SEED);
      scenario.put("inputs", COUNT);
      scenario.put("byMutation", byMutation);
      scenario.put("outcomes", byReason);
      scenario.put("requeues", broker.count("returning it to the queue"));
      scenario.put("inputsPerSecond", Math.round(COUNT / seconds));
      System.out.println("FUZZ seed=" + SEED + " outcomes=" + byReason + " " + byMutation);

      scenario.assertPasses(verdict, 0);
      assertThat(verdict.confirmed()).isEqualTo(COUNT);
      assertThat(verdict.delivered() + verdict.deadLettered())
          .as("every input exactly once, routed or dead-lettered")
          .isEqualTo(COUNT);
      assertThat(broker.count("returning it to the queue")).as("requeues").isZero();
      assertThat(byReason).doesNotContainKeys("redelivered-too-often", "unpublishable");
      assertThat(routedByMutation.get(MessageMutator.Mutation.VALID))
          .isEqualTo(byMutation.get("VALID"));
    }
  }
}
