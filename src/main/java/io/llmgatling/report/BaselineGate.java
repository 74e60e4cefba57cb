package io.llmgatling.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Compares a run's summary with a stored baseline summary, for pipelines: a regression is a latency that went up,
 * a throughput that went down, or an error rate that went up, by more than the tolerance.
 */
public final class BaselineGate {
  /** Checked when no metric is named. */
  public static final List<String> DEFAULT_METRICS = List.of("ttft.p95", "itl.p95", "e2e.p95", "requestsPerSec",
      "outputTokensPerSec", "errorRate");
  private static final List<String> TIME_METRICS = List.of("ttft", "ttfa", "itl", "tpot", "e2e", "queue",
      "clientDelay");
  private static final List<String> STATS = List.of("p50", "p90", "p95", "p99", "max", "mean");
  private static final List<String> RATES = List.of("requestsPerSec", "outputTokensPerSec", "goodputPerSec");

  /**
   * One metric's verdict; {@code changePct} is relative to the baseline, null when either side has no value
   * (which is never a regression).
   */
  public record Check(String metric, Double baseline, Double current, Double changePct, boolean regression) {
  }

  /** All verdicts; {@code regressed} when any of them is a regression. */
  public record Result(List<Check> checks, boolean regressed, double tolerance) {
  }

  private BaselineGate() {
  }

  /**
   * @param tolerance        allowed relative change, e.g. 0.10 for 10%
   * @param metrics          names like {@code ttft.p95}, {@code e2e.p99}, {@code requestsPerSec}, {@code errorRate}
   * @param errorRateSlack   percentage points the error rate may rise on top of the relative tolerance, so a zero
   *                         baseline does not fail on one stray error
   * @throws IllegalArgumentException on an unknown metric name
   */
  public static Result check(Summary baseline, Summary current, double tolerance, List<String> metrics,
                             double errorRateSlack) {
    List<Check> checks = new ArrayList<>();
    for (String name : metrics) {
      String[] parts = name.trim().split("\\.", 2);
      String metric = parts[0];
      String stat = parts.length > 1 ? parts[1] : null;
      boolean time = TIME_METRICS.contains(metric);
      if (time ? !STATS.contains(stat) : !(RATES.contains(metric) || metric.equals("errorRate")) || stat != null) {
        throw new IllegalArgumentException("unknown metric '" + name.trim() + "'; use e.g. ttft.p95, itl.p99, "
            + "tpot.p50, e2e.p99, queue.p95, clientDelay.p95, requestsPerSec, outputTokensPerSec, goodputPerSec, "
            + "errorRate");
      }
      Double before = baseline.all().metric(metric, stat);
      Double after = current.all().metric(metric, stat);
      boolean regression = false;
      Double change = null;
      if (before != null && after != null) {
        change = before == 0 ? null : MetricRecorder.round3((after - before) / before * 100);
        if (RATES.contains(metric)) {
          regression = after < before * (1 - tolerance);
        } else if (metric.equals("errorRate")) {
          regression = after > before * (1 + tolerance) + errorRateSlack;
        } else {
          regression = after > before * (1 + tolerance);
        }
      }
      checks.add(new Check(name.trim(), before, after, change, regression));
    }
    return new Result(checks, checks.stream().anyMatch(Check::regression), tolerance);
  }

  /** A plain-text table for the console. */
  public static String table(Result result) {
    StringBuilder out = new StringBuilder();
    String format = "%-22s %14s %14s %10s  %s%n";
    out.append(String.format(Locale.ROOT, format, "metric", "baseline", "current", "change", "verdict"));
    for (Check c : result.checks()) {
      out.append(String.format(Locale.ROOT, format, c.metric(), fmt(c.baseline()), fmt(c.current()),
          c.changePct() == null ? "n/a" : String.format(Locale.ROOT, "%+.1f%%", c.changePct()),
          c.baseline() == null || c.current() == null ? "not compared" : c.regression() ? "REGRESSION" : "ok"));
    }
    out.append(String.format(Locale.ROOT, "%s (tolerance %.1f%%)%n",
        result.regressed() ? "FAILED: regression beyond tolerance" : "passed", result.tolerance() * 100));
    return out.toString();
  }

  private static String fmt(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.3f", v);
  }
}
