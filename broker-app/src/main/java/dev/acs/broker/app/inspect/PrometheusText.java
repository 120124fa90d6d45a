package dev.acs.broker.app.inspect;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The samples of a Prometheus text exposition, just enough to read the broker's own metrics: name,
 * labels and value per line; comments and timestamps ignored.
 */
final class PrometheusText {

  /** One sample. */
  record Sample(String name, Map<String, String> labels, double value) {}

  private final List<Sample> samples;

  private PrometheusText(List<Sample> samples) {
    this.samples = samples;
  }

  static PrometheusText parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String rawLine : text.lines().toList()) {
      String line = rawLine.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Sample sample = parseLine(line);
      if (sample != null) {
        samples.add(sample);
      }
    }
    return new PrometheusText(samples);
  }

  /** The sample on {@code line}, or null when the line is not one (it is skipped). */
  private static @Nullable Sample parseLine(String line) {
    int brace = line.indexOf('{');
    int space = line.indexOf(' ');
    String name;
    Map<String, String> labels = new LinkedHashMap<>();
    String rest;
    if (brace >= 0 && (space < 0 || brace < space)) {
      name = line.substring(0, brace);
      int i = brace + 1;
      while (i < line.length() && line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        if (eq < 0) {
          return null;
        }
        String key = line.substring(i, eq).strip();
        StringBuilder value = new StringBuilder();
        int j = eq + 2; // skip ="
        while (j < line.length() && line.charAt(j) != '"') {
          char c = line.charAt(j);
          if (c == '\\' && j + 1 < line.length()) {
            char next = line.charAt(++j);
            value.append(next == 'n' ? '\n' : next);
          } else {
            value.append(c);
          }
          j++;
        }
        labels.put(key, value.toString());
        i = j + 1;
        if (i < line.length() && line.charAt(i) == ',') {
          i++;
        }
      }
      rest = line.substring(Math.min(i + 1, line.length())).strip();
    } else {
      if (space < 0) {
        return null;
      }
      name = line.substring(0, space);
      rest = line.substring(space + 1).strip();
    }
    String number = rest.split("\\s+", 2)[0];
    double value;
    try {
      value = Double.parseDouble(number.replace("+Inf", "Infinity").replace("-Inf", "-Infinity"));
    } catch (NumberFormatException notANumber) {
      return null;
    }
    return new Sample(name, Collections.unmodifiableMap(labels), value);
  }

  /** The sum of every sample of {@code name} (over all label values); 0 when there is none. */
  double sum(String name) {
    double total = 0;
    for (Sample sample : samples) {
      if (sample.name().equals(name)) {
        total += sample.value();
      }
    }
    return total;
  }

  /** The sum of the samples of {@code name} whose label {@code key} is {@code value}. */
  double sum(String name, String key, String value) {
    double total = 0;
    for (Sample sample : samples) {
      if (sample.name().equals(name) && value.equals(sample.labels().get(key))) {
        total += sample.value();
      }
    }
    return total;
  }

  /** The value of the first sample of {@code name}, or NaN. */
  double value(String name) {
    for (Sample sample : samples) {
      if (sample.name().equals(name)) {
        return sample.value();
      }
    }
    return Double.NaN;
  }

  /** Sample values of {@code name} by the value of its label {@code key}, in exposition order. */
  Map<String, Double> byLabel(String name, String key) {
    Map<String, Double> values = new LinkedHashMap<>();
    for (Sample sample : samples) {
      String label = sample.labels().get(key);
      if (sample.name().equals(name) && label != null) {
        values.merge(label, sample.value(), Double::sum);
      }
    }
    return values;
  }
}
