package dev.acs.broker.app.run;

import dev.acs.broker.app.config.DurationConverter;
import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code broker run}'s options for how long start-up and shutdown may take. */
final class LifecycleOptions {

  @Option(
      names = "--snapshot-timeout",
      paramLabel = "DURATION",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description =
          "How long start-up waits for the first agent snapshot (e.g. 30s, 500ms, 2m, PT30S)."
              + " Env: BROKER_SNAPSHOT_TIMEOUT. Default: ${DEFAULT-VALUE}.")
  private Duration snapshotTimeout = Duration.ofSeconds(30);

  @Option(
      names = "--drain-timeout",
      paramLabel = "DURATION",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description =
          "How long shutdown waits for in-flight messages to settle. Env: BROKER_DRAIN_TIMEOUT."
              + " Default: ${DEFAULT-VALUE}.")
  private Duration drainTimeout = Duration.ofSeconds(10);

  Duration snapshotTimeout() {
    return snapshotTimeout;
  }

  Duration drainTimeout() {
    return drainTimeout;
  }
}
