package io.llmgatling.engine;

import io.llmgatling.engine.record.RequestRecord;
import java.util.List;

/**
 * The outcome of one request: its measured record plus what checks and multi-turn chat need.
 *
 * @param record        the measurements (also the requests.jsonl line)
 * @param text          the answer text concatenated from all content chunks ("" when none)
 * @param embeddings    number of embedding vectors returned (EMBED), else 0
 * @param dimensions    length of the first embedding vector (EMBED), else 0
 * @param sentEpochMs   epoch millis at which the request was sent (for Gatling's stats)
 * @param firstTokenEpochMs epoch millis of the first content token, or -1
 * @param endEpochMs    epoch millis of the last byte (or the failure)
 * @param toolCalls     the tool calls the answer made, assembled from their pieces (empty when none)
 * @param schemaError   why the answer is not JSON valid against the schema the request asked for; null when it is,
 *                      or when no schema was asked for
 * @param request       the request answered (checks compare the answer with what was offered); null in tests
 */
public record LlmResult(
    RequestRecord record,
    String text,
    int embeddings,
    int dimensions,
    long sentEpochMs,
    long firstTokenEpochMs,
    long endEpochMs,
    List<Part.ToolCall> toolCalls,
    String schemaError,
    LlmRequest request) {

  public LlmResult {
    toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
  }

  /** A result without tool calls or a schema. */
  public LlmResult(RequestRecord record, String text, int embeddings, int dimensions, long sentEpochMs,
      long firstTokenEpochMs, long endEpochMs) {
    this(record, text, embeddings, dimensions, sentEpochMs, firstTokenEpochMs, endEpochMs, List.of(), null, null);
  }
}
