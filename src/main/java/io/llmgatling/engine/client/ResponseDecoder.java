package io.llmgatling.engine.client;

import io.llmgatling.engine.dialect.ResponseAccumulator;
import io.llmgatling.engine.dialect.WireFormat;
import io.netty.buffer.ByteBuf;
import java.util.Locale;

/**
 * Turns a successful response's body, as its bytes arrive, into calls on the accumulator through the
 * {@link AnswerReader}: one implementation per wire format (SSE, NDJSON, one JSON document). The exchange stamps
 * each read's arrival before feeding it, so a chunk read here is timed at its bytes' arrival, not at its decoding.
 * Not thread-safe: one per response, on its connection's event loop.
 */
interface ResponseDecoder {

  /** What a decoder tells its exchange. */
  interface Listener {
    /**
     * A streamed chunk was read into the accumulator ({@code contentChunksBefore}: its content chunks before
     * this one, so the exchange can tell a token and stamp it).
     */
    void onChunk(int contentChunksBefore);

    /** The whole non-streamed body was read into the accumulator. */
    void onBody();

    /** The body cannot be read ({@code malformed}): the message says what and why. */
    void onMalformed(String message);

    /** The exchange already ended: the rest of the body is ignored. */
    boolean stopped();
  }

  /** The next bytes of the body (the buffer's readable bytes; its reader index is not moved). */
  void feed(ByteBuf bytes);

  /** The body ended. */
  void finish();

  /** The stream's end marker, as a failure message names it. */
  String endMarker();

  /** Frees the decoder's parser, if any; called once the exchange ends. */
  default void close() {
  }

  /** A decoder for {@code format}. */
  static ResponseDecoder of(WireFormat format, AnswerReader reader, ResponseAccumulator acc, Listener listener) {
    return switch (format) {
      case SSE -> new SseDecoder(reader, acc, listener);
      case NDJSON -> new NdjsonDecoder(reader, acc, listener);
      case JSON -> new JsonBodyDecoder(reader, acc, listener);
    };
  }

  /** The server's Content-Type wins (a server may ignore "stream"); else what the API streams. */
  static WireFormat formatFor(String contentType, WireFormat expected) {
    String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
    if (type.contains("event-stream")) {
      return WireFormat.SSE;
    }
    if (type.contains("ndjson")) {
      return WireFormat.NDJSON;
    }
    return expected;
  }
}
