package io.llmgatling.engine.wire;

import io.llmgatling.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Incremental parser of newline-delimited JSON (Ollama's streaming format): feed it the body's byte
 * chunks as they arrive; it calls the listener once per complete non-blank line. Lines and UTF-8
 * characters may be split anywhere across chunks; LF and CRLF both end a line.
 */
public final class NdjsonParser {
  /** Receives parsed lines. */
  public interface Listener {
    /** One complete line, parsed. */
    void onJson(JsonNode value);

    /** A complete line that is not valid JSON. */
    void onMalformed(String line, String problem);

    /**
     * A complete line, before it is parsed into a tree: a listener that can read this line straight from
     * its bytes does so and returns true (no tree, no {@link #onJson}); false lets the parser build the tree.
     */
    default boolean onLine(byte[] bytes, int offset, int length) {
      return false;
    }
  }

  private final Listener listener;
  private final LineSplitter lines;

  public NdjsonParser(Listener listener) {
    this.listener = listener;
    this.lines = new LineSplitter(this::onLine, false);
  }

  /** Feeds the next bytes of the body (the buffer's readable bytes; its reader index is not moved). */
  public void feed(ByteBuf chunk) {
    lines.feed(chunk);
  }

  /** Feeds the next bytes of the body. */
  public void feed(byte[] bytes, int offset, int length) {
    lines.feed(bytes, offset, length);
  }

  /** The body has ended: parses a last line that had no terminating newline. */
  public void finish() {
    byte[] rest = lines.takeRemainder();
    if (rest != null) {
      onLine(rest, 0, rest.length);
    }
  }

  private void onLine(byte[] bytes, int offset, int length) {
    if (isBlank(bytes, offset, length)) {
      return;
    }
    if (listener.onLine(bytes, offset, length)) {
      return;
    }
    try {
      listener.onJson(Json.MAPPER.readTree(bytes, offset, length));
    } catch (IOException e) {
      listener.onMalformed(new String(bytes, offset, length, StandardCharsets.UTF_8), e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage());
    }
  }

  private static boolean isBlank(byte[] bytes, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      byte b = bytes[i];
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }
}
