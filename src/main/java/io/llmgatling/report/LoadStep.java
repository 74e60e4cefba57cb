package io.llmgatling.report;

/** STUB (replaced by the report branch). */
public record LoadStep(long startEpochMs, long endEpochMs, double ratePerSec, int users) {
}
