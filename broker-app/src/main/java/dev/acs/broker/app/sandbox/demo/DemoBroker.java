package dev.acs.broker.app.sandbox.demo;

import dev.acs.broker.adapter.amqp.AmqpSettings;
import dev.acs.broker.adapter.grpc.GrpcSettings;
import dev.acs.broker.app.config.BrokerConfig;
import dev.acs.broker.app.config.RoutingPolicies;
import dev.acs.broker.app.lifecycle.BrokerRunner;
import dev.acs.broker.app.lifecycle.ShutdownSignal;
import dev.acs.broker.app.wiring.DaggerBrokerComponent;
import dev.acs.broker.core.BrokerIdentity;
import dev.acs.broker.core.agent.Availability;
import dev.acs.broker.core.application.DecisionHeaders;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The real broker inside the demo: the same Dagger graph as {@code broker run}, configured as
 * {@code broker run} would be but pointed at this JVM's stand-in server and AMQP side, running on a
 * thread of its own ({@code broker-demo}) until {@link #stop()}. The demo's main thread starts,
 * watches and stops it; {@link #close()} makes sure it is asked to stop when the demo ends early.
 */
final class DemoBroker implements AutoCloseable {

  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

  private final ShutdownSignal stop = new ShutdownSignal();
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();
  private final Thread thread;

  private DemoBroker(BrokerRunner runner) {
    thread =
        new Thread(
            () -> {
              try {
                exit.complete(runner.run(stop));
              } catch (Throwable failure) {
                exit.completeExceptionally(failure);
              }
            },
            "broker-demo");
  }

  /** Builds the broker for {@code amqp} and the stand-in on {@code grpcPort} and starts it. */
  static DemoBroker start(DemoAmqp amqp, int grpcPort, String routingPolicy, String logLevel) {
    BrokerConfig config = config(amqp, grpcPort, routingPolicy, logLevel);
    DemoBroker broker = new DemoBroker(DaggerBrokerComponent.factory().create(config).runner());
    broker.thread.start();
    return broker;
  }

  /** The broker's configuration: what {@code broker run} would parse, pointed at this JVM. */
  private static BrokerConfig config(
      DemoAmqp amqp, int grpcPort, String routingPolicy, String logLevel) {
    return new BrokerConfig(
        new BrokerIdentity("broker_demo", "Broker-demo"),
        // broker run's defaults: a probe every 10 s with a 5 s deadline.
        GrpcSettings.defaults("127.0.0.1", grpcPort)
            .withLiveness(Duration.ofSeconds(10), Duration.ofSeconds(5)),
        AmqpSettings.builder()
            .host(amqp.host())
            .port(amqp.port())
            .username(amqp.username())
            .password(amqp.password())
            .virtualHost(amqp.virtualHost())
            .inputQueue(amqp.inputQueue())
            .outputQueue(amqp.outputQueue())
            .deadLetterQueue(amqp.deadLetterQueue())
            .build(),
        Duration.ofSeconds(30),
        Duration.ofSeconds(10),
        RoutingPolicies.normalize(routingPolicy),
        Duration.ofSeconds(30),
        false,
        Duration.ofMinutes(5),
        Availability.parse(BrokerConfig.DEFAULT_ROUTABLE_STATES),
        BrokerConfig.LogFormat.TEXT,
        logLevel.strip().toUpperCase(Locale.ROOT),
        BrokerConfig.Admin.DISABLED,
        DecisionHeaders.FULL,
        BrokerConfig.Redelivery.DEFAULT,
        BrokerConfig.Interop.DEFAULTS);
  }

  /** Whether the broker has stopped, by itself or asked to. */
  boolean isDone() {
    return exit.isDone();
  }

  /**
   * Rethrows why a broker that {@link #isDone() is done} stopped on its own, or says that it did.
   */
  IllegalStateException stoppedEarly() throws InterruptedException, ExecutionException {
    exit.get();
    return new IllegalStateException("the broker stopped during start-up");
  }

  /**
   * Asks the broker to stop and waits for it.
   *
   * @throws IllegalStateException when it does not stop within 20 s (its thread is interrupted)
   */
  void stop() throws InterruptedException, ExecutionException {
    stop.request("demo ending");
    try {
      exit.get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException stuck) {
      thread.interrupt();
      throw new IllegalStateException("the broker did not stop within 20 s", stuck);
    }
  }

  /** Asks a broker still running to stop, without waiting (the demo is ending on a failure). */
  @Override
  public void close() {
    if (!exit.isDone()) {
      stop.request("demo ending");
    }
  }
}
