package io.llmgatling.report;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.llmgatling.capacity.Pct;
import java.util.Map;

/**
 * The figures of a group of requests (SPEC "STATS"): the whole run, one task or one model.
 *
 * <p>Rates are over the run's duration (end − start). {@code outputTokens} sums the OK requests.
 * TTFT, ITL, TPOT and E2E percentiles are over OK requests only, so that fast failures (a 503 in 2 ms)
 * do not flatter the latency; {@code queueMs} is over OK requests where the server reported it;
 * {@code clientDelayMs} is over every request (the injector's lag hits failures as well).
 * {@code staleRetries} counts the requests sent once more on a new connection because their reused
 * keep-alive connection closed before any response byte (requests.jsonl {@code retried}); they are OK
 * unless the second attempt failed, and count once in {@code requests}.
 * {@code promptTokens} sums the prompt tokens the server reported for the OK requests (the whole prompt, cached part
 * included); {@code cachedTokens} the part of them it served from its prompt cache, null when the server never
 * said; {@code cacheHitRate} = cached / prompt tokens over the OK requests that reported both (0..1), null when
 * none did. A high rate flatters TTFT: prefill skipped the cached prefix.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"requests", "ok", "ko", "errors", "staleRetries", "requestsPerSec", "outputTokens", "outputTokensPerSec",
    "goodputPerSec", "promptTokens", "cachedTokens", "cacheHitRate", "ttftMs", "itlMs", "tpotMs", "e2eMs", "queueMs", "clientDelayMs"})
public record Stats(long requests, long ok, long ko, Map<String, Long> errors,
                    double requestsPerSec, long outputTokens, double outputTokensPerSec, double goodputPerSec,
                    Pct ttftMs, Pct itlMs, Pct tpotMs, Pct e2eMs, Pct queueMs, Pct clientDelayMs,
                    long staleRetries, long promptTokens, Long cachedTokens, Double cacheHitRate) {

  /** Figures without prompt or cache counts. */
  public Stats(long requests, long ok, long ko, Map<String, Long> errors, double requestsPerSec, long outputTokens,
      double outputTokensPerSec, double goodputPerSec, Pct ttftMs, Pct itlMs, Pct tpotMs, Pct e2eMs, Pct queueMs,
      Pct clientDelayMs, long staleRetries) {
    this(requests, ok, ko, errors, requestsPerSec, outputTokens, outputTokensPerSec, goodputPerSec, ttftMs, itlMs,
        tpotMs, e2eMs, queueMs, clientDelayMs, staleRetries, 0, null, null);
  }

  /** Figures without resent requests ({@code staleRetries} 0). */
  public Stats(long requests, long ok, long ko, Map<String, Long> errors, double requestsPerSec, long outputTokens,
      double outputTokensPerSec, double goodputPerSec, Pct ttftMs, Pct itlMs, Pct tpotMs, Pct e2eMs, Pct queueMs,
      Pct clientDelayMs) {
    this(requests, ok, ko, errors, requestsPerSec, outputTokens, outputTokensPerSec, goodputPerSec, ttftMs, itlMs,
        tpotMs, e2eMs, queueMs, clientDelayMs, 0);
  }

  /** ko / requests × 100, or null without requests. */
  @JsonIgnore
  public Double errorRatePercent() {
    return requests == 0 ? null : ko * 100.0 / requests;
  }

  /**
   * The value an SLO or a baseline names: {@code errorRate}, {@code requestsPerSec},
   * {@code outputTokensPerSec}, {@code goodputPerSec}, or a time metric (ttft, itl, tpot, e2e, queue,
   * clientDelay) with a stat (p50, p90, p95, p99, max, mean). Null when there is no sample or the name is unknown.
   */
  public Double metric(String metric, String stat) {
    return switch (metric) {
      case "errorRate" -> errorRatePercent();
      case "requestsPerSec" -> requestsPerSec;
      case "outputTokensPerSec" -> outputTokensPerSec;
      case "goodputPerSec" -> goodputPerSec;
      case "cacheHitRate" -> cacheHitRate;
      case "ttft" -> ttftMs.stat(stat);
      case "itl" -> itlMs.stat(stat);
      case "tpot" -> tpotMs.stat(stat);
      case "e2e" -> e2eMs.stat(stat);
      case "queue" -> queueMs.stat(stat);
      case "clientDelay" -> clientDelayMs.stat(stat);
      default -> null;
    };
  }
}
