package io.llmgatling.simulator.dialect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;

/** JSON and byte helpers the dialects share when they write frames. */
public final class Frames {
  public static final ObjectMapper JSON = io.llmgatling.json.Json.MAPPER;
  public static final byte[] NEWLINE = "\n".getBytes(StandardCharsets.US_ASCII);

  private Frames() {
  }

  public static ObjectNode obj() {
    return JSON.createObjectNode();
  }

  /** A JSON string literal, quotes included. */
  public static String quote(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** UTF-8 straight from the tree: no intermediate String (the non-streamed hot path). */
  public static byte[] bytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a JSON tree", e);
    }
  }

  /** The headers of a server-sent-events answer: {@code text/event-stream}, not cached. */
  public static void sseHeaders(HttpHeaders headers) {
    headers.set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
        .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
  }

  /**
   * One named SSE event whose data carries its name as {@code type} first, then {@code fields} (Anthropic Messages,
   * OpenAI Responses, LM Studio v1): {@code event: <type>\ndata: {"type":"<type>",...}\n\n}.
   */
  public static byte[] namedEvent(String type, ObjectNode fields) {
    ObjectNode data = obj().put("type", type);
    data.setAll(fields);
    return utf8("event: " + type + "\ndata: " + data + "\n\n");
  }

  /** One SSE event {@code data: <json>\n\n}. */
  public static byte[] sse(String json) {
    return utf8("data: " + json + "\n\n");
  }

  /** Ollama's and LM Studio's error body: {@code {"error":"..."}}. */
  public static String plainError(String message) {
    return obj().put("error", message).toString();
  }

  public static String text(JsonNode node, String field, String fallback) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? fallback : v.asText();
  }
}
