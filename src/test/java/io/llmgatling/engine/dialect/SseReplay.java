package io.llmgatling.engine.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.engine.wire.SseEvent;
import io.llmgatling.engine.wire.SseParser;
import io.llmgatling.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Plays an SSE body through a dialect as the client's decoder does: events the dialect reads fast go through
 * its token path (one parser for the stream), the others (and those the fast path leaves) as trees; or every event
 * as a tree, to compare the two. Records the chunks in order.
 */
public final class SseReplay {
  private SseReplay() {
  }

  /** A fixture under {@code src/test/resources/wire/}. */
  public static String fixture(String path) {
    try {
      return Files.readString(Path.of("src/test/resources/wire", path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The chunks of an SSE body, the fast path tried first where the dialect offers it. */
  public static List<Chunk> chunks(ChunkReader reader, String sse, boolean fast) {
    List<Chunk> out = new ArrayList<>();
    ChunkSink sink = out::add;
    StreamLineReader lines = new StreamLineReader(reader::readChunkFast);
    SseParser parser = new SseParser(new SseParser.Listener() {
      @Override
      public boolean onEventBytes(String event, byte[] data, int offset, int length) {
        if (!fast || !reader.readsEventFast(event) || length == 0 || data[offset] != '{') {
          return false;
        }
        return lines.read(data, offset, length, sink);
      }

      @Override
      public void onEvent(SseEvent event) {
        JsonNode data = null;
        if (!event.isDone()) {
          try {
            data = Json.MAPPER.readTree(event.data());
          } catch (IOException e) {
            data = null;
          }
        }
        reader.readEvent(event, data, sink);
      }
    });
    byte[] bytes = sse.getBytes(StandardCharsets.UTF_8);
    parser.feed(bytes, 0, bytes.length);
    parser.finish();
    lines.close();
    return out;
  }

  /** The accumulated state of an SSE body read the client's way. */
  public static ResponseAccumulator accumulate(ChunkReader reader, String sse) {
    ResponseAccumulator acc = new ResponseAccumulator();
    chunks(reader, sse, true).forEach(acc::accept);
    return acc;
  }

  /** The accumulated state of a whole JSON body. */
  public static ResponseAccumulator body(ChunkReader reader, String json) {
    ResponseAccumulator acc = new ResponseAccumulator();
    try {
      reader.readBody(Json.MAPPER.readTree(json), acc);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return acc;
  }
}
