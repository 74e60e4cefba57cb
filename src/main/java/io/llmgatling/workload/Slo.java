package io.llmgatling.workload;

import java.util.List;

/**
 * One service-level objective, e.g. {@code ttft.p95<2s}, {@code chat:e2e.p99<30s}, {@code errorRate<1%},
 * {@code outputTokensPerSec>50}.
 *
 * @param expr      the expression as the user wrote it (trimmed), shown in summaries
 * @param task      the task it applies to, or null for the whole run
 * @param metric    ttft | itl | tpot | e2e | queue | clientDelay (times, ms) | errorRate (percent) |
 *                  requestsPerSec | outputTokensPerSec | goodputPerSec (per second)
 * @param stat      p50 | p90 | p95 | p99 | max | mean for time metrics; null for the others
 * @param lessThan  true for {@code <}, false for {@code >}
 * @param threshold milliseconds for times, percent for errorRate, per second for rates
 */
public record Slo(String expr, String task, String metric, String stat, boolean lessThan, double threshold) {

  /** Whether a single request can be judged against it (used for goodput): ttft, itl, tpot, e2e. */
  public boolean perRequest() {
    return switch (metric) {
      case "ttft", "itl", "tpot", "e2e" -> true;
      default -> false;
    };
  }

  /** Parses a comma-separated list; throws {@link IllegalArgumentException} with a one-line message. */
  public static List<Slo> parseList(String csv) {
    throw new UnsupportedOperationException("implemented by the workload package");
  }
}
