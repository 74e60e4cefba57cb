package io.llmgatling.engine.record;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One request as measured by the load generator: a line of {@code results/<run>/requests.jsonl}.
 *
 * <p>All durations are milliseconds (fractional, from {@link System#nanoTime()}), measured against
 * one monotonic clock; {@code intendedAtMs} is the only wall-clock value (epoch millis derived from the
 * run's monotonic origin, so ordering never goes backwards). Fields that have no sample are null.
 * The field names are part of the external contract (README, "requests.jsonl").
 *
 * @param id               sequence number of the request in this injector (1-based)
 * @param task             task name (chat, completion, long-context, code, embeddings, or user-defined)
 * @param model            model asked for
 * @param api              API flavour used: ollama | openai | lmstudio | llamacpp
 * @param operation        chat | generate | completion | embed
 * @param stream           whether the response was streamed
 * @param intendedAtMs     epoch millis at which the request was meant to start (open model: the arrival)
 * @param clientDelayMs    sent − intended: time the request waited inside the injector
 * @param headersMs        response headers received − sent
 * @param ttftMs           first content token received − sent (null when no token arrived)
 * @param e2eMs            last byte received − sent (or failure time − sent)
 * @param itlMs            (last token − first token) / (output tokens − 1)
 * @param tpotMs           (e2e − ttft) / (output tokens − 1)
 * @param chunkGapsMs      raw gaps between consecutive content chunks, in arrival order
 * @param promptTokens     prompt tokens as reported by the server (null when not reported)
 * @param outputTokens     output tokens: the server's count, else the number of content chunks
 * @param outputTokensSource "server" or "chunks"
 * @param contentChunks    number of chunks that carried content
 * @param queueMs          server-side wait for a slot, where the server's timings allow it
 * @param loadMs           server-reported model load time
 * @param promptEvalMs     server-reported prefill time
 * @param evalMs           server-reported decode time
 * @param serverTotalMs    server-reported total time
 * @param status           HTTP status (null when no response)
 * @param ok               whether the request succeeded (including user checks)
 * @param cause            SPEC error cause when not ok: http_NNN, connect, timeout, stream_dropped,
 *                         stream_error, malformed, check
 * @param message          human-readable explanation of the failure (never contains the API key)
 * @param finishReason     stop | length | ... as reported by the server
 * @param retried          the request was sent once more on a new connection because the reused keep-alive
 *                         connection it went out on closed before any response byte (the server had closed it
 *                         while idle); its timings are those of the second attempt, the first one's time is in
 *                         {@code clientDelayMs}. Written only when true
 * @param cachedTokens     of {@code promptTokens}, those the server says it served from its prompt cache (OpenAI
 *                         {@code usage.prompt_tokens_details.cached_tokens}, llama-server {@code timings.cache_n});
 *                         null when the server does not say (unknown, not 0)
 * @param warmup           the request belongs to the warm-up ({@code llm.warmup}): recorded, but in no figure,
 *                         SLO, time series or capacity step. Written only when true
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"id", "task", "model", "api", "operation", "stream", "intendedAtMs", "clientDelayMs",
    "headersMs", "ttftMs", "e2eMs", "itlMs", "tpotMs", "promptTokens", "cachedTokens", "outputTokens", "outputTokensSource",
    "contentChunks", "queueMs", "loadMs", "promptEvalMs", "evalMs", "serverTotalMs", "status", "ok", "cause",
    "message", "finishReason", "retried", "warmup", "chunkGapsMs"})
public record RequestRecord(
    long id,
    String task,
    String model,
    String api,
    String operation,
    boolean stream,
    long intendedAtMs,
    Double clientDelayMs,
    Double headersMs,
    Double ttftMs,
    Double e2eMs,
    Double itlMs,
    Double tpotMs,
    double[] chunkGapsMs,
    Integer promptTokens,
    Integer outputTokens,
    String outputTokensSource,
    Integer contentChunks,
    Double queueMs,
    Double loadMs,
    Double promptEvalMs,
    Double evalMs,
    Double serverTotalMs,
    Integer status,
    boolean ok,
    String cause,
    String message,
    String finishReason,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean retried,
    Integer cachedTokens,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean warmup) {

  /** A record without a cached-token count, outside the warm-up. */
  public RequestRecord(long id, String task, String model, String api, String operation, boolean stream,
      long intendedAtMs, Double clientDelayMs, Double headersMs, Double ttftMs, Double e2eMs, Double itlMs,
      Double tpotMs, double[] chunkGapsMs, Integer promptTokens, Integer outputTokens, String outputTokensSource,
      Integer contentChunks, Double queueMs, Double loadMs, Double promptEvalMs, Double evalMs,
      Double serverTotalMs, Integer status, boolean ok, String cause, String message, String finishReason,
      boolean retried) {
    this(id, task, model, api, operation, stream, intendedAtMs, clientDelayMs, headersMs, ttftMs, e2eMs, itlMs,
        tpotMs, chunkGapsMs, promptTokens, outputTokens, outputTokensSource, contentChunks, queueMs, loadMs,
        promptEvalMs, evalMs, serverTotalMs, status, ok, cause, message, finishReason, retried, null, false);
  }

  /** This record marked as a warm-up request. */
  public RequestRecord asWarmup() {
    return new RequestRecord(id, task, model, api, operation, stream, intendedAtMs, clientDelayMs, headersMs,
        ttftMs, e2eMs, itlMs, tpotMs, chunkGapsMs, promptTokens, outputTokens, outputTokensSource, contentChunks,
        queueMs, loadMs, promptEvalMs, evalMs, serverTotalMs, status, ok, cause, message, finishReason, retried,
        cachedTokens, true);
  }

  /** A record of a request sent once (not {@code retried}). */
  public RequestRecord(long id, String task, String model, String api, String operation, boolean stream,
      long intendedAtMs, Double clientDelayMs, Double headersMs, Double ttftMs, Double e2eMs, Double itlMs,
      Double tpotMs, double[] chunkGapsMs, Integer promptTokens, Integer outputTokens, String outputTokensSource,
      Integer contentChunks, Double queueMs, Double loadMs, Double promptEvalMs, Double evalMs,
      Double serverTotalMs, Integer status, boolean ok, String cause, String message, String finishReason) {
    this(id, task, model, api, operation, stream, intendedAtMs, clientDelayMs, headersMs, ttftMs, e2eMs, itlMs,
        tpotMs, chunkGapsMs, promptTokens, outputTokens, outputTokensSource, contentChunks, queueMs, loadMs,
        promptEvalMs, evalMs, serverTotalMs, status, ok, cause, message, finishReason, false);
  }

  /**
   * A request that was never sent because it could not be built (e.g. an expression naming a session
   * attribute that is not there): every timing is null.
   */
  public static RequestRecord notSent(long id, String task, String model, String api, String operation,
      boolean stream, long intendedAtMs, String cause, String message) {
    return new RequestRecord(id, task, model, api, operation, stream, intendedAtMs, null, null, null, null, null,
        null, null, null, null, null, null, null, null, null, null, null, null, false, cause, message, null);
  }
}
