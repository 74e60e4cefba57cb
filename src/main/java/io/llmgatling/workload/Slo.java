package io.llmgatling.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One service-level objective, e.g. {@code ttft.p95<2s}, {@code chat:e2e.p99<30s}, {@code errorRate<1%},
 * {@code outputTokensPerSec>50}.
 *
 * @param expr      the expression as the user wrote it (trimmed), shown in summaries
 * @param task      the task it applies to, or null for the whole run
 * @param metric    ttft | ttfa | itl | tpot | e2e | queue | clientDelay (times, ms) | errorRate (percent) |
 *                  requestsPerSec | outputTokensPerSec | goodputPerSec (per second)
 * @param stat      p50 | p90 | p95 | p99 | max | mean for time metrics; null for the others
 * @param lessThan  true for {@code <}, false for {@code >}
 * @param threshold milliseconds for times, percent for errorRate, per second for rates
 */
public record Slo(String expr, String task, String metric, String stat, boolean lessThan, double threshold) {

  /** Whether a single request can be judged against it (used for goodput): ttft, ttfa, itl, tpot, e2e. */
  public boolean perRequest() {
    return switch (metric) {
      case "ttft", "ttfa", "itl", "tpot", "e2e" -> true;
      default -> false;
    };
  }

  /** The grammar, quoted in every parse error so that the user can fix the expression at once. */
  public static final String GRAMMAR = "[task:]metric[.stat](<|>)value[unit] with metric ttft|ttfa|itl|tpot|e2e|queue"
      + "|clientDelay (stat p50|p90|p95|p99|max|mean, unit ms|s|m, bare number = ms), errorRate (%),"
      + " requestsPerSec|outputTokensPerSec|goodputPerSec (bare number)";

  /** Time metrics and their canonical spelling (lookup is case-insensitive). */
  private static final Map<String, String> TIME_METRICS = canonical("ttft", "ttfa", "itl", "tpot", "e2e", "queue",
      "clientDelay");
  private static final Map<String, String> RATE_METRICS = canonical("requestsPerSec", "outputTokensPerSec",
      "goodputPerSec");
  private static final List<String> STATS = List.of("p50", "p90", "p95", "p99", "max", "mean");

  private static final Pattern EXPRESSION = Pattern.compile(
      "(?:([A-Za-z0-9_-]+)\\s*:\\s*)?([A-Za-z][A-Za-z0-9]*)(?:\\.([A-Za-z0-9]+))?\\s*([<>])\\s*"
          + "(\\d+(?:\\.\\d+)?|\\.\\d+)\\s*([A-Za-z%/]*)");

  public Slo {
    if (metric == null || metric.isBlank()) {
      throw new IllegalArgumentException("SLO metric missing");
    }
  }

  /** Whether {@code actual} meets the objective. */
  public boolean isMetBy(double actual) {
    return lessThan ? actual < threshold : actual > threshold;
  }

  /**
   * Parses a comma-separated list; blank or null gives an empty list.
   *
   * @throws IllegalArgumentException with a one-line message showing the bad part and the grammar
   */
  public static List<Slo> parseList(String csv) {
    List<Slo> slos = new ArrayList<>();
    if (csv == null || csv.isBlank()) {
      return slos;
    }
    for (String part : csv.split("[,;]")) {
      if (!part.isBlank()) {
        slos.add(parse(part));
      }
    }
    return List.copyOf(slos);
  }

  /**
   * Parses one expression such as {@code chat:ttft.p95<2s}. A time metric without a stat means every
   * request ({@code max}).
   *
   * @throws IllegalArgumentException with a one-line message showing the bad part and the grammar
   */
  public static Slo parse(String expression) {
    String expr = expression == null ? "" : expression.trim();
    Matcher m = EXPRESSION.matcher(expr);
    if (!m.matches()) {
      throw bad(expr, "not of the form");
    }
    String task = m.group(1);
    String metricName = m.group(2).toLowerCase(Locale.ROOT);
    String stat = m.group(3) == null ? null : m.group(3).toLowerCase(Locale.ROOT);
    boolean lessThan = m.group(4).equals("<");
    double value = Double.parseDouble(m.group(5));
    String unit = m.group(6).toLowerCase(Locale.ROOT);

    if (TIME_METRICS.containsKey(metricName)) {
      if (stat != null && !STATS.contains(stat)) {
        throw bad(expr, "unknown stat '" + stat + "'");
      }
      double millis = switch (unit) {
        case "", "ms" -> value;
        case "s" -> value * 1_000;
        case "m" -> value * 60_000;
        default -> throw bad(expr, "unknown time unit '" + unit + "'");
      };
      return new Slo(expr, task, TIME_METRICS.get(metricName), stat == null ? "max" : stat, lessThan, millis);
    }
    if (metricName.equals("errorrate")) {
      if (stat != null) {
        throw bad(expr, "errorRate takes no stat");
      }
      if (!unit.isEmpty() && !unit.equals("%")) {
        throw bad(expr, "errorRate is in %, not '" + unit + "'");
      }
      return new Slo(expr, task, "errorRate", null, lessThan, value);
    }
    if (RATE_METRICS.containsKey(metricName)) {
      if (stat != null) {
        throw bad(expr, RATE_METRICS.get(metricName) + " takes no stat");
      }
      if (!unit.isEmpty() && !unit.equals("/s")) {
        throw bad(expr, RATE_METRICS.get(metricName) + " is a bare number per second, not '" + unit + "'");
      }
      return new Slo(expr, task, RATE_METRICS.get(metricName), null, lessThan, value);
    }
    throw bad(expr, "unknown metric '" + m.group(2) + "'");
  }

  private static IllegalArgumentException bad(String expr, String problem) {
    return new IllegalArgumentException("bad SLO '" + expr + "' (" + problem + "): expected " + GRAMMAR);
  }

  private static Map<String, String> canonical(String... names) {
    Map<String, String> byLowerCase = new java.util.HashMap<>();
    for (String name : names) {
      byLowerCase.put(name.toLowerCase(Locale.ROOT), name);
    }
    return Map.copyOf(byLowerCase);
  }
}
