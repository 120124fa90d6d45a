package dev.acs.broker.app.e2e;

import static dev.acs.broker.app.e2e.DemoIT.number;
import static org.assertj.core.api.Assertions.assertThat;

import dev.acs.broker.app.BrokerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * End-to-end: {@code broker simulate} and {@code broker run} as two processes of the real jar
 * against the real RabbitMQ on 127.0.0.1:5672, as the README's two terminals.
 */
class SimulateAndRunIT {

  private Rabbit rabbit;
  private final List<BrokerProcess> processes = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    rabbit = new Rabbit("simulate");
  }

  @AfterEach
  void tearDown() throws Exception {
    for (BrokerProcess process : processes) {
      process.close();
    }
    rabbit.close();
  }

  @Test
  @DisplayName("Frontend messages and agent replies flow between simulate and run")
  void frontendMessagesAndReplies_flowThroughTheBroker() throws Exception {
    // The queues come from the environment, as in the README (both terminals share it).
    Map<String, String> environment =
        Map.of(
            "RABBITMQ_HOST", "127.0.0.1",
            "BROKER_INPUT_QUEUE", rabbit.inputQueue,
            "BROKER_OUTPUT_QUEUE", rabbit.outputQueue,
            "BROKER_DEAD_LETTER_QUEUE", rabbit.deadLetterQueue);
    BrokerProcess simulate =
        start(
            List.of(
                "simulate",
                "--port",
                "0",
                "--agents",
                "3",
                "--rate",
                "10",
                "--think-time",
                "100ms",
                "--duration",
                "15s"),
            environment);
    simulate.awaitOutput("Stand-in central server on 127.0.0.1:", Duration.ofSeconds(30));
    long port = number(simulate.output(), "Stand-in central server on 127\\.0\\.0\\.1:(\\d+)");
    BrokerProcess run =
        start(
            List.of("run", "--grpc-host", "127.0.0.1", "--grpc-port", String.valueOf(port)),
            environment);
    run.awaitReady();

    assertThat(simulate.awaitExit(Duration.ofSeconds(40))).as(simulate.output()).isZero();
    String report = simulate.output();
    assertThat(report).contains("Final report (--duration elapsed)");
    assertThat(number(report, "routed to agents (\\d+)")).as(report).isPositive();
    assertThat(number(report, "replies delivered (\\d+)")).as(report).isPositive();
    assertThat(number(report, "broker errors (\\d+)")).as(report).isZero();
    assertThat(run.terminate(Duration.ofSeconds(30))).as(run.output()).isZero();
  }

  private BrokerProcess start(List<String> args, Map<String, String> environment) throws Exception {
    BrokerProcess process = BrokerProcess.start(args, environment);
    processes.add(process);
    return process;
  }
}
