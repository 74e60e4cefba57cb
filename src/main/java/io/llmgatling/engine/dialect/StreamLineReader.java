package io.llmgatling.engine.dialect;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import io.llmgatling.json.Json;
import java.io.IOException;

/**
 * Reads the chunks of one stream (NDJSON lines, SSE data) through a provider's token-level fast path
 * ({@link ChunkReader#readChunkFast}) with a single non-blocking parser,
 * fed one chunk at a time. A parser per chunk (its context, symbol table and buffers), or a tree per chunk,
 * for every token, was most of the injector's allocation, so of its GC pauses, and a pause delays every
 * token that arrives during it. Not thread-safe: one per stream.
 */
public final class StreamLineReader implements AutoCloseable {
  /** A dialect's fast path: reads one JSON value from the parser into {@code out}, or false (nothing put). */
  @FunctionalInterface
  public interface FastPath {
    boolean read(JsonParser parser, ChunkSink out);
  }

  private final FastPath fastPath;
  private JsonParser parser;
  private byte[] line = new byte[512];

  public StreamLineReader(FastPath fastPath) {
    this.fastPath = fastPath;
  }

  /**
   * Reads one complete chunk (a line without its line end, an event's data).
   *
   * @return true when the line was read into {@code acc}; false when it was left untouched and the line
   *     belongs to the tree path (an unusual shape, an error object, a value cut short, not JSON)
   */
  public boolean read(byte[] bytes, int offset, int length, ChunkSink acc) {
    try {
      if (parser == null) {
        parser = Json.MAPPER.getFactory().createNonBlockingByteArrayParser();
      }
      // the line is fed with a line end: a non-blocking parser cannot tell a token cut by the end of its input
      // (the "5" or "tru" of a line that goes on after its object) from one still to come, and the newline
      // settles it. The copy is into one buffer per stream, no allocation per line.
      if (line.length < length + 1) {
        line = new byte[Math.max(length + 1, line.length * 2)];
      }
      System.arraycopy(bytes, offset, line, 0, length);
      line[length] = '\n';
      ((ByteArrayFeeder) parser.getNonBlockingInputFeeder()).feedInput(line, 0, length + 1);
      if (fastPath.read(parser, acc)) {
        return true;
      }
    } catch (IOException e) {
      // not JSON, or more than one value: the tree path says so in its own words
    }
    // the parser may be anywhere inside the line: the next line starts on a new one
    close();
    return false;
  }

  @Override
  public void close() {
    if (parser != null) {
      try {
        parser.close();
      } catch (IOException e) {
        // in-memory input: nothing to release but its buffers
      }
      parser = null;
    }
  }
}
