package io.llmgatling.simulator.dialect;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;

/** One request's answer in its API's wire shape; the engine decides when each part goes out. */
public interface WireFormat {
  /** Headers of a streamed answer besides status, framing and connection (content type, cache control). */
  void streamHeaders(HttpHeaders headers);

  /**
   * Frames written right after the stream's headers, before any token (none for today's APIs; Anthropic's
   * {@code message_start}, LM Studio v1's {@code chat.start}, Responses' {@code response.created}).
   */
  default List<byte[]> streamStart() {
    return List.of();
  }

  /** The frame of one streamed token (hot path: built once, copied per token). */
  ChunkTemplate chunkTemplate();

  /** The whole body of a non-streamed answer. */
  byte[] body(Outcome outcome, String content);

  /** The frames after the last token of a stream, each written as its own HTTP chunk. */
  List<byte[]> streamEnd(Outcome outcome);

  /** An unparseable frame in the middle of a stream (the malformed fault). */
  byte[] malformedFrame();

  /** The server's error object as a frame inside a 200 stream (the error_line fault). */
  byte[] errorFrame(String message);

  /** An error body in the server's own shape. */
  String errorBody(int status, String message);

  /** The body of an embedding answer. */
  default byte[] embeddingBody(Outcome outcome) {
    throw new UnsupportedOperationException("not an embedding endpoint");
  }
}
