package io.llmgatling.simulator.dialect;

/**
 * What the engine did with one request, for its final frame: counts and server-side durations (nanoseconds).
 *
 * @param firstTokenNanos when the first token went out ({@link System#nanoTime()}), -1 if none did
 * @param cachedTokens    prompt tokens the slot's prefix cache held (not prefilled); null when the model keeps no
 *                        prefix cache (then the APIs report none, or 0 where their shape always has the field)
 * @param reasoningTokens  of {@code outputTokens}, those that were reasoning (the thinking phase), 0 without one
 */
public record Outcome(int promptTokens, int outputTokens, String doneReason, long totalNanos, long loadNanos,
    long promptEvalNanos, long evalNanos, long arrivalNanos, long firstTokenNanos, Integer cachedTokens,
    int reasoningTokens) {

  /** An outcome without reasoning. */
  public Outcome(int promptTokens, int outputTokens, String doneReason, long totalNanos, long loadNanos,
      long promptEvalNanos, long evalNanos, long arrivalNanos, long firstTokenNanos, Integer cachedTokens) {
    this(promptTokens, outputTokens, doneReason, totalNanos, loadNanos, promptEvalNanos, evalNanos, arrivalNanos,
        firstTokenNanos, cachedTokens, 0);
  }

  /** An outcome without a prefix cache. */
  public Outcome(int promptTokens, int outputTokens, String doneReason, long totalNanos, long loadNanos,
      long promptEvalNanos, long evalNanos, long arrivalNanos, long firstTokenNanos) {
    this(promptTokens, outputTokens, doneReason, totalNanos, loadNanos, promptEvalNanos, evalNanos, arrivalNanos,
        firstTokenNanos, null);
  }

  /** Prompt tokens served from the prefix cache, 0 without one. */
  public int cached() {
    return cachedTokens == null ? 0 : cachedTokens;
  }
}
