package dev.acs.broker.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {

  @ParameterizedTest
  @CsvSource({
    "500ms, PT0.5S",
    "30s, PT30S",
    "2m, PT2M",
    "1h, PT1H",
    "1d, PT24H",
    "0s, PT0S",
    "PT30S, PT30S",
    "pt1m30s, PT1M30S",
    " 10s , PT10S"
  })
  void parse_acceptedForms_giveTheDuration(String text, String expected) {
    assertThat(DurationConverter.parse(text)).isEqualTo(Duration.parse(expected));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "30", "5x", "s", "PT", "-PT5S", "1.5s", "99999999999999999999s"})
  void parse_badInput_failsNamingTheAcceptedForms(String text) {
    assertThatThrownBy(() -> DurationConverter.parse(text))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("'" + text + "'");
  }
}
