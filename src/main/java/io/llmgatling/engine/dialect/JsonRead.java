package io.llmgatling.engine.dialect;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/** What every dialect's readers share: tree lookups, token-path helpers and the usual error body shapes. */
public final class JsonRead {
  private JsonRead() {
  }

  /** A node's text, or null for a missing or JSON null node. */
  public static String text(JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }

  /** A number as an int, or null. */
  public static Integer integer(JsonNode node) {
    return node == null || !node.isNumber() ? null : node.asInt();
  }

  /** A number as a double, or null. */
  public static Double number(JsonNode node) {
    return node == null || !node.isNumber() ? null : node.asDouble();
  }

  /**
   * The server's error message from an error body: Ollama {@code {"error":"..."}}, OpenAI
   * {@code {"error":{"message":"..."}}}, a {@code message} or {@code detail} string, else {@code fallback}.
   */
  public static String errorMessage(JsonNode body, String fallback) {
    if (body != null) {
      JsonNode error = body.get("error");
      if (error != null) {
        if (error.isTextual()) {
          return error.asText();
        }
        JsonNode message = error.get("message");
        if (message != null && !message.isNull()) {
          return message.asText();
        }
        return error.toString();
      }
      JsonNode message = body.get("message");
      if (message != null && message.isTextual()) {
        return message.asText();
      }
      JsonNode detail = body.get("detail");
      if (detail != null && detail.isTextual()) {
        return detail.asText();
      }
    }
    return fallback;
  }

  /**
   * Puts an {@code "error"} member of a chunk or body (Ollama's string, OpenAI's object) as a stream error.
   *
   * @return true when there was one, so the caller reads nothing more of it
   */
  public static boolean readError(JsonNode node, ChunkSink out, ChunkReader reader) {
    JsonNode error = node.get("error");
    if (error == null || error.isNull()) {
      return false;
    }
    out.accept(new Chunk.StreamError(reader.errorMessage(node, node.toString())));
    return true;
  }

  /** A value the fast path leaves to the tree path. */
  public static final class NotFast extends Exception {
    public static final NotFast INSTANCE = new NotFast();

    private NotFast() {
      super(null, null, false, false);
    }
  }

  /**
   * After a fast reader's last field: whether the parser stands on the end of a whole object with nothing
   * after it. A truncated object fails that way too: a non-blocking parser (streams) runs out of input
   * instead of throwing; a second value goes to the tree path, which decides.
   */
  public static boolean endsWholeObject(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.END_OBJECT) {
      return false;
    }
    JsonToken after = p.nextToken();
    return after == null || after == JsonToken.NOT_AVAILABLE;
  }

  /** A string, or null for JSON null; anything else is not the fast shape. */
  public static String stringOrNull(JsonParser p, JsonToken value) throws IOException, NotFast {
    if (value == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    if (value == JsonToken.VALUE_NULL) {
      return null;
    }
    throw NotFast.INSTANCE;
  }

  /** An integer that fits a long (as the tree's IntNode / LongNode), or null for JSON null. */
  public static Long longOrNull(JsonParser p, JsonToken value) throws IOException, NotFast {
    if (value == JsonToken.VALUE_NUMBER_INT) {
      JsonParser.NumberType type = p.getNumberType();
      if (type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG) {
        return p.getLongValue();
      }
    } else if (value == JsonToken.VALUE_NULL) {
      return null;
    }
    throw NotFast.INSTANCE;
  }
}
