package io.llmgatling.engine.dialect;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.engine.wire.SseEvent;

/**
 * Reads an API's answers into typed {@link Chunk}s. Each piece can be read two ways: from its tree ({@link
 * JsonNode}), always, or from its tokens ({@link JsonParser}), when the piece has the plain per-token shape the
 * reader knows (no tree, no String per token: that was most of the injector's allocation). The two must yield the
 * same chunks (the differential tests check it chunk by chunk); a fast path that doubts returns false having put
 * nothing, and the caller reads the tree. Implementations are stateless and thread-safe.
 */
public interface ChunkReader {

  /** One streamed JSON object: an NDJSON line, or the JSON data of an SSE event. */
  void readChunk(JsonNode chunk, ChunkSink out);

  /**
   * One server-sent event: {@code [DONE]}, an {@code error} event (its data may not be JSON, {@code data} is then
   * null), or a JSON chunk.
   */
  default void readEvent(SseEvent event, JsonNode data, ChunkSink out) {
    if (event.isDone()) {
      out.accept(new Chunk.Done(null));
      return;
    }
    if ("error".equals(event.event())) {
      out.accept(new Chunk.StreamError(data == null ? event.data() : errorMessage(data, event.data())));
      return;
    }
    readChunk(data, out);
  }

  /** A whole non-streamed answer. */
  void readBody(JsonNode body, ChunkSink out);

  /**
   * One streamed chunk (NDJSON line, SSE {@code message} data) from its tokens; false, having put nothing, when it
   * is not the plain shape. The parser may be a blocking one over the value, or a non-blocking one fed exactly one
   * value: there the value's end is {@code NOT_AVAILABLE} rather than the end of input, and a value cut short runs
   * out of input instead of failing, so it must be answered with false.
   */
  default boolean readChunkFast(JsonParser chunk, ChunkSink out) {
    return false;
  }

  /**
   * Whether the data of SSE events of this name may go to {@link #readChunkFast} (the tree path reads any event):
   * plain {@code message} events by default; APIs with named per-token events (Responses, Anthropic) name theirs.
   */
  default boolean readsEventFast(String event) {
    return "message".equals(event);
  }

  /** A whole non-streamed answer from its tokens; like {@link #readChunkFast}. */
  default boolean readBodyFast(JsonParser body, ChunkSink out) {
    return false;
  }

  /** The server's message in an error body (or error chunk), else {@code fallback}. */
  default String errorMessage(JsonNode body, String fallback) {
    return JsonRead.errorMessage(body, fallback);
  }
}
