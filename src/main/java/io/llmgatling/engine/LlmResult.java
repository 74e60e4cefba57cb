package io.llmgatling.engine;

import io.llmgatling.engine.record.RequestRecord;

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
 */
public record LlmResult(
    RequestRecord record,
    String text,
    int embeddings,
    int dimensions,
    long sentEpochMs,
    long firstTokenEpochMs,
    long endEpochMs) {
}
