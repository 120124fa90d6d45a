package dev.acs.broker.app.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acs.broker.app.cli.BrokerCli;
import dev.acs.broker.app.config.BrokerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * The {@code broker} command line in-process, over an injected environment, with a launcher that
 * only records the configuration {@code run} would start with: the fixture of the tests of {@code
 * run}'s options.
 */
final class RunCommandLine {

  /** The environment that names the required settings and nothing else. */
  static final Map<String, String> REQUIRED =
      Map.of("GRPC_HOST", "central", "GRPC_PORT", "50051", "RABBITMQ_HOST", "rabbit");

  private final List<BrokerConfig> launched = new ArrayList<>();
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  /** Runs {@code broker args} over {@code environment}; the exit code. */
  int run(Map<String, String> environment, String... args) {
    CommandLine commandLine =
        BrokerCli.commandLine(
            environment,
            config -> {
              launched.add(config);
              return 0;
            });
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  /** The configuration of the one successful {@code run} so far. */
  BrokerConfig launchedConfig() {
    assertThat(launched).as(err.toString()).hasSize(1);
    return launched.get(0);
  }

  /** Every configuration launched so far, in order. */
  List<BrokerConfig> launched() {
    return launched;
  }

  /** All standard output so far. */
  String out() {
    return out.toString();
  }

  /** All error output so far. */
  String err() {
    return err.toString();
  }
}
