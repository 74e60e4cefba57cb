package io.llmgatling.report;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One level of a stairs or capacity run, used for the latency-vs-load chart and the capacity summary.
 * Requests belong to the step in which they were meant to start ({@code intendedAtMs}).
 *
 * @param startEpochMs step start, epoch millis
 * @param endEpochMs   step end, epoch millis (exclusive)
 * @param ratePerSec   offered arrival rate (open model), or NaN
 * @param users        concurrency (closed model), or 0
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LoadStep(long startEpochMs, long endEpochMs, double ratePerSec, int users) {
}
