package io.llmgatling.engine.client;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.engine.LlmRequest;
import io.llmgatling.engine.dialect.ChunkReader;
import io.llmgatling.engine.dialect.Dialect;
import io.llmgatling.engine.dialect.ChunkSink;
import io.llmgatling.engine.dialect.ResponseAccumulator;
import io.llmgatling.engine.dialect.WireFormat;
import io.llmgatling.engine.wire.SseEvent;

/**
 * The one seam between a response's decoding (the {@link Exchange} and its {@link ResponseDecoder}s) and the
 * server API that reads the answer's chunks: every call from them into the API goes through here, so that
 * re-pointing the client at another chunk reader changes this class only. One per request (it knows the
 * request, whose API and stream flag decide the expected framing). Stateless beyond that: thread-safe.
 */
final class AnswerReader {
  private final Dialect dialect;
  private final LlmRequest request;
  /** The dialect itself, or its reader with state for this one answer ({@link Dialect#readerFor}). */
  private final ChunkReader reader;

  AnswerReader(Dialect dialect, LlmRequest request) {
    this.dialect = dialect;
    this.request = request;
    this.reader = dialect.readerFor(request);
  }

  /** How the API frames the answer to this request when the server's Content-Type does not say otherwise. */
  WireFormat expectedFormat() {
    return dialect.responseFormat(request);
  }

  /**
   * One streamed JSON chunk (an NDJSON line, an SSE event's data) read straight from its tokens; false (and
   * {@code acc} untouched) leaves it to the tree path.
   */
  boolean readChunkFast(WireFormat format, JsonParser chunk, ChunkSink acc) {
    return reader.readChunkFast(chunk, acc);
  }

  /** Whether SSE events of this name may be read from their tokens ({@link #readChunkFast}). */
  boolean readsEventFast(String event) {
    return dialect.readsEventFast(event);
  }

  /** The end marker a complete answer in this framing carries, for the message of one that ended without it. */
  String endMarker(WireFormat format) {
    return dialect.endMarker(format);
  }

  /** The API's own headers (its key's header among them). */
  void headers(String apiKey, java.util.function.BiConsumer<String, String> header) {
    dialect.headers(apiKey, header);
  }

  /** One streamed JSON object (an NDJSON line), as a tree. */
  void readStreamChunk(JsonNode chunk, ResponseAccumulator acc) {
    reader.readChunk(chunk, acc);
  }

  /** One server-sent event ({@code [DONE]}, an {@code error} event or a JSON chunk) with its parsed data. */
  void readSseEvent(SseEvent event, JsonNode data, ResponseAccumulator acc) {
    reader.readEvent(event, data, acc);
  }

  /** A whole non-streamed answer from its tokens; false (and {@code acc} untouched) leaves it to the tree. */
  boolean readBodyFast(JsonParser body, ResponseAccumulator acc) {
    return reader.readBodyFast(body, acc);
  }

  /** A whole non-streamed answer, as a tree. */
  void readBody(JsonNode body, ResponseAccumulator acc) {
    reader.readBody(body, acc);
  }

  /** The server's message in an error body, else {@code fallback}. */
  String errorMessage(JsonNode body, String fallback) {
    return reader.errorMessage(body, fallback);
  }
}
