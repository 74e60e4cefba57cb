package io.llmgatling.simulator.dialect;

/**
 * What the engine did with one request, for its final frame: counts and server-side durations (nanoseconds).
 *
 * @param firstTokenNanos when the first token went out ({@link System#nanoTime()}), -1 if none did
 */
public record Outcome(int promptTokens, int outputTokens, String doneReason, long totalNanos, long loadNanos,
    long promptEvalNanos, long evalNanos, long arrivalNanos, long firstTokenNanos) {
}
