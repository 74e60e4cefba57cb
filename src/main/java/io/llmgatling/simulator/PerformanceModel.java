package io.llmgatling.simulator;

/**
 * The arithmetic of the simulated hardware: prompt size, prefill time, decode pace under batching.
 * Pure functions so the model can be tested without a server.
 */
public final class PerformanceModel {
  private static final double NANOS_PER_SECOND = 1e9;

  private PerformanceModel() {
  }

  /** Tokens of a text, estimated as characters / charsPerToken (at least 1 for a non-empty text). */
  public static int estimateTokens(CharSequence text, double charsPerToken) {
    if (text == null || text.length() == 0) {
      return 0;
    }
    return Math.max(1, (int) Math.ceil(text.length() / charsPerToken));
  }

  /** Time to process a prompt of {@code tokens} tokens: its per-token part and the model's fixed part. */
  public static long prefillNanos(ModelSpec model, int tokens, boolean zeroLatency) {
    if (zeroLatency) {
      return 0;
    }
    long fixed = (long) (model.prefillOverhead() * 1_000_000);
    if (tokens <= 0) {
      return fixed;
    }
    return fixed + (long) (tokens * NANOS_PER_SECOND / model.prefillTokensPerSec());
  }

  /**
   * Time to process a prompt of {@code tokens} tokens of which the slot held {@code cachedTokens} already (prefix
   * cache): the uncached tokens, and the fixed part in the share of the prompt not cached. The fixed part is mostly
   * the server's chat template tokens (the calibrated profile writes them there: 71 tokens of the real engine's
   * ChatML prompts), spread over the prompt's messages, so a cached prefix holds its share of them: on the real
   * llama.cpp engine a repeated 170-token prompt took 7-16 ms, where one fixed part alone would be 136-306 ms.
   */
  public static long prefillNanos(ModelSpec model, int tokens, int cachedTokens, boolean zeroLatency) {
    if (cachedTokens <= 0 || tokens <= 0) {
      return prefillNanos(model, tokens, zeroLatency);
    }
    if (zeroLatency) {
      return 0;
    }
    int cached = Math.min(cachedTokens, tokens);
    long fixed = (long) (model.prefillOverhead() * 1_000_000 * (tokens - cached) / tokens);
    return fixed + (long) ((tokens - cached) * NANOS_PER_SECOND / model.prefillTokensPerSec());
  }

  /**
   * Time to process a prompt granted with {@code requestsInServer} requests in the server (holding a slot or queued,
   * this one included): as {@link #prefillNanos(ModelSpec, int, int, boolean)}, at the rate of the model's {@code
   * prefillTable} for that count when it has one (interpolated as the decode table, {@link #tableRate}), the fixed part
   * scaled as the per-token part (it is mostly the chat template's tokens). On the real llama.cpp engine a prompt
   * cost 4.0 ms an evaluated token with one request in the server and 5.3 ms with 8 (per token of its pass).
   */
  public static long prefillNanos(ModelSpec model, int tokens, int cachedTokens, int requestsInServer,
      boolean zeroLatency) {
    long base = prefillNanos(model, tokens, cachedTokens, zeroLatency);
    if (!model.prefillByTable() || base == 0) {
      return base;
    }
    double rate = tableRate(model.prefillTable(), Math.max(1, requestsInServer));
    return (long) (base * (model.prefillTokensPerSec() / rate));
  }

  /**
   * Per-stream decode rate when {@code concurrentStreams} streams decode together on the model: continuous
   * batching shares each forward pass, so each stream slows a little per extra stream and the aggregate
   * ({@code n × rate}) grows sub-linearly. A model with a {@code decodeTable} takes its rate from the table instead,
   * {@code concurrentStreams} being then the requests in the server (holding a slot or queued; the simulator counts
   * them so for such a model): see {@link #tableRate}.
   */
  public static double perStreamDecodeRate(ModelSpec model, int concurrentStreams) {
    int n = Math.max(1, concurrentStreams);
    if (model.pacedByTable()) {
      return tableRate(model.decodeTable(), n);
    }
    return model.decodeTokensPerSec() / (1 + model.batchSlowdown() * (n - 1));
  }

  /**
   * The rate of a measured table ({@code {"1": r1, "2": r2, "4": r4, ...}}, keys in ascending order) at {@code n}: a
   * key's own rate, linear between two keys on the time per token (a pass's cost grows with what it carries; the
   * rate's reciprocal), the first or last rate outside them.
   */
  public static double tableRate(java.util.Map<String, Double> table, double n) {
    double prevN = Double.NaN;
    double prevMs = Double.NaN;
    for (java.util.Map.Entry<String, Double> e : table.entrySet()) {
      double k = Integer.parseInt(e.getKey().trim());
      double ms = 1000.0 / e.getValue();
      if (n <= k) {
        if (Double.isNaN(prevN) || n == k) {
          return e.getValue();
        }
        double t = (n - prevN) / (k - prevN);
        return 1000.0 / (prevMs + t * (ms - prevMs));
      }
      prevN = k;
      prevMs = ms;
    }
    return 1000.0 / prevMs;
  }

  /** Time between two tokens of one stream when {@code concurrentStreams} streams decode together. */
  public static long decodeIntervalNanos(ModelSpec model, int concurrentStreams, boolean zeroLatency) {
    if (zeroLatency) {
      return 0;
    }
    return (long) (NANOS_PER_SECOND / perStreamDecodeRate(model, concurrentStreams));
  }

  /**
   * What the context held by a model's slots adds to each token interval ({@code contextMsPer1kTokens}): that many ms
   * × {@code streams} × {@code contextTokens} / 1,000 (each token of a pass attends over the cells of all slots), 0 for
   * a model without it.
   */
  public static long contextNanos(ModelSpec model, int streams, long contextTokens, boolean zeroLatency) {
    if (zeroLatency || !model.pacedByContext() || streams <= 0 || contextTokens <= 0) {
      return 0;
    }
    return (long) (model.contextMsPer1kTokens() * 1_000 * streams * (double) contextTokens);
  }

  /** Aggregate decode throughput (tokens/s) of {@code concurrentStreams} streams. */
  public static double aggregateDecodeRate(ModelSpec model, int concurrentStreams) {
    return Math.max(1, concurrentStreams) * perStreamDecodeRate(model, concurrentStreams);
  }

  /**
   * Scales a duration by e^(sigma × gaussian), the standard normal draw clamped to ±3: a log-normal factor with
   * median 1, as the real llama.cpp engine's prompt times spread about their model (skewed to slow: over six runs the
   * same prompt's time over its median had 10th percentile 0.85 and 90th 1.26; interruptions add time, none remove it).
   */
  public static long logNormal(long nanos, double sigma, double gaussian) {
    if (sigma == 0 || nanos == 0) {
      return nanos;
    }
    return (long) (nanos * Math.exp(sigma * Math.max(-3, Math.min(3, gaussian))));
  }

  /** Scales a duration by a uniform draw in [1 − jitter, 1 + jitter] ({@code uniform} in [0, 1)). */
  public static long jittered(long nanos, double jitter, double uniform) {
    if (jitter == 0 || nanos == 0) {
      return nanos;
    }
    return (long) (nanos * (1 + jitter * (2 * uniform - 1)));
  }
}
