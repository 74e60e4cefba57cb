package io.llmgatling.simulator;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One simulated model: what the servers list about it and how fast it runs.
 *
 * @param name                 the name clients ask for, e.g. {@code llama3.2:3b}; a name without a tag also
 *                             matches {@code name:latest} (Ollama's implicit tag)
 * @param kind                 {@code llm} or {@code embedding}
 * @param prefillTokensPerSec  prompt processing rate (tokens/s)
 * @param decodeTokensPerSec   single-stream generation rate (tokens/s)
 * @param batchSlowdown        continuous batching: each extra concurrent stream slows every stream's decode
 *                             by this fraction (per-stream rate = decode / (1 + batchSlowdown × (n − 1)), so
 *                             the aggregate grows sub-linearly towards decode / batchSlowdown)
 * @param contextLength        the model's maximum context (tokens); prompts beyond it are refused
 * @param embeddingDimensions  length of an embedding vector (embedding models; also reported for LLMs)
 * @param family               architecture family as listed (llama, qwen2, nomic-bert)
 * @param parameterSize        parameter count as listed, e.g. {@code 3.2B}
 * @param quantization         quantization level as listed, e.g. {@code Q4_K_M}
 * @param sizeBytes            file size as listed by /api/tags and /api/ps
 * @param loadTimeMs           cold load time of this model, null for the config's {@code loadTimeMs}
 * @param prefillInBatch       true: the prompt is processed in the same batch as the decoding streams (llama.cpp
 *                             puts a prompt and one token of every decoding slot in one forward pass; on a
 *                             compute-bound engine the pass takes as long as the prompt): prompts are processed one
 *                             at a time, and while one is, no decoding stream of the model advances ({@link
 *                             PromptBatch}). Null or false: prompts run beside the decoding streams without
 *                             slowing them (the default)
 * @param prefillOverheadMs    fixed cost of every prompt beside its per-token part (ms; null = 0): what a server
 *                             spends per request whatever the prompt size (its chat template's tokens, which the
 *                             simulator's estimate from the text leaves out, set-up of a sequence)
 * @param prefixCache          per-slot prompt cache, as llama-server's ({@code cache_prompt}): null or
 *                             {@code none} = every prompt is prefilled in full (the default); {@code prompt} = each
 *                             slot keeps its last prompt and a request landing on it skips the prefill of the prefix
 *                             they share (the slot chosen as llama-server chooses, {@link SlotScheduler.CachedPrompt});
 *                             {@code conversation} = the kept answer is reused too when the next prompt carries it
 *                             (a real model's answers re-tokenize the same; the random-weight engine's do not)
 * @param reasoning            a reasoning ("thinking") model: each answer starts with a thinking phase of a seeded
 *                             length in {@code [minTokens, maxTokens]}, timed and counted like any output token, that
 *                             the request's think option turns off or scales ({@link Reasoning}); null = none
 * @param decodeTable          per-stream decode rate (tokens/s) measured with N requests in the server (holding a slot
 *                             or queued for one), keyed by N ({@code {"1": 90.9, "2": 40.8, "4": 31.5, "8": 23.9}}):
 *                             the rate between two keys is interpolated (on the time per token), held beyond the last
 *                             ones; it replaces {@code decodeTokensPerSec} and {@code batchSlowdown} for the pace.
 *                             What {@code calibrate} writes from a sweep: the real llama.cpp engine with 4 slots
 *                             decoded 22-32 % slower with 8 users than with 4 (the same 4 slots busy; the KV cache
 *                             holds the rotating conversations of all of them), which a rate of the slot holders
 *                             alone cannot play. Null: the {@code batchSlowdown} formula (the default)
 * @param prefillTable         prompt processing rate (evaluated tokens/s) measured with N requests in the server, keyed
 *                             and interpolated as {@code decodeTable} ({@code {"1": 250, "4": 238, "8": 190}}): it
 *                             replaces {@code prefillTokensPerSec} for a prompt granted with N requests in the server,
 *                             and {@code prefillOverheadMs} (a prompt's fixed part, mostly its chat template's tokens)
 *                             scales with it ({@code prefillOverheadMs × prefillTokensPerSec / rate}). What {@code
 *                             calibrate} writes from the server's own prompt eval times: on the real llama.cpp engine
 *                             a prompt cost 4.0 ms an evaluated token alone and 5.3 beside 7 other requests (per token
 *                             of its pass). Null: {@code prefillTokensPerSec} at any load (the default)
 * @param contextMsPer1kTokens the decode pace's dependence on what the streams attend over: every token interval of
 *                             a stream grows by this many ms × the streams holding a slot × the context tokens they
 *                             hold (prompts and tokens generated so far) / 1,000, on top of the rate or table. llama.cpp
 *                             keeps the slots in one KV cache and each token of a pass attends over the cells of all
 *                             of them: on the real engine (4 slots, 8 × 512 F16) a 4-stream round decoded at 23.5 ms a
 *                             token with 377 prompt tokens in its slots and at 31.5-34 ms with 600-1,125. What {@code
 *                             calibrate} writes when the sweep shows it. Null: no dependence (the default)
 * @param prefillJitter        the spread of this model's prompt times: each prefill is multiplied by e^(J × Z), Z a
 *                             seeded standard normal draw clamped to ±3 (a log-normal factor with median 1: timing
 *                             noise on a shared machine adds time), instead of the config's uniform {@code jitter},
 *                             which stays on the token intervals. What {@code calibrate} writes: the spread of the
 *                             server's prompt times about the fitted prefill (0.18-0.22 on the real llama.cpp engine,
 *                             where the same 40-token prompt took 83-145 ms over six runs). Not the intervals: a
 *                             batching server's streams get their tokens from the same passes, so its timing noise is
 *                             shared by them; drawn at 0.27 per stream and token, the simulator's 4 streams drifted
 *                             apart and its 4-stream TTFT p50 came out 598-665 ms against the engine's 950-1,104
 *                             (the calibrated profile has jitter 0). Null: {@code jitter} (the default)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = false)
