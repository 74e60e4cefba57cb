package io.llmgatling.run;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The samples of a Prometheus text exposition ({@code /metrics}, format 0.0.4): {@code name{labels} value
 * [timestamp]} lines, {@code #} lines skipped. Central has writers of this format (prometheus-metrics-exposition-
 * textformats) but no light reader: the official parsers are Go and Python. What llama-server prints needs no
 * more than this: names with {@code :}, no labels, numbers including {@code NaN} and {@code +Inf}.
 */
public final class PrometheusText {
  private PrometheusText() {
  }

  /**
   * Parses an exposition.
   *
   * @param text the body of /metrics
   * @return value by series ({@code name}, or {@code name{labels}} as written), in order; malformed lines skipped
   */
  public static Map<String, Double> parse(String text) {
    Map<String, Double> samples = new LinkedHashMap<>();
    for (String raw : text.split("\\R")) {
      String line = raw.trim();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int close = line.lastIndexOf('}');
      int split = close >= 0 ? close + 1 : line.indexOf(' ');
      if (split <= 0 || split >= line.length()) {
        continue;
      }
      String series = line.substring(0, split).trim();
      String[] rest = line.substring(split).trim().split("\\s+");
      try {
        samples.put(series, value(rest[0]));
      } catch (NumberFormatException e) {
        // not a sample line
      }
    }
    return samples;
  }

  private static double value(String text) {
    return switch (text) {
      case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(text);
    };
  }
}
