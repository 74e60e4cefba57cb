package io.llmgatling.workload;

import java.time.Duration;

/**
 * {@code llm.warmup}: requests sent before the measured load, in the same mix, recorded with {@code "warmup": true}
 * and left out of every figure: either for a while ({@code 5s}) or a number of requests ({@code 20}).
 *
 * @param duration how long the warm-up arrivals last, or null for a count
 * @param requests how many warm-up requests, or 0 for a duration
 */
public record Warmup(Duration duration, int requests) {
  /** No warm-up. */
  public static final Warmup NONE = new Warmup(null, 0);

  public Warmup {
    if (requests < 0 || (duration != null && (duration.isNegative() || requests != 0))) {
      throw new IllegalArgumentException("a warm-up is a duration >= 0 or a request count >= 0");
    }
    if (duration != null && duration.isZero()) {
      duration = null;
    }
  }

  /** {@code 0} (none), a whole number of requests, or a duration. */
  public static Warmup parse(String text) {
    String t = text.trim();
    if (t.matches("\\d+")) {
      try {
        return new Warmup(null, Integer.parseInt(t));
      } catch (NumberFormatException tooBig) {
        throw new IllegalArgumentException("'" + text + "' is too many warm-up requests");
      }
    }
    try {
      return new Warmup(Durations.parse(t), 0);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + text + "' is neither a whole number of requests (e.g. 20) nor "
          + Durations.ACCEPTED + "; 0 = no warm-up");
    }
  }

  /** Whether there is a warm-up at all. */
  public boolean enabled() {
    return duration != null || requests > 0;
  }

  /**
   * How long the warm-up's arrivals last at {@code ratePerSec}: its duration, or the time its requests take to
   * arrive at that rate.
   */
  public Duration arrivalSpan(double ratePerSec) {
    if (duration != null) {
      return duration;
    }
    return Duration.ofNanos(Math.round(requests / ratePerSec * 1e9));
  }

  /** As the user would write it. */
  public String describe() {
    return !enabled() ? "0" : duration != null ? Durations.format(duration) : Integer.toString(requests);
  }
}
