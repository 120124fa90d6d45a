package dev.acs.broker.app.simulate;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code broker simulate}: a stand-in central server with simulated agents (issue #9). */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = "Runs a stand-in central server with simulated agents and frontends.")
public final class SimulateCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    System.err.println("broker simulate is not implemented yet (issue #9)");
    return 1;
  }
}
