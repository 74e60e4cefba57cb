package io.llmgatling.workload;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and prints human durations: {@code 500ms}, {@code 20s}, {@code 1.5s}, {@code 5m}, {@code 1h}. */
public final class Durations {

  /** What {@link #parse} accepts, for error messages. */
  public static final String ACCEPTED = "a duration like 500ms, 20s, 5m or 1h";

  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)");

  private Durations() {
  }

  /**
   * Parses a duration with its unit ({@code ms}, {@code s}, {@code m}, {@code h}).
   *
   * @throws IllegalArgumentException when the text is not such a duration
   */
  public static Duration parse(String text) {
    String trimmed = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    Matcher m = DURATION.matcher(trimmed);
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not " + ACCEPTED);
    }
    double amount = Double.parseDouble(m.group(1));
    double millis = switch (m.group(2)) {
      case "ms" -> amount;
      case "s" -> amount * 1_000;
      case "m" -> amount * 60_000;
      default -> amount * 3_600_000;
    };
    return Duration.ofNanos(Math.round(millis * 1_000_000));
  }

  /** Prints a duration the way a user would write it: {@code 30s}, {@code 5m}, {@code 1500ms}. */
  public static String format(Duration duration) {
    long millis = duration.toMillis();
    if (millis % 3_600_000 == 0 && millis > 0) {
      return millis / 3_600_000 + "h";
    }
    if (millis % 60_000 == 0 && millis > 0) {
      return millis / 60_000 + "m";
    }
    if (millis % 1_000 == 0) {
      return millis / 1_000 + "s";
    }
    return millis + "ms";
  }

  /** Seconds as a double, the unit load profiles compute in. */
  public static double seconds(Duration duration) {
    return duration.toNanos() / 1e9;
  }
}
