package dev.acs.broker.app.sandbox.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acs.broker.app.cli.BrokerCli;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class FleetOptionsTest {

  private static String help(String command) {
    return BrokerCli.commandLine(Map.of(), config -> 0)
        .getSubcommands()
        .get(command)
        .getUsageMessage();
  }

  @Test
  void demoHelp_showsTheDemosOwnDefaults() {
    assertThat(help("demo"))
        .containsPattern("--agents=N +Number of simulated agents\\. Default: 4\\.")
        .containsPattern("--rate=PER_SECOND[^-]+Default: 20\\.")
        .containsPattern("--think-time=DURATION[^-]+Default: 200ms\\.")
        .containsPattern("--churn=P[^-]+Default: 0\\.02\\.");
  }

  @Test
  void simulateHelp_showsSimulatesOwnDefaults() {
    assertThat(help("simulate"))
        .containsPattern("--agents=N +Number of simulated agents\\. Default: 3\\.")
        .containsPattern("--rate=PER_SECOND[^-]+Default: 1\\.")
        .containsPattern("--think-time=DURATION[^-]+Default: 500ms\\.")
        .containsPattern("--churn=P[^-]+Default: 0\\.");
  }

  @Test
  void optionsGiven_winOverTheCommandsDefaults() {
    CommandLine cli = BrokerCli.commandLine(Map.of(), config -> 0);
    cli.parseArgs(
        "simulate", "--agents", "7", "--rate", "2.5", "--think-time", "1s", "--churn", "0.1");
    SimulateCommand command = cli.getSubcommands().get("simulate").getCommand();

    Simulation.Settings settings = command.settings();
    assertThat(settings.agents()).isEqualTo(7);
    assertThat(settings.rate()).isEqualTo(2.5);
    assertThat(settings.thinkTime()).isEqualTo(Duration.ofSeconds(1));
    assertThat(settings.churn()).isEqualTo(0.1);
  }
}
