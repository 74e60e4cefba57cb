package io.llmgatling.run;

import io.llmgatling.engine.record.RequestRecord;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.Histogram;

/**
 * Running totals for the console while the load goes on: counts, tokens and the TTFT distribution so far.
 * Lock-free on the recording side (event loops); the progress printer takes snapshots.
 */
final class LiveStats {
  private final LongAdder requests = new LongAdder();
  private final LongAdder ko = new LongAdder();
  private final LongAdder outputTokens = new LongAdder();
  private final Recorder ttftMicros = new Recorder(3);
  private final Histogram ttftSoFar = new Histogram(3);
  private long lastTokens;
  private long lastNanos = System.nanoTime();

  void record(RequestRecord r) {
    requests.increment();
    if (!r.ok()) {
      ko.increment();
      return;
    }
    if (r.outputTokens() != null) {
      outputTokens.add(r.outputTokens());
    }
    if (r.ttftMs() != null) {
      ttftMicros.recordValue(Math.max(0, Math.round(r.ttftMs() * 1000)));
    }
  }

  /** One progress line; called from a single printer thread. */
  synchronized String progressLine(long elapsedSeconds) {
    ttftSoFar.add(ttftMicros.getIntervalHistogram());
    long now = System.nanoTime();
    long tokens = outputTokens.sum();
    double tokPerSec = (tokens - lastTokens) / Math.max(1e-9, (now - lastNanos) / 1e9);
    lastTokens = tokens;
    lastNanos = now;
    String ttft = ttftSoFar.getTotalCount() == 0 ? "-"
        : String.format("%.0f ms", ttftSoFar.getValueAtPercentile(95) / 1000.0);
    return String.format("[%4ds] requests %d (KO %d) | %.0f output tok/s | TTFT p95 so far %s",
        elapsedSeconds, requests.sum(), ko.sum(), tokPerSec, ttft);
  }

  long requests() {
    return requests.sum();
  }
}
