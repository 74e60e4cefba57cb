package io.llmgatling.report;

import io.llmgatling.engine.record.RequestRecord;
import java.util.Map;
import java.util.TreeMap;

/** Accumulates the {@link Stats} of one group of requests (the run, a task, a model or a load step). */
final class GroupAggregator {
  private long requests;
  private long ok;
  private long good;
  private long outputTokens;
  private long staleRetries;
  private long promptTokens;
  private long cachedTokens;
  private long cachedOf;       // prompt tokens of the requests that reported a cached count
  private boolean cacheReported;
  private final Map<String, Long> errors = new TreeMap<>();
  final MetricRecorder ttft = ms();
  final MetricRecorder itl = ms();
  final MetricRecorder tpot = ms();
  final MetricRecorder e2e = ms();
  final MetricRecorder queue = ms();
  final MetricRecorder clientDelay = ms();

  private static MetricRecorder ms() {
    return new MetricRecorder(3, 1000);
  }

  /**
   * @param meetsPerRequestSlos whether the request is OK and met every per-request SLO that applies to it
   */
  void add(RequestRecord r, boolean meetsPerRequestSlos) {
    requests++;
    if (r.retried()) {
      staleRetries++;
    }
    clientDelay.record(r.clientDelayMs());
    if (r.ok()) {
      ok++;
      if (meetsPerRequestSlos) {
        good++;
      }
      if (r.outputTokens() != null) {
        outputTokens += r.outputTokens();
      }
      if (r.promptTokens() != null) {
        promptTokens += r.promptTokens();
        if (r.cachedTokens() != null) {
          cacheReported = true;
          cachedTokens += r.cachedTokens();
          cachedOf += r.promptTokens();
        }
      }
      ttft.record(r.ttftMs());
      itl.record(r.itlMs());
      tpot.record(r.tpotMs());
      e2e.record(r.e2eMs());
      queue.record(r.queueMs());
    } else {
      errors.merge(r.cause() == null ? "unknown" : r.cause(), 1L, Long::sum);
    }
  }

  long requests() {
    return requests;
  }

  Stats toStats(double durationSec) {
    return new Stats(requests, ok, requests - ok, new TreeMap<>(errors),
        rate(requests, durationSec), outputTokens, rate(outputTokens, durationSec), rate(good, durationSec),
        ttft.toPct(), itl.toPct(), tpot.toPct(), e2e.toPct(), queue.toPct(), clientDelay.toPct(), staleRetries,
        promptTokens, cacheReported ? Long.valueOf(cachedTokens) : null, cacheHitRate());
  }

  /** Cached / prompt tokens over the OK requests whose server said both, 4 decimals; null when none did. */
  private Double cacheHitRate() {
    if (!cacheReported || cachedOf <= 0) {
      return cacheReported ? Double.valueOf(0) : null;
    }
    return Math.round(cachedTokens * 10_000.0 / cachedOf) / 10_000.0;
  }

  static double rate(long count, double durationSec) {
    if (durationSec <= 0) {
      return 0;
    }
    Double rounded = MetricRecorder.round3(count / durationSec);
    return rounded == null ? 0 : rounded;
  }
}
