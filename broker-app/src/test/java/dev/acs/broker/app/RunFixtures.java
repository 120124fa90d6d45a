package dev.acs.broker.app;

import dev.acs.broker.app.sandbox.simulate.StandInCentralServer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The set-up the end-to-end tests of {@code broker run} share: a stand-in central server with idle
 * agents, and the command line that points the broker at it and at a RabbitMQ on 127.0.0.1.
 */
public final class RunFixtures {

  private RunFixtures() {}

  /** A stand-in central server on a free port with {@code count} idle agents, agent_1 and on. */
  public static StandInCentralServer centralWithIdleAgents(int count) throws IOException {
    StandInCentralServer central = StandInCentralServer.start(0);
    for (int i = 1; i <= count; i++) {
      central.putAgent("agent_" + i, "idle");
    }
    return central;
  }

  /**
   * {@code run} against {@code central} and the RabbitMQ on 127.0.0.1 (default port), waiting at
   * most {@code snapshotTimeout} for the first agent snapshot, followed by {@code more} options.
   */
  public static List<String> runArgs(
      StandInCentralServer central, Duration snapshotTimeout, List<String> more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "--grpc-host",
                "127.0.0.1",
                "--grpc-port",
                String.valueOf(central.port()),
                "--rabbitmq-host",
                "127.0.0.1",
                "--snapshot-timeout",
                snapshotTimeout.toSeconds() + "s"));
    args.addAll(more);
    return args;
  }
}
