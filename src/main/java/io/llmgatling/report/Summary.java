package io.llmgatling.report;

/** STUB (replaced by the report branch). */
public final class Summary {
}
