package io.llmgatling.report;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.llmgatling.engine.record.RequestRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Per-time-bucket figures for the "over time" charts, in bounded memory: buckets start one second wide
 * (or wider when the expected run length needs it) and double in width, merging pairs, whenever there would be
 * more than {@link #MAX_BUCKETS}, so the page stays small whatever the run length.
 *
 * <p>A request arrives at {@code intendedAtMs}, is in flight from sent ({@code intended + clientDelay}) to
 * sent + E2E, and completes at that end; its output tokens and its error count in the completion bucket.
 */
final class TimeSeriesAggregator {
  static final int MAX_BUCKETS = 600;

  private final long originMs;
  private long widthMs;
  private long lastEndMs;
  private final List<Bucket> buckets = new ArrayList<>();

  TimeSeriesAggregator(long originMs, long expectedDurationMs) {
    this.originMs = originMs;
    long width = 1000;
    while (expectedDurationMs / width >= MAX_BUCKETS) {
      width *= 2;
    }
    this.widthMs = width;
    this.lastEndMs = originMs + Math.max(0, expectedDurationMs);
  }

  void add(RequestRecord r) {
    double sentMs = r.intendedAtMs() + (r.clientDelayMs() == null ? 0 : Math.max(0, r.clientDelayMs()));
    double endMs = sentMs + (r.e2eMs() == null ? 0 : Math.max(0, r.e2eMs()));
    lastEndMs = Math.max(lastEndMs, (long) Math.ceil(endMs));
    int completion = index(endMs); // first: it is the latest instant, so any coarsening happens here
    int arrival = index(r.intendedAtMs());
    bucket(arrival).arrivals++;
    Bucket done = bucket(completion);
    done.completions++;
    if (r.ok()) {
      if (r.outputTokens() != null) {
        done.outputTokens += r.outputTokens();
      }
      done.ttft().record(r.ttftMs());
      done.itl().record(r.itlMs());
      done.e2e().record(r.e2eMs());
    } else {
      done.errors.merge(r.cause() == null ? "unknown" : r.cause(), 1L, Long::sum);
    }
    // time-weighted concurrency: each bucket gets the part of [sent, end) that overlaps it
    for (int i = index(sentMs); i <= completion; i++) {
      double bucketStart = originMs + (double) i * widthMs;
      double overlap = Math.min(endMs, bucketStart + widthMs) - Math.max(sentMs, bucketStart);
      if (overlap > 0) {
        bucket(i).inFlightMs += overlap;
      }
    }
  }

  /** The bucket index of an instant, coarsening first so that it fits. */
  private int index(double epochMs) {
    long offset = (long) Math.max(0, epochMs - originMs);
    while (offset / widthMs >= MAX_BUCKETS) {
      coarsen();
    }
    return (int) (offset / widthMs);
  }

  private void coarsen() {
    List<Bucket> merged = new ArrayList<>((buckets.size() + 1) / 2);
    for (int i = 0; i < buckets.size(); i += 2) {
      Bucket first = buckets.get(i);
      if (i + 1 < buckets.size()) {
        first.add(buckets.get(i + 1));
      }
      merged.add(first);
    }
    buckets.clear();
    buckets.addAll(merged);
    widthMs *= 2;
  }

  private Bucket bucket(int i) {
    while (buckets.size() <= i) {
      buckets.add(new Bucket());
    }
    return buckets.get(i);
  }

  /** The series for the page; rates are per second over each bucket's width (the last one cut at the run end). */
  Series toSeries(long runEndMs) {
    long endMs = Math.max(runEndMs, lastEndMs);
    int n = buckets.size();
    List<Double> t = new ArrayList<>(n);
    List<Double> arrivals = new ArrayList<>(n);
    List<Double> completions = new ArrayList<>(n);
    List<Double> inFlight = new ArrayList<>(n);
    List<Double> tokens = new ArrayList<>(n);
    Map<String, List<Double>> latency = new TreeMap<>();
    TreeSet<String> causes = new TreeSet<>();
    buckets.forEach(b -> causes.addAll(b.errors.keySet()));
    Map<String, List<Double>> errors = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      Bucket b = buckets.get(i);
      long start = originMs + i * widthMs;
      double seconds = Math.max(1, Math.min(widthMs, endMs - start)) / 1000.0;
      t.add(i * widthMs / 1000.0);
      arrivals.add(MetricRecorder.round3(b.arrivals / seconds));
      completions.add(MetricRecorder.round3(b.completions / seconds));
      inFlight.add(MetricRecorder.round3(b.inFlightMs / (seconds * 1000)));
      tokens.add(MetricRecorder.round3(b.outputTokens / seconds));
      percentiles(latency, "ttft", b.ttft);
      percentiles(latency, "itl", b.itl);
      percentiles(latency, "e2e", b.e2e);
      for (String cause : causes) {
        errors.computeIfAbsent(cause, c -> new ArrayList<>())
            .add(MetricRecorder.round3(b.errors.getOrDefault(cause, 0L) / seconds));
      }
    }
    return new Series(widthMs / 1000.0, t, arrivals, completions, inFlight, tokens, latency, errors);
  }

  private static void percentiles(Map<String, List<Double>> into, String metric, MetricRecorder recorder) {
    for (int p : new int[] {50, 95, 99}) {
      into.computeIfAbsent(metric + "P" + p, k -> new ArrayList<>())
          .add(recorder == null ? null : recorder.percentile(p));
    }
  }

  /**
   * The over-time data of the page; {@code t} is seconds since the run start, {@code latencyMs} maps
   * e.g. {@code ttftP95} to one value per bucket (null where the bucket had no OK request), {@code errorsPerSec}
   * maps each cause to its rate per bucket.
   */
  @JsonPropertyOrder({"bucketSec", "t", "arrivalsPerSec", "completionsPerSec", "inFlight", "outputTokensPerSec",
      "latencyMs", "errorsPerSec"})
  record Series(double bucketSec, List<Double> t, List<Double> arrivalsPerSec, List<Double> completionsPerSec,
                List<Double> inFlight, List<Double> outputTokensPerSec, Map<String, List<Double>> latencyMs,
                Map<String, List<Double>> errorsPerSec) {
  }

  private static final class Bucket {
    long arrivals;
    long completions;
    long outputTokens;
    double inFlightMs;
    final Map<String, Long> errors = new TreeMap<>();
    // 2 significant digits (1%) keep each bucket's histograms small; created on first use
    MetricRecorder ttft;
    MetricRecorder itl;
    MetricRecorder e2e;

    MetricRecorder ttft() {
      return ttft == null ? (ttft = new MetricRecorder(2, 1000)) : ttft;
    }

    MetricRecorder itl() {
      return itl == null ? (itl = new MetricRecorder(2, 1000)) : itl;
    }

    MetricRecorder e2e() {
      return e2e == null ? (e2e = new MetricRecorder(2, 1000)) : e2e;
    }

    void add(Bucket other) {
      arrivals += other.arrivals;
      completions += other.completions;
      outputTokens += other.outputTokens;
      inFlightMs += other.inFlightMs;
      other.errors.forEach((cause, count) -> errors.merge(cause, count, Long::sum));
      if (other.ttft != null) {
        ttft().add(other.ttft);
      }
      if (other.itl != null) {
        itl().add(other.itl);
      }
      if (other.e2e != null) {
        e2e().add(other.e2e);
      }
    }
  }
}
