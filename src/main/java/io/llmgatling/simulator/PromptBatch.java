package io.llmgatling.simulator;

/**
 * The prompts of a model whose prompt shares the decoding streams' batch ({@code prefillInBatch}), as llama.cpp runs
 * them on a compute-bound engine. Each pass of its loop processes the prompts of the slots granted before it began,
 * together with one token of every decoding stream: a prompt granted while a pass runs joins the next pass, which
 * starts when the running one ends and ends after the cost of all its prompts, every prompt of it then being done
 * at once. While a prompt is processed no decoding stream of the model advances (its token waits for the pass that
 * carries the prompt). Measured on the real llama.cpp engine (4 slots, 8 × 512 F16, one thread): a 2-stream closed
 * loop gave 26 ms between tokens where one stream alone gave 10, the other stream's prompts being most of the
 * difference; in a 4-stream closed loop the first prompt of a round was done alone and the other three together,
 * all three at the same moment. Thread-safe; called per request and per token (an uncontended lock).
 */
public final class PromptBatch {

  /** One pass carrying prompts: its start and the cost of its prompts so far. */
  public static final class Pass {
    private final long startNanos;
    private long costNanos;

    private Pass(long startNanos) {
      this.startNanos = startNanos;
    }
  }

  private Pass last;
  private long bookedNanos;

  /**
   * Books a prompt granted a slot at {@code slotNanos} costing {@code prefillNanos}: it joins the pass not yet
   * started, else starts one (at once, or when the running pass ends).
   *
   * @return its pass, whose {@link #endNanos end} may still move later while other prompts join it
   */
  public synchronized Pass book(long slotNanos, long prefillNanos) {
    if (last == null || last.startNanos <= slotNanos) {
      // the last pass has begun: a new one, at once or when that one ends
      last = new Pass(last == null ? slotNanos : Math.max(slotNanos, last.startNanos + last.costNanos));
    }
    last.costNanos += prefillNanos;
    bookedNanos += prefillNanos;
    return last;
  }

  /** When a pass's prompts are done (final once the pass has started). */
  public synchronized long endNanos(Pass pass) {
    return pass.startNanos + pass.costNanos;
  }

  /** Total prompt time booked so far: a stream's next token waits for what was booked since its previous one. */
  public synchronized long booked() {
    return bookedNanos;
  }
}
