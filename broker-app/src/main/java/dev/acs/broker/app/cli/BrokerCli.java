package dev.acs.broker.app.cli;

import dev.acs.broker.app.config.EnvironmentDefaults;
import dev.acs.broker.app.config.VersionProvider;
import dev.acs.broker.app.inspect.AgentsCommand;
import dev.acs.broker.app.inspect.RouteCommand;
import dev.acs.broker.app.inspect.StatusCommand;
import dev.acs.broker.app.run.BrokerLauncher;
import dev.acs.broker.app.run.ProductionLauncher;
import dev.acs.broker.app.run.RunCommand;
import dev.acs.broker.app.sandbox.demo.DemoCommand;
import dev.acs.broker.app.sandbox.simulate.SimulateCommand;
import dev.acs.broker.core.application.BrokerStartupException;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code broker} command: {@code broker run} runs the message router, {@code broker simulate}
 * runs a stand-in central server with simulated agents and frontends, {@code broker demo} runs all
 * of it in one JVM with an embedded AMQP broker.
 *
 * <p>Exit codes: 0 after an orderly shutdown, 1 for a fatal runtime failure, 2 for a usage or
 * configuration error.
 */
@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Message router of the Agent Communication System.",
    synopsisSubcommandLabel = "COMMAND",
    commandListHeading = "%nCommands:%n",
    footer = {
      "",
      "Exit codes: 0 orderly shutdown, 1 fatal runtime failure, 2 usage or configuration error.",
      "Run 'broker COMMAND --help' for the options of a command."
    })
public final class BrokerCli implements Callable<Integer> {

  /** Exit code of an orderly shutdown. */
  public static final int EXIT_OK = 0;

  /** Exit code of a fatal runtime failure. */
  public static final int EXIT_FAILURE = 1;

  /** Exit code of a usage or configuration error (picocli's default). */
  public static final int EXIT_USAGE = 2;

  private static final Logger LOG = LoggerFactory.getLogger(BrokerCli.class);

  @Spec private @org.jspecify.annotations.Nullable CommandSpec spec;

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    int exitCode = commandLine(System.getenv(), new ProductionLauncher()).execute(args);
    // Reached after an orderly shutdown too: the broker's threads are gone by then, but exit makes
    // the status explicit (0, not the 143 a signal would leave).
    System.exit(exitCode);
  }

  /**
   * The command line over an injected environment and launcher, so tests run it in-process.
   *
   * @param environment the environment variables to fall back on
   * @param launcher what {@code broker run} calls with the parsed configuration
   */
  public static CommandLine commandLine(Map<String, String> environment, BrokerLauncher launcher) {
    EnvironmentDefaults defaults = new EnvironmentDefaults(environment);
    CommandLine commandLine = new CommandLine(new BrokerCli());
    commandLine.addSubcommand("run", new RunCommand(defaults, launcher));
    commandLine.addSubcommand("simulate", new SimulateCommand());
    // The demo's embedded AMQP broker is loaded only when `broker demo` runs (see DemoCommand).
    commandLine.addSubcommand("demo", new DemoCommand());
    commandLine.addSubcommand("status", new StatusCommand());
    commandLine.addSubcommand("agents", new AgentsCommand());
    commandLine.addSubcommand("route", new RouteCommand());
    // Every option that declares "Env: NAME" falls back on that variable, in every command.
    commandLine.setDefaultValueProvider(defaults);
    commandLine.setParameterExceptionHandler(BrokerCli::onParameterException);
    commandLine.setExecutionExceptionHandler((failure, failed, parseResult) -> onFailure(failure));
    return commandLine;
  }

  @Override
  public Integer call() {
    CommandSpec current = java.util.Objects.requireNonNull(spec, "spec");
    throw new ParameterException(
        current.commandLine(), "Missing command: use 'broker run' (or 'broker --help')");
  }

  private static int onParameterException(ParameterException problem, String[] args) {
    CommandLine failed = problem.getCommandLine();
    PrintWriter err = failed.getErr();
    err.println(failed.getColorScheme().errorText(problem.getMessage()));
    if (!CommandLine.UnmatchedArgumentException.printSuggestions(problem, err)) {
      err.println("Run '" + failed.getCommandSpec().qualifiedName() + " --help' for the options.");
    }
    err.flush();
    return EXIT_USAGE;
  }

  private static int onFailure(Exception failure) {
    if (failure instanceof ParameterException parameterProblem) {
      return onParameterException(parameterProblem, new String[0]);
    }
    if (failure instanceof BrokerStartupException) {
      LOG.error("Broker could not start: {}", failure.getMessage());
    } else if (failure instanceof InterruptedException) {
      LOG.error("Broker interrupted: {}", failure.toString());
    } else {
      LOG.error("Broker failed: {}", failure.toString());
    }
    LOG.debug("Failure details", failure);
    return EXIT_FAILURE;
  }
}
