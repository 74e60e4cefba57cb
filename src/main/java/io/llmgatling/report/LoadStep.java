package io.llmgatling.report;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One level of a run as {@code run.json} records it, on the wall clock: a planned {@link
 * io.llmgatling.workload.LoadStep} placed at the injection's start ({@link #placed}), or a capacity search's judged
 * window. Used for the latency-vs-load chart and the capacity summary. Requests belong to the step in which they
 * were meant to start ({@code intendedAtMs}).
 *
 * @param startEpochMs step start, epoch millis
 * @param endEpochMs   step end, epoch millis (exclusive)
 * @param ratePerSec   offered arrival rate (open model), or NaN
 * @param users        concurrency (closed model), or 0
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LoadStep(long startEpochMs, long endEpochMs, double ratePerSec, int users) {

  /**
   * A planned step placed on the wall clock: a rate step records its mean rate (a ramp's midpoint), a users step
   * its users at the end.
   *
   * @param planned               the profile's step, as offsets from the injection's start
   * @param injectionStartEpochMs when the injection started, epoch millis
   * @return the recorded step
   */
  public static LoadStep placed(io.llmgatling.workload.LoadStep planned, long injectionStartEpochMs) {
    boolean rate = planned.kind() == io.llmgatling.workload.LoadStep.Kind.RATE;
    return new LoadStep(injectionStartEpochMs + planned.start().toMillis(),
        injectionStartEpochMs + planned.end().toMillis(), rate ? (planned.from() + planned.to()) / 2 : Double.NaN,
        rate ? 0 : (int) Math.round(planned.to()));
  }
}
