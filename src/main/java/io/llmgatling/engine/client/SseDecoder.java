package io.llmgatling.engine.client;

import static io.llmgatling.engine.client.Failures.describe;
import static io.llmgatling.engine.client.Failures.quote;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.engine.dialect.ResponseAccumulator;
import io.llmgatling.engine.dialect.StreamLineReader;
import io.llmgatling.engine.dialect.WireFormat;
import io.llmgatling.json.Json;
import io.llmgatling.engine.wire.SseEvent;
import io.llmgatling.engine.wire.SseParser;
import io.netty.buffer.ByteBuf;
import java.io.IOException;

/**
 * A {@code text/event-stream} body: the byte-level {@link SseParser} splits events; a plain {@code message}
 * event whose data is a JSON object is read from its tokens with one parser per stream, anything else ({@code
 * [DONE]}, {@code error} events, unusual shapes) through a tree.
 */
final class SseDecoder implements ResponseDecoder, SseParser.Listener {
  private final AnswerReader reader;
  private final ResponseAccumulator acc;
  private final ResponseDecoder.Listener listener;
  private final SseParser sse = new SseParser(this);
  /** Reads the stream's data one event after the other with one parser; null until the first. */
  private StreamLineReader lineReader;

  SseDecoder(AnswerReader reader, ResponseAccumulator acc, ResponseDecoder.Listener listener) {
    this.reader = reader;
    this.acc = acc;
    this.listener = listener;
  }

  @Override
  public void feed(ByteBuf bytes) {
    sse.feed(bytes);
  }

  @Override
  public void finish() {
    sse.finish();
  }

  @Override
  public String endMarker() {
    return reader.endMarker(WireFormat.SSE);
  }

  @Override
  public void close() {
    if (lineReader != null) {
      lineReader.close();
    }
  }

  /**
   * An SSE event's data read by the API from its tokens, without a String or a tree (one each per token
   * otherwise); false leaves the event to {@link #onEvent}, which also owns [DONE] and error events.
   */
  @Override
  public boolean onEventBytes(String event, byte[] data, int offset, int length) {
    if (listener.stopped()) {
      return true;
    }
    if (!reader.readsEventFast(event) || length == 0 || data[offset] != '{') {
      return false;
    }
    if (lineReader == null) {
      lineReader = new StreamLineReader((parser, into) -> reader.readChunkFast(WireFormat.SSE, parser, into));
    }
    int before = acc.contentChunks();
    if (!lineReader.read(data, offset, length, acc)) {
      return false;
    }
    listener.onChunk(before);
    return true;
  }

  @Override
  public void onEvent(SseEvent event) {
    if (listener.stopped()) {
      return;
    }
    JsonNode data = null;
    if (!event.isDone()) {
      try {
        data = Json.MAPPER.readTree(event.data());
      } catch (IOException e) {
        if (!"error".equals(event.event())) {
          listener.onMalformed("unparseable SSE data " + quote(event.data()) + ": " + describe(e));
          return;
        }
      }
      if (data != null && !data.isObject() && !"error".equals(event.event())) {
        listener.onMalformed("SSE data is not a JSON object: " + quote(event.data()));
        return;
      }
    }
    int before = acc.contentChunks();
    reader.readSseEvent(event, data, acc);
    listener.onChunk(before);
  }
}
