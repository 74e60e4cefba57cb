package io.llmgatling.capacity;

/**
 * The fitted server in the form the queueing simulation runs: the same arithmetic as the embedded simulator
 * ({@code simulator/PerformanceModel}): N slots and a FIFO queue; a granted request prefills its prompt in
 * {@code overheadMs + promptTokens / prefillTokensPerSec}, then emits its tokens one interval apart, the
 * interval being {@code 1 / perStreamRate(n)} with n the requests holding a slot (prefilling or decoding, as
 * the simulator counts them); the first token comes one interval after the prefill.
 *
 * @param slots               requests served at once
 * @param slotsFrom           how {@code slots} was found: {@code server} (the server said so), {@code queueing}
 *                            (where requests started to wait) or {@code inFlight} (no request ever waited: the
 *                            most requests seen in flight, a lower bound)
 * @param overheadMs          fixed part of the prefill (ms), 0 when it could not be told apart from the rate
 * @param prefillTokensPerSec prompt tokens per second, null when prompt sizes are unknown (prefill = overhead)
 * @param decodeTokensPerSec  per-stream decode rate of one stream alone (tokens/s)
 * @param batchSlowdown       per-stream rate with n streams = decode / (1 + batchSlowdown × (n − 1))
 * @param loadMs              cold load time seen in the run (median), 0 when none was seen
 * @param prefillInBatch      the prompt shares the decoding streams' batch (llama.cpp on a compute-bound engine):
 *                            prompts are processed one at a time and every decoding stream waits while one is (the
 *                            simulator's {@code prefillInBatch}); the queueing replay ({@code QueueSimulation}) does
 *                            not play these stalls
 */
public record ServerParams(int slots, String slotsFrom, double overheadMs, Double prefillTokensPerSec,
                           double decodeTokensPerSec, double batchSlowdown, double loadMs, boolean prefillInBatch) {

  /** A server whose prefill runs at its own rate whatever the load. */
  public ServerParams(int slots, String slotsFrom, double overheadMs, Double prefillTokensPerSec,
                      double decodeTokensPerSec, double batchSlowdown, double loadMs) {
    this(slots, slotsFrom, overheadMs, prefillTokensPerSec, decodeTokensPerSec, batchSlowdown, loadMs, false);
  }

  public ServerParams {
    if (slots < 1) {
      throw new IllegalArgumentException("slots must be >= 1, was " + slots);
    }
    if (decodeTokensPerSec <= 0) {
      throw new IllegalArgumentException("decode rate must be > 0");
    }
  }

  /** Prefill time of a prompt (ms). */
  public double prefillMs(int promptTokens) {
    double rate = prefillTokensPerSec == null ? 0 : prefillTokensPerSec;
    return overheadMs + (rate > 0 && promptTokens > 0 ? promptTokens * 1000.0 / rate : 0);
  }

  /** Per-stream decode rate (tokens/s) when {@code n} requests hold a slot. */
  public double perStreamRate(int n) {
    return decodeTokensPerSec / (1 + batchSlowdown * (Math.max(1, n) - 1));
  }

  /** The same server with another slot count (what-if). */
  public ServerParams withSlots(int n) {
    return new ServerParams(n, slotsFrom, overheadMs, prefillTokensPerSec, decodeTokensPerSec, batchSlowdown, loadMs,
        prefillInBatch);
  }
}
