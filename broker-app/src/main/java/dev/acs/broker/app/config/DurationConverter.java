package dev.acs.broker.app.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads durations as operators write them: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h},
 * {@code 1d}, or ISO-8601 ({@code PT30S}). Negative durations are refused.
 */
public final class DurationConverter implements ITypeConverter<Duration> {

  private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  /**
   * Parses one duration.
   *
   * @throws TypeConversionException naming the bad text and the accepted forms
   */
  public static Duration parse(String value) {
    String text = value.strip().toLowerCase(Locale.ROOT);
    Matcher matcher = SHORT.matcher(text);
    Duration duration;
    if (matcher.matches()) {
      long amount;
      try {
        amount = Long.parseLong(matcher.group(1));
      } catch (NumberFormatException tooLarge) {
        throw invalid(value);
      }
      duration =
          switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
          };
    } else if (text.startsWith("p") || text.startsWith("-p")) {
      try {
        duration = Duration.parse(value.strip());
      } catch (DateTimeParseException notIso) {
        throw invalid(value);
      }
    } else {
      throw invalid(value);
    }
    if (duration.isNegative()) {
      throw new TypeConversionException("'" + value + "' is negative; a duration must be >= 0");
    }
    return duration;
  }

  private static TypeConversionException invalid(String value) {
    return new TypeConversionException(
        "'" + value + "' is not a duration; write e.g. 500ms, 30s, 2m, 1h or PT30S");
  }
}
