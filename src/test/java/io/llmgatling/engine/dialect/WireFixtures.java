package io.llmgatling.engine.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.engine.wire.SseEvent;
import io.llmgatling.engine.wire.SseParser;
import io.llmgatling.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The golden transcripts of {@code src/test/resources/wire/<api>/} (docs/apis.md), read as a client reads them. */
public final class WireFixtures {
  private WireFixtures() {
  }

  /** A fixture's bytes. */
  public static byte[] bytes(String api, String file) {
    try (InputStream in = WireFixtures.class.getResourceAsStream("/wire/" + api + "/" + file)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture wire/" + api + "/" + file);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode json(String api, String file) {
    try {
      return Json.MAPPER.readTree(bytes(api, file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The events of an SSE byte stream, split by the client's own parser. */
  public static List<SseEvent> events(byte[] sse) {
    List<SseEvent> events = new ArrayList<>();
    SseParser parser = new SseParser(events::add);
    parser.feed(sse, 0, sse.length);
    parser.finish();
    return events;
  }

  /** Feeds an SSE byte stream to a reader as the client does (tree path), into a fresh accumulator. */
  public static ResponseAccumulator readSse(ChunkReader reader, byte[] sse) {
    ResponseAccumulator acc = new ResponseAccumulator();
    readSse(reader, sse, acc);
    return acc;
  }

  /** Feeds an SSE byte stream to a reader, every chunk into {@code out}. */
  public static void readSse(ChunkReader reader, byte[] sse, ChunkSink out) {
    for (SseEvent event : events(sse)) {
      JsonNode data = null;
      if (!event.isDone()) {
        try {
          data = Json.MAPPER.readTree(event.data());
        } catch (IOException e) {
          data = null;
        }
      }
      reader.readEvent(event, data, out);
    }
  }

  public static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
