package dev.acs.broker.app.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import dev.acs.broker.app.config.BrokerConfig;
import dev.acs.broker.core.agent.Availability;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code broker route --explain FILE}: which agent each routing policy would choose for a message,
 * and why, given a snapshot of agents. A dry run of the real core; no network.
 */
@Command(
    name = "route",
    mixinStandardHelpOptions = true,
    description = {
      "Explains routing without a broker: reads a message and a snapshot of agents and prints"
          + " what each policy (sticky, random, round-robin, least-loaded) would do with it, and"
          + " why, by running the broker's own routing code.",
      "",
      "FILE is JSON: {\"message\": {...a message as on broker_input_queue...}, \"agents\":"
          + " [...]} where agents is in the format of the admin endpoint's /agents (id, name,"
          + " state, lastSeen, outstanding), e.g. the output of 'broker agents --json'."
    },
    footer = {"", "Exit codes: 0 explained, 1 unreadable file, 2 usage error."})
public final class RouteCommand implements Callable<Integer> {

  @Spec private @Nullable CommandSpec spec;

  @Option(
      names = "--explain",
      paramLabel = "FILE",
      required = true,
      description = "The JSON file with the message and the agents.")
  private @Nullable Path file;

  @Option(
      names = "--routable-states",
      paramLabel = "TIERS",
      defaultValue = "${env:BROKER_ROUTABLE_STATES:-" + BrokerConfig.DEFAULT_ROUTABLE_STATES + "}",
      description =
          "Agent states that may receive messages, in tiers separated by '>', as for 'broker"
              + " run'. Env: BROKER_ROUTABLE_STATES. Default: "
              + BrokerConfig.DEFAULT_ROUTABLE_STATES
              + ".")
  private String routableStates = BrokerConfig.DEFAULT_ROUTABLE_STATES;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "1",
      description = "Seed of the random draws (random, least-loaded). Default: ${DEFAULT-VALUE}.")
  private long seed = 1;

  @Override
  public Integer call() {
    CommandSpec command = Objects.requireNonNull(spec, "spec");
    Availability availability;
    try {
      availability = Availability.parse(routableStates);
    } catch (IllegalArgumentException invalid) {
      throw new ParameterException(
          command.commandLine(),
          "Invalid --routable-states '" + routableStates + "': " + invalid.getMessage());
    }
    Path input = Objects.requireNonNull(file, "file");
    PrintWriter err = command.commandLine().getErr();
    JsonNode document;
    try {
      document = AdminClient.JSON.readTree(input.toFile());
    } catch (IOException unreadable) {
      err.println("Cannot read " + input + ": " + unreadable.getMessage());
      err.flush();
      return 1;
    }
    RouteExplainer explainer;
    try {
      explainer = RouteExplainer.of(document, availability, seed);
    } catch (IllegalArgumentException invalid) {
      err.println(input + ": " + invalid.getMessage());
      err.flush();
      return 1;
    }
    PrintWriter out = command.commandLine().getOut();
    out.print(explainer.render());
    out.flush();
    return 0;
  }
}
