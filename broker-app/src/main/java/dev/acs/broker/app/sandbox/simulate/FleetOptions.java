package dev.acs.broker.app.sandbox.simulate;

import dev.acs.broker.app.config.DurationConverter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The simulated fleet and its traffic: how many agents, how fast frontends send, how long an agent
 * thinks, how often agents come and go, and for how long it all runs. A picocli mixin shared by
 * {@code broker demo} and {@code broker simulate}, so both describe and check these options alike.
 *
 * <p>The two commands want different defaults (the demo shows busy routing within seconds; simulate
 * starts small and quiet beside a broker someone is trying), so the four load options carry none in
 * their annotations: each command passes its own to the constructor, and {@code --help} prints that
 * command's default.
 */
public final class FleetOptions {

  @Option(
      names = "--agents",
      paramLabel = "N",
      description = "Number of simulated agents. Default: ${DEFAULT-VALUE}.")
  private int agents;

  @Option(
      names = "--rate",
      paramLabel = "PER_SECOND",
      description =
          "Frontend TEXT messages injected per second (0: none). Default: ${DEFAULT-VALUE}.")
  private double rate;

  @Option(
      names = "--think-time",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "How long an agent works on a message before it replies. Default: ${DEFAULT-VALUE}.")
  private Duration thinkTime = Duration.ZERO;

  @Option(
      names = "--churn",
      paramLabel = "P",
      description =
          "Chance per second and agent of pausing or going offline for 1 to 3 s (0: never,"
              + " e.g. 0.05: now and then). Default: ${DEFAULT-VALUE}.")
  private double churn;

  @Option(
      names = "--duration",
      paramLabel = "DURATION",
      defaultValue = "0s",
      converter = DurationConverter.class,
      description = "How long the traffic runs (e.g. 20s, 2m; 0s: until Ctrl-C or SIGTERM).")
  private Duration duration = Duration.ZERO;

  /**
   * The simulation's settings: these options with the command's agent ids and queues.
   *
   * @throws IllegalArgumentException when an option is out of range (the command reports it as a
   *     usage error)
   */
  public Simulation.Settings settings(String agentPrefix, String inputQueue, String outputQueue) {
    return new Simulation.Settings(
        agents, agentPrefix, thinkTime, rate, churn, inputQueue, outputQueue);
  }

  /** How long the traffic runs; zero until a signal stops it. */
  public Duration duration() {
    return duration;
  }

  private final Map<String, String> defaults;

  /**
   * The options with a command's defaults for {@code --agents}, {@code --rate}, {@code
   * --think-time} and {@code --churn}, written as an operator would type them ({@code "200ms"},
   * {@code "0.02"}).
   */
  public FleetOptions(String agents, String rate, String thinkTime, String churn) {
    this.defaults =
        Map.of("--agents", agents, "--rate", rate, "--think-time", thinkTime, "--churn", churn);
  }

  /**
   * Gives the command's four load options this instance's defaults. Picocli calls it while it
   * builds the command, once this mixin's options are in the command; an option's default is fixed
   * when the option is built, so the four are rebuilt, and every option is re-added in its old
   * order so the help lists them where the command declares the mixin.
   */
  @Spec(Spec.Target.MIXEE)
  void applyDefaults(CommandSpec command) {
    for (String name : defaults.keySet()) {
      // Fails the command's construction (and every test of it) should picocli ever inject the
      // command before the mixin's options are in it.
      Objects.requireNonNull(command.findOption(name), () -> name + " is not in the command yet");
    }
    List<OptionSpec> options = new ArrayList<>(command.options());
    options.forEach(command::remove);
    for (OptionSpec option : options) {
      String value = defaults.get(option.longestName());
      command.addOption(value == null ? option : option.toBuilder().defaultValue(value).build());
    }
  }
}