public record ModelSpec(
    String name,
    String kind,
    double prefillTokensPerSec,
    double decodeTokensPerSec,
    double batchSlowdown,
    int contextLength,
    int embeddingDimensions,
    String family,
    String parameterSize,
    String quantization,
    long sizeBytes,
    Long loadTimeMs,
    Boolean prefillInBatch,
    Double prefillOverheadMs,
    String prefixCache,
    Reasoning reasoning,
    Map<String, Double> decodeTable,
    Map<String, Double> prefillTable,
    Double contextMsPer1kTokens,
    Double prefillJitter) {

  /**
   * The thinking phase of a reasoning model: its length per request is drawn (seeded by the request's text seed,
   * as the answer's natural length) in {@code [minTokens, maxTokens]}.
   */
  public record Reasoning(int minTokens, int maxTokens) {
    public Reasoning {
      if (minTokens < 1 || maxTokens < minTokens) {
        throw new IllegalArgumentException("reasoning needs 1 <= minTokens <= maxTokens, not " + minTokens + ".."
            + maxTokens);
      }
    }
  }

  /** Kind of a generating model. */
  public static final String LLM = "llm";
  /** Kind of an embedding model. */
  public static final String EMBEDDING = "embedding";
  /** {@code prefixCache} values. */
  public static final String NO_CACHE = "none";
  public static final String CACHE_PROMPT = "prompt";
  public static final String CACHE_CONVERSATION = "conversation";

  public ModelSpec {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a model needs a name");
    }
    kind = kind == null ? LLM : kind;
    if (!kind.equals(LLM) && !kind.equals(EMBEDDING)) {
      throw new IllegalArgumentException("model '" + name + "': kind must be llm or embedding, not '" + kind + "'");
    }
    if (prefillTokensPerSec <= 0 || (kind.equals(LLM) && decodeTokensPerSec <= 0)) {
      throw new IllegalArgumentException("model '" + name + "': prefill and decode rates must be > 0");
    }
    if (batchSlowdown < 0) {
      throw new IllegalArgumentException("model '" + name + "': batchSlowdown must be >= 0");
    }
    if (contextLength <= 0) {
      throw new IllegalArgumentException("model '" + name + "': contextLength must be > 0");
    }
    family = family == null ? "llama" : family;
    parameterSize = parameterSize == null ? "7B" : parameterSize;
    quantization = quantization == null ? "Q4_K_M" : quantization;
    embeddingDimensions = embeddingDimensions <= 0 ? 768 : embeddingDimensions;
    prefillInBatch = Boolean.TRUE.equals(prefillInBatch) ? Boolean.TRUE : null;
    if (prefillOverheadMs != null && !(prefillOverheadMs >= 0)) {
      throw new IllegalArgumentException("model '" + name + "': prefillOverheadMs must be >= 0");
    }
    prefillOverheadMs = prefillOverheadMs == null || prefillOverheadMs == 0 ? null : prefillOverheadMs;
    if (prefixCache != null && !List.of(NO_CACHE, CACHE_PROMPT, CACHE_CONVERSATION).contains(prefixCache)) {
      throw new IllegalArgumentException("model '" + name + "': prefixCache must be none, prompt or conversation, not '"
          + prefixCache + "'");
    }
    prefixCache = NO_CACHE.equals(prefixCache) ? null : prefixCache;
    if (reasoning != null && EMBEDDING.equals(kind)) {
      throw new IllegalArgumentException("model '" + name + "': an embedding model does not reason");
    }
    decodeTable = sortedTable(name, "decodeTable", decodeTable);
    prefillTable = sortedTable(name, "prefillTable", prefillTable);
    if (contextMsPer1kTokens != null && !(contextMsPer1kTokens >= 0)) {
      throw new IllegalArgumentException("model '" + name + "': contextMsPer1kTokens must be >= 0");
    }
    contextMsPer1kTokens = contextMsPer1kTokens == null || contextMsPer1kTokens == 0 ? null : contextMsPer1kTokens;
    if (prefillJitter != null && !(prefillJitter >= 0 && prefillJitter < 1)) {
      throw new IllegalArgumentException("model '" + name + "': prefillJitter must be in [0, 1)");
    }
  }

  /** A model whose prompt times vary by the config's {@code jitter}, as its token intervals (no prefillJitter). */
  public ModelSpec(String name, String kind, double prefillTokensPerSec, double decodeTokensPerSec,
      double batchSlowdown, int contextLength, int embeddingDimensions, String family, String parameterSize,
      String quantization, long sizeBytes, Long loadTimeMs, Boolean prefillInBatch, Double prefillOverheadMs,
      String prefixCache, Reasoning reasoning, Map<String, Double> decodeTable, Map<String, Double> prefillTable,
      Double contextMsPer1kTokens) {
    this(name, kind, prefillTokensPerSec, decodeTokensPerSec, batchSlowdown, contextLength, embeddingDimensions,
        family, parameterSize, quantization, sizeBytes, loadTimeMs, prefillInBatch, prefillOverheadMs, prefixCache,
        reasoning, decodeTable, prefillTable, contextMsPer1kTokens, null);
  }

  /** A model whose pace does not depend on the context its streams hold (no {@code contextMsPer1kTokens}). */
  public ModelSpec(String name, String kind, double prefillTokensPerSec, double decodeTokensPerSec,
      double batchSlowdown, int contextLength, int embeddingDimensions, String family, String parameterSize,
      String quantization, long sizeBytes, Long loadTimeMs, Boolean prefillInBatch, Double prefillOverheadMs,
      String prefixCache, Reasoning reasoning, Map<String, Double> decodeTable, Map<String, Double> prefillTable) {
    this(name, kind, prefillTokensPerSec, decodeTokensPerSec, batchSlowdown, contextLength, embeddingDimensions,
        family, parameterSize, quantization, sizeBytes, loadTimeMs, prefillInBatch, prefillOverheadMs, prefixCache,
        reasoning, decodeTable, prefillTable, null);
  }

  /** A rate table keyed by request counts, in ascending key order (null when null or empty). */
  private static Map<String, Double> sortedTable(String name, String key, Map<String, Double> table) {
    if (table == null) {
      return null;
    }
    TreeMap<String, Double> sorted = new TreeMap<>((a, b) -> Integer.compare(tableKey(name, key, a),
        tableKey(name, key, b)));
    table.forEach((k, v) -> {
      if (v == null || !(v > 0)) {
        throw new IllegalArgumentException("model '" + name + "': " + key + " rates must be > 0");
      }
      sorted.put(k, v);
    });
    return sorted.isEmpty() ? null : Collections.unmodifiableMap(sorted);
  }

  private static int tableKey(String name, String table, String key) {
    try {
      int n = Integer.parseInt(key.trim());
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new IllegalArgumentException("model '" + name + "': " + table + " keys must be request counts >= 1, not '"
        + key + "'");
  }

  /** A model whose prompts cost the same at any load (no {@code prefillTable}). */
  public ModelSpec(String name, String kind, double prefillTokensPerSec, double decodeTokensPerSec,
      double batchSlowdown, int contextLength, int embeddingDimensions, String family, String parameterSize,
      String quantization, long sizeBytes, Long loadTimeMs, Boolean prefillInBatch, Double prefillOverheadMs,
      String prefixCache, Reasoning reasoning, Map<String, Double> decodeTable) {
    this(name, kind, prefillTokensPerSec, decodeTokensPerSec, batchSlowdown, contextLength, embeddingDimensions,
        family, parameterSize, quantization, sizeBytes, loadTimeMs, prefillInBatch, prefillOverheadMs, prefixCache,
        reasoning, decodeTable, null);
  }

  /** A model without a thinking phase, paced by its {@code batchSlowdown} formula (no {@code decodeTable}). */
  public ModelSpec(String name, String kind, double prefillTokensPerSec, double decodeTokensPerSec,
      double batchSlowdown, int contextLength, int embeddingDimensions, String family, String parameterSize,
      String quantization, long sizeBytes, Long loadTimeMs, Boolean prefillInBatch, Double prefillOverheadMs,
      String prefixCache) {
    this(name, kind, prefillTokensPerSec, decodeTokensPerSec, batchSlowdown, contextLength, embeddingDimensions,
        family, parameterSize, quantization, sizeBytes, loadTimeMs, prefillInBatch, prefillOverheadMs, prefixCache,
        null, null, null);
  }

  /** A model whose prompts are prefilled in full (no {@code prefixCache}). */
  public ModelSpec(String name, String kind, double prefillTokensPerSec, double decodeTokensPerSec,
      double batchSlowdown, int contextLength, int embeddingDimensions, String family, String parameterSize,
      String quantization, long sizeBytes, Long loadTimeMs, Boolean prefillInBatch, Double prefillOverheadMs) {
    this(name, kind, prefillTokensPerSec, decodeTokensPerSec, batchSlowdown, contextLength, embeddingDimensions,
        family, parameterSize, quantization, sizeBytes, loadTimeMs, prefillInBatch, prefillOverheadMs, null);
  }

  /** A model whose prefill runs at its own rate whatever the load (no {@code prefillInBatch}). */
  public ModelSpec(String name, String kind, double prefillTokensPerSec, double decodeTokensPerSec,
      double batchSlowdown, int contextLength, int embeddingDimensions, String family, String parameterSize,
      String quantization, long sizeBytes, Long loadTimeMs) {
    this(name, kind, prefillTokensPerSec, decodeTokensPerSec, batchSlowdown, contextLength, embeddingDimensions,
        family, parameterSize, quantization, sizeBytes, loadTimeMs, null, null);
  }

  /** Fixed cost of every prompt (ms), 0 when none. */
  @JsonIgnore
  public double prefillOverhead() {
    return prefillOverheadMs == null ? 0 : prefillOverheadMs;
  }

  /** Whether the prompt shares the decoding streams' batch (see {@code prefillInBatch}). */
  @JsonIgnore
  public boolean prefillSharesBatch() {
    return Boolean.TRUE.equals(prefillInBatch);
  }

  /** Whether its slots keep their prompts for the next request ({@code prefixCache} prompt or conversation). */
  @JsonIgnore
  public boolean cachesPrefix() {
    return prefixCache != null && !isEmbedding();
  }

  /** Whether the pace follows a measured {@code decodeTable} (keyed by requests in the server). */
  @JsonIgnore
  public boolean pacedByTable() {
    return decodeTable != null && !isEmbedding();
  }

  /** Whether the prompt cost follows a measured {@code prefillTable} (keyed by requests in the server). */
  @JsonIgnore
  public boolean prefillByTable() {
    return prefillTable != null && !isEmbedding();
  }

  /** Whether the pace depends on the context the streams hold ({@code contextMsPer1kTokens}). */
  @JsonIgnore
  public boolean pacedByContext() {
    return contextMsPer1kTokens != null && !isEmbedding();
  }

  /** Whether the cache reuses a kept answer too ({@code prefixCache: conversation}). */
  @JsonIgnore
  public boolean reusesAnswers() {
    return CACHE_CONVERSATION.equals(prefixCache);
  }

  /** A generating model with the usual consumer-GPU figures. */
  public static ModelSpec llm(String name, String family, String parameterSize, long sizeBytes,
      double decodeTokensPerSec, int contextLength, int embeddingDimensions) {
    return new ModelSpec(name, LLM, 3000, decodeTokensPerSec, 0.08, contextLength, embeddingDimensions, family,
        parameterSize, "Q4_K_M", sizeBytes, null);
  }

  /** An embedding model. */
  public static ModelSpec embedding(String name, String family, String parameterSize, long sizeBytes,
      int dimensions, int contextLength) {
    return new ModelSpec(name, EMBEDDING, 8000, 1, 0, contextLength, dimensions, family, parameterSize, "F16",
        sizeBytes, 600L);
  }

  @JsonIgnore
  public boolean isEmbedding() {
    return EMBEDDING.equals(kind);
  }

  /** Whether a client's model name designates this model ({@code llama3.2} = {@code llama3.2:latest}). */
  public boolean matches(String requested) {
    if (requested == null) {
      return false;
    }
    return canonical(name).equalsIgnoreCase(canonical(requested));
  }

  private static String canonical(String n) {
    return n.indexOf(':') >= 0 ? n : n + ":latest";
  }

  /**
   * The same spec with other rates (for the zero-latency mode and tests); other decode rates drop the decode table,
   * another prefill rate the prefill table.
   */
  public ModelSpec withRates(double prefill, double decode, double slowdown) {
    boolean samePace = decode == decodeTokensPerSec && slowdown == batchSlowdown;
    return new ModelSpec(name, kind, prefill, decode, slowdown, contextLength, embeddingDimensions, family,
        parameterSize, quantization, sizeBytes, loadTimeMs, prefillInBatch,
        prefillOverheadMs, prefixCache, reasoning, samePace ? decodeTable : null,
        prefill == prefillTokensPerSec ? prefillTable : null, samePace ? contextMsPer1kTokens : null, prefillJitter);
  }

  /** The same spec with another cold load time (null: the config's). */
  public ModelSpec withLoadTimeMs(Long ms) {
    return new ModelSpec(name, kind, prefillTokensPerSec, decodeTokensPerSec, batchSlowdown, contextLength,
        embeddingDimensions, family, parameterSize, quantization, sizeBytes, ms, prefillInBatch,
        prefillOverheadMs, prefixCache, reasoning, decodeTable, prefillTable, contextMsPer1kTokens, prefillJitter);
  }

  /** The same spec as a reasoning model thinking {@code minTokens..maxTokens} before each answer. */
  public ModelSpec withReasoning(int minTokens, int maxTokens) {
    return new ModelSpec(name, kind, prefillTokensPerSec, decodeTokensPerSec, batchSlowdown, contextLength,
        embeddingDimensions, family, parameterSize, quantization, sizeBytes, loadTimeMs, prefillInBatch,
        prefillOverheadMs, prefixCache, new Reasoning(minTokens, maxTokens), decodeTable, prefillTable,
        contextMsPer1kTokens, prefillJitter);
  }

  /** Whether its answers start with a thinking phase. */
  @JsonIgnore
  public boolean reasons() {
    return reasoning != null;
  }
}
