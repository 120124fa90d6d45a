package dev.acs.broker.app.config;

import java.lang.reflect.AnnotatedElement;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * Gives each option the value of its environment variable when the command line does not set it.
 *
 * <p>An option's variable is declared once, where operators read it: its description ends with
 * {@code Env: NAME.} (e.g. {@code "Central server host (required). Env: GRPC_HOST."}). This
 * provider reads the name from there, so the help, the fallback and the error messages cannot
 * disagree, and no separate option-to-variable table exists to forget.
 *
 * <p>The environment is injected, so tests control it fully; production passes {@code
 * System.getenv()}. Blank variables count as unset. Options without a variable, or whose variable
 * is unset, keep the default of their annotation.
 */
public final class EnvironmentDefaults implements IDefaultValueProvider {

  private static final Pattern DECLARATION = Pattern.compile("\\bEnv: ([A-Z][A-Z0-9_]*)");

  private final Map<String, String> environment;

  /** A provider over {@code environment}. */
  public EnvironmentDefaults(Map<String, String> environment) {
    this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
  }

  @Override
  public @Nullable String defaultValue(ArgSpec argSpec) {
    if (!(argSpec instanceof OptionSpec option)) {
      return null;
    }
    String name = variableOf(option);
    // Picocli falls back to the annotation's defaultValue when the provider has none.
    return name == null ? null : variable(name);
  }

  /** The value of an environment variable, or {@code null} when it is unset or blank. */
  public @Nullable String variable(String name) {
    String value = environment.get(name);
    return value == null || value.isBlank() ? null : value;
  }

  /** The environment variable {@code option} declares in its description, if any. */
  public static @Nullable String variableOf(OptionSpec option) {
    // The annotation's text, not option.description(): that one expands ${DEFAULT-VALUE}, which
    // asks this provider again.
    if (!(option.userObject() instanceof AnnotatedElement member)) {
      return null;
    }
    Option annotation = member.getAnnotation(Option.class);
    if (annotation == null) {
      return null;
    }
    Matcher matcher = DECLARATION.matcher(String.join(" ", annotation.description()));
    return matcher.find() ? matcher.group(1) : null;
  }

  /**
   * The variable of the option called {@code name} in {@code command}.
   *
   * @throws IllegalArgumentException when the command has no such option or it declares none: a
   *     programming error caught by the tests
   */
  public static String variableOf(CommandSpec command, String name) {
    OptionSpec option = command.findOption(name);
    String variable = option == null ? null : variableOf(option);
    if (variable == null) {
      throw new IllegalArgumentException(name + " declares no environment variable");
    }
    return variable;
  }

  /**
   * An option as error messages name it, with its variable: {@code --queue-type (or
   * BROKER_QUEUE_TYPE)}.
   */
  public static String named(CommandSpec command, String name) {
    return name + " (or " + variableOf(command, name) + ")";
  }

  /**
   * The error for a word the option called {@code name} does not know: {@code unknown value 'x' for
   * --answers-to (or BROKER_ANSWERS_TO); use agents or client}.
   *
   * @param accepted the words it knows, as the message lists them
   */
  public static IllegalArgumentException unknownValue(
      CommandSpec command, String name, String value, String accepted) {
    return new IllegalArgumentException(
        "unknown value '" + value + "' for " + named(command, name) + "; use " + accepted);
  }
}
