package io.llmgatling.run;

/**
 * One step of the planned load, relative to the start of the injection (for latency-vs-load charts).
 *
 * @param startSec seconds from the injection start
 * @param endSec   seconds from the injection start
 * @param rate     arrival rate in users/s, or NaN for closed steps
 * @param users    concurrent users for closed steps, else 0
 */
public record PlannedStep(double startSec, double endSec, double rate, int users) {
}
