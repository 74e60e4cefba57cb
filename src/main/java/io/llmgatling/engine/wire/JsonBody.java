package io.llmgatling.engine.wire;

import io.llmgatling.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Collects a non-streamed body chunk by chunk and parses it as one JSON document at the end. */
public final class JsonBody {
  private byte[] bytes = new byte[512];
  private int length;

  /** Appends the buffer's readable bytes (its reader index is not moved). */
  public void feed(ByteBuf chunk) {
    int n = chunk.readableBytes();
    ensure(n);
    chunk.getBytes(chunk.readerIndex(), bytes, length, n);
    length += n;
  }

  /** Appends bytes. */
  public void feed(byte[] chunk, int offset, int n) {
    ensure(n);
    System.arraycopy(chunk, offset, bytes, length, n);
    length += n;
  }

  /** Bytes collected so far. */
  public int length() {
    return length;
  }

  /** The body as text (for error messages). */
  public String text() {
    return new String(bytes, 0, length, StandardCharsets.UTF_8);
  }

  /**
   * Parses the collected body.
   *
   * @throws IOException when it is not one valid JSON document
   */
  public JsonNode parse() throws IOException {
    if (length == 0) {
      throw new IOException("empty body");
    }
    return Json.MAPPER.readTree(bytes, 0, length);
  }

  /** A streaming parser over the collected bytes (close it when done). */
  public com.fasterxml.jackson.core.JsonParser parser() throws IOException {
    return Json.MAPPER.createParser(bytes, 0, length);
  }

  private void ensure(int extra) {
    if (length + extra > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(length + extra, 2 * bytes.length));
    }
  }
}
