package io.llmgatling.report;

import io.llmgatling.capacity.Pct;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Percentiles of one metric in bounded memory: an auto-resizing HdrHistogram of values scaled to
 * {@code 1/scale} units (microseconds for milliseconds), plus exact count, sum and max.
 * With 3 significant digits a percentile is within 0.1% of the true value; with 2, within 1%.
 * Negative values (clock skew) count as 0.
 */
final class MetricRecorder {
  private final Histogram histogram;
  private final double scale;
  private long count;
  private double sum;
  private double max = Double.NEGATIVE_INFINITY;

  /**
   * @param significantDigits 3 for summaries, 2 for per-bucket series
   * @param scale             recorded units per value unit (1000: milliseconds stored as microseconds)
   */
  MetricRecorder(int significantDigits, double scale) {
    this.histogram = new Histogram(significantDigits);
    this.scale = scale;
  }

  void record(Double value) {
    if (value != null) {
      record(value.doubleValue());
    }
  }

  void record(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return;
    }
    double clamped = Math.max(0, value);
    histogram.recordValue(Math.round(clamped * scale));
    count++;
    sum += clamped;
    if (clamped > max) {
      max = clamped;
    }
  }

  long count() {
    return count;
  }

  void add(MetricRecorder other) {
    histogram.add(other.histogram);
    count += other.count;
    sum += other.sum;
    max = Math.max(max, other.max);
  }

  /** The value at a percentile (0..100), or null without samples. */
  Double percentile(double percentile) {
    if (count == 0) {
      return null;
    }
    // HdrHistogram answers the upper end of the value's bucket; never beyond the exact maximum
    return round3(Math.min(histogram.getValueAtPercentile(percentile) / scale, max));
  }

  Pct toPct() {
    if (count == 0) {
      return Pct.EMPTY;
    }
    return new Pct(percentile(50), percentile(90), percentile(95), percentile(99), round3(max),
        round3(sum / count));
  }

  /**
   * Share of samples (percent) per logarithmic bin: {@code binsPerDecade} bins per power of ten, bin k covering
   * [10^(k/n), 10^((k+1)/n)); values below {@code floor} fall in the first bin. Empty when there is no sample.
   */
  Distribution distribution(int binsPerDecade, double floor) {
    if (count == 0) {
      return new Distribution(List.of(), List.of(), 0);
    }
    int minBin = Integer.MAX_VALUE;
    int maxBin = Integer.MIN_VALUE;
    java.util.Map<Integer, Long> counts = new java.util.HashMap<>();
    for (HistogramIterationValue v : histogram.recordedValues()) {
      double value = Math.max(floor, v.getValueIteratedTo() / scale);
      int bin = (int) Math.floor(Math.log10(value) * binsPerDecade + 1e-9);
      counts.merge(bin, v.getCountAddedInThisIterationStep(), Long::sum);
      minBin = Math.min(minBin, bin);
      maxBin = Math.max(maxBin, bin);
    }
    List<Double> x = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    long total = histogram.getTotalCount();
    for (int bin = minBin; bin <= maxBin + 1; bin++) {
      x.add(binEdge(bin, binsPerDecade));
      // the extra closing bin at 0 lets a stepped line end at the last bin's upper edge
      y.add(round3(counts.getOrDefault(bin, 0L) * 100.0 / total));
    }
    return new Distribution(x, y, count);
  }

  /** Lower edge of a log bin; computed the same way for every run so that compare can align the bins. */
  static double binEdge(int bin, int binsPerDecade) {
    double edge = Math.pow(10, (double) bin / binsPerDecade);
    return Double.parseDouble(String.format(java.util.Locale.ROOT, "%.4g", edge));
  }

  static Double round3(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return null;
    }
    return Math.round(value * 1000.0) / 1000.0;
  }

  /** A histogram for the page: bin lower edges and the share of samples in each bin (percent). */
  record Distribution(List<Double> x, List<Double> y, long samples) {
  }
}
