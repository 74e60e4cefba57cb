package io.llmgatling.engine.client;

import static io.llmgatling.engine.client.Failures.quote;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.engine.dialect.ResponseAccumulator;
import io.llmgatling.engine.dialect.StreamLineReader;
import io.llmgatling.engine.dialect.WireFormat;
import io.llmgatling.engine.wire.NdjsonParser;
import io.netty.buffer.ByteBuf;

/**
 * A newline-delimited JSON body (Ollama's streams): each line is read from its tokens with one parser per
 * stream, or, when the API's fast path declines it, through a tree.
 */
final class NdjsonDecoder implements ResponseDecoder, NdjsonParser.Listener {
  private final AnswerReader reader;
  private final ResponseAccumulator acc;
  private final ResponseDecoder.Listener listener;
  private final NdjsonParser ndjson = new NdjsonParser(this);
  /** Reads the stream's lines one after the other with one parser; null until the first. */
  private StreamLineReader lineReader;

  NdjsonDecoder(AnswerReader reader, ResponseAccumulator acc, ResponseDecoder.Listener listener) {
    this.reader = reader;
    this.acc = acc;
    this.listener = listener;
  }

  @Override
  public void feed(ByteBuf bytes) {
    ndjson.feed(bytes);
  }

  @Override
  public void finish() {
    ndjson.finish();
  }

  @Override
  public String endMarker() {
    return "\"done\": true";
  }

  @Override
  public void close() {
    if (lineReader != null) {
      lineReader.close();
    }
  }

  /**
   * A streamed line read by the API from its tokens, without a tree (one per token otherwise); false leaves
   * the line to the tree path.
   */
  @Override
  public boolean onLine(byte[] bytes, int offset, int length) {
    if (listener.stopped()) {
      return true;
    }
    if (lineReader == null) {
      lineReader = new StreamLineReader((parser, into) -> reader.readChunkFast(WireFormat.NDJSON, parser, into));
    }
    int before = acc.contentChunks();
    if (!lineReader.read(bytes, offset, length, acc)) {
      return false;
    }
    listener.onChunk(before);
    return true;
  }

  @Override
  public void onJson(JsonNode chunk) {
    if (listener.stopped()) {
      return;
    }
    if (!chunk.isObject()) {
      listener.onMalformed("stream chunk is not a JSON object: " + quote(chunk.toString()));
      return;
    }
    int before = acc.contentChunks();
    reader.readStreamChunk(chunk, acc);
    listener.onChunk(before);
  }

  @Override
  public void onMalformed(String line, String problem) {
    listener.onMalformed("unparseable NDJSON line " + quote(line) + ": " + problem);
  }
}
