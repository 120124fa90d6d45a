package dev.acs.broker.app.run;

import dev.acs.broker.app.config.BrokerConfig.LogFormat;
import dev.acs.broker.app.config.EnvironmentDefaults;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** {@code broker run}'s options for log lines ({@code --log-file} is with the interop options). */
final class LoggingOptions {

  @Option(
      names = "--log-format",
      paramLabel = "FORMAT",
      defaultValue = "text",
      description =
          "Log line format: text or json. Env: BROKER_LOG_FORMAT. Default: ${DEFAULT-VALUE}.")
  private String logFormat = "text";

  @Option(
      names = "--log-level",
      paramLabel = "LEVEL",
      description =
          "Level of the broker's own loggers: error, warn, info, debug or trace (default: info;"
              + " debug logs one line per message). Env: BROKER_LOG_LEVEL.")
  private @Nullable String logLevel;

  LogFormat format(CommandSpec command) {
    return switch (logFormat.strip().toLowerCase(Locale.ROOT)) {
      case "text" -> LogFormat.TEXT;
      case "json" -> LogFormat.JSON;
      default ->
          throw new IllegalArgumentException(
              "Invalid "
                  + EnvironmentDefaults.named(command, "--log-format")
                  + " '"
                  + logFormat
                  + "'; use text or json");
    };
  }

  /** The level of the broker's own loggers, or {@code null} for the default. */
  @Nullable String level(CommandSpec command) {
    if (logLevel == null || logLevel.isBlank()) {
      return null;
    }
    String normalized = logLevel.strip().toUpperCase(Locale.ROOT);
    return switch (normalized) {
      case "ERROR", "WARN", "INFO", "DEBUG", "TRACE" -> normalized;
      default ->
          throw new IllegalArgumentException(
              "Invalid "
                  + EnvironmentDefaults.named(command, "--log-level")
                  + " '"
                  + logLevel
                  + "'; use error, warn, info, debug or trace");
    };
  }
}
