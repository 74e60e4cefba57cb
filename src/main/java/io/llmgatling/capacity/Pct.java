package io.llmgatling.capacity;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Percentiles of one metric (SPEC "PCT"): every field is null when there was no sample.
 * Percentiles come from an HdrHistogram with 3 significant digits (within 0.1% of the true value);
 * {@code max} and {@code mean} are exact.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"p50", "p90", "p95", "p99", "max", "mean"})
public record Pct(Double p50, Double p90, Double p95, Double p99, Double max, Double mean) {

  /** No sample. */
  public static final Pct EMPTY = new Pct(null, null, null, null, null, null);

  /** The value of a stat name: p50 | p90 | p95 | p99 | max | mean; null when unknown or no sample. */
  public Double stat(String name) {
    if (name == null) {
      return null;
    }
    return switch (name) {
      case "p50" -> p50;
      case "p90" -> p90;
      case "p95" -> p95;
      case "p99" -> p99;
      case "max" -> max;
      case "mean" -> mean;
      default -> null;
    };
  }
}
