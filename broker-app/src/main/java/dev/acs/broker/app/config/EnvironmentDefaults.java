package dev.acs.broker.app.config;

import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Gives each option the value of its environment variable when the command line does not set it.
 * The environment is injected, so tests control it fully; production passes {@code
 * System.getenv()}. Blank variables count as unset. Options without a variable, or whose variable
 * is unset, keep the default of their annotation.
 */
public final class EnvironmentDefaults implements IDefaultValueProvider {

  private final Map<String, String> environment;
  private final Map<String, String> variableByOption;

  /**
   * A provider over {@code environment}.
   *
   * @param variableByOption the environment variable of each option, by the option's longest name
   *     (e.g. {@code --grpc-host -> GRPC_HOST})
   */
  public EnvironmentDefaults(
      Map<String, String> environment, Map<String, String> variableByOption) {
    this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
    this.variableByOption = Map.copyOf(variableByOption);
  }

  @Override
  public @Nullable String defaultValue(ArgSpec argSpec) {
    if (!(argSpec instanceof OptionSpec option)) {
      return null;
    }
    String variable = variableByOption.get(option.longestName());
    if (variable != null) {
      String value = environment.get(variable);
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    // Picocli falls back to the annotation's defaultValue when the provider has none.
    return null;
  }

  /** The value of an environment variable, or {@code null} when it is unset or blank. */
  public @Nullable String variable(String name) {
    String value = environment.get(name);
    return value == null || value.isBlank() ? null : value;
  }
}
