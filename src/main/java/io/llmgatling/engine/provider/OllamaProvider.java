package io.llmgatling.engine.provider;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgatling.engine.ApiFlavor;
import io.llmgatling.engine.LlmRequest;
import io.llmgatling.engine.wire.Json;
import java.io.IOException;
import java.util.Map;
import java.util.Set;

/**
 * Ollama's native API: {@code /api/chat}, {@code /api/generate} (also used for completions),
 * {@code /api/embed}; NDJSON streams ending with a {@code "done": true} object that carries
 * {@code eval_count}, {@code prompt_eval_count} and the durations (nanoseconds) from which the queue
 * time is derived: queue = total − load − prompt_eval − eval.
 */
public final class OllamaProvider implements Provider {
  static final OllamaProvider INSTANCE = new OllamaProvider();

  /** Request options that Ollama takes at the top level of the body rather than in "options". */
  private static final Set<String> TOP_LEVEL_KEYS =
      Set.of("keep_alive", "format", "think", "raw", "system", "template", "tools", "suffix", "images",
          "context", "truncate", "dimensions");

  private OllamaProvider() {
  }

  @Override
  public ApiFlavor flavor() {
    return ApiFlavor.OLLAMA;
  }

  @Override
  public String path(LlmRequest request) {
    return switch (request.operation()) {
      case CHAT -> "/api/chat";
      case GENERATE, COMPLETION -> "/api/generate";
      case EMBED -> "/api/embed";
    };
  }

  @Override
  public ObjectNode body(LlmRequest request) {
    ObjectNode body = Provider.commonBody(request);
    ObjectNode options = Json.MAPPER.createObjectNode();
    if (request.operation() != io.llmgatling.engine.Operation.EMBED) {
      body.put("stream", request.stream());
      if (request.maxTokens() != null) {
        options.put("num_predict", request.maxTokens());
      }
    }
    for (Map.Entry<String, Object> option : request.options().entrySet()) {
      JsonNode value = Json.MAPPER.valueToTree(option.getValue());
      if (TOP_LEVEL_KEYS.contains(option.getKey())) {
        body.set(option.getKey(), value);
      } else {
        options.set(option.getKey(), value);
      }
    }
    if (!options.isEmpty()) {
      body.set("options", options);
    }
    return body;
  }

  @Override
  public WireFormat responseFormat(LlmRequest request) {
    return request.stream() && request.operation() != io.llmgatling.engine.Operation.EMBED
        ? WireFormat.NDJSON : WireFormat.JSON;
  }

  @Override
  public void readStreamChunk(JsonNode chunk, ResponseAccumulator acc) {
    if (Provider.readError(chunk, acc)) {
      return;
    }
    JsonNode message = chunk.get("message");
    if (message != null) {
      acc.reasoning(text(message.get("thinking")));
      acc.content(text(message.get("content")));
    } else {
      acc.reasoning(text(chunk.get("thinking")));
      acc.content(text(chunk.get("response")));
    }
    if (chunk.path("done").asBoolean(false)) {
      acc.end();
      acc.finishReason(text(chunk.get("done_reason")));
      readCountsAndDurations(chunk, acc);
    }
  }

  @Override
  public void readBody(JsonNode body, ResponseAccumulator acc) {
    JsonNode embeddings = body.get("embeddings");
    if (embeddings != null && embeddings.isArray()) {
      acc.embeddings(embeddings.size(), embeddings.size() == 0 ? 0 : embeddings.get(0).size());
      acc.end();
      readCountsAndDurations(body, acc);
      return;
    }
    readStreamChunk(body, acc);
  }

  /**
   * The common answer object, a non-streamed body or one streamed line ("response" or a "message" with
   * string "role", "content" and "thinking", "thinking", "done", "done_reason", the counts and durations as
   * integers, other keys skipped) read from the tokens without building a tree: this is every token of an
   * Ollama stream. Anything else ("error", "embeddings", a value of another type, a duplicate key, invalid
   * JSON) is left to the tree path, and {@code acc} is then untouched.
   */
  @Override
  public boolean readBodyFast(JsonParser p, ResponseAccumulator acc) {
    String thinking = null;
    String response = null;
    String doneReason = null;
    boolean done = false;
    Long promptEvalCount = null;
    Long evalCount = null;
    Long total = null;
    Long load = null;
    Long promptEval = null;
    Long eval = null;
    boolean hasMessage = false;
    String messageContent = null;
    String messageThinking = null;
    int seen = 0;
    try {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      String name;
      while ((name = p.nextFieldName()) != null) {
        JsonToken value = p.nextToken();
        int bit;
        switch (name) {
          case "response" -> {
            bit = 1;
            response = stringOrNull(p, value);
          }
          case "thinking" -> {
            bit = 2;
            thinking = stringOrNull(p, value);
          }
          case "done_reason" -> {
            bit = 4;
            doneReason = stringOrNull(p, value);
          }
          case "done" -> {
            bit = 8;
            if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE) {
              return false;
            }
            done = value == JsonToken.VALUE_TRUE;
          }
          case "prompt_eval_count" -> {
            bit = 16;
            promptEvalCount = longOrNull(p, value);
          }
          case "eval_count" -> {
            bit = 32;
            evalCount = longOrNull(p, value);
          }
          case "total_duration" -> {
            bit = 64;
            total = longOrNull(p, value);
          }
          case "load_duration" -> {
            bit = 128;
            load = longOrNull(p, value);
          }
          case "prompt_eval_duration" -> {
            bit = 256;
            promptEval = longOrNull(p, value);
          }
          case "eval_duration" -> {
            bit = 512;
            eval = longOrNull(p, value);
          }
          case "message" -> {
            bit = 1024;
            if (value != JsonToken.START_OBJECT) {
              return false;
            }
            hasMessage = true;
            int seenInMessage = 0;
            String field;
            while ((field = p.nextFieldName()) != null) {
              JsonToken fieldValue = p.nextToken();
              int fieldBit;
              switch (field) {
                case "content" -> {
                  fieldBit = 1;
                  messageContent = stringOrNull(p, fieldValue);
                }
                case "thinking" -> {
                  fieldBit = 2;
                  messageThinking = stringOrNull(p, fieldValue);
                }
                case "role" -> {
                  fieldBit = 4;
                  stringOrNull(p, fieldValue);
                }
                default -> {
                  fieldBit = 0;
                  p.skipChildren(); // tool_calls, images: not read by the tree path either
                }
              }
              if ((seenInMessage & fieldBit) != 0) {
                return false;
              }
              seenInMessage |= fieldBit;
            }
          }
          case "error", "embeddings" -> {
            return false;
          }
          default -> {
            bit = 0;
            p.skipChildren();
          }
        }
        if ((seen & bit) != 0) {
          return false;
        }
        seen |= bit;
      }
      if (!endsWholeObject(p)) {
        return false;
      }
    } catch (IOException | NotFast e) {
      return false;
    }
    // the same calls, in the same order, as readStreamChunk on the tree (where a message wins)
    acc.reasoning(hasMessage ? messageThinking : thinking);
    acc.content(hasMessage ? messageContent : response);
    if (done) {
      acc.end();
      acc.finishReason(doneReason);
      acc.promptTokens(promptEvalCount == null ? null : (int) promptEvalCount.longValue());
      acc.serverOutputTokens(evalCount == null ? null : (int) evalCount.longValue());
      Double totalMs = total == null ? null : total / 1_000_000.0;
      Double loadMs = load == null ? null : load / 1_000_000.0;
      Double promptEvalMs = promptEval == null ? null : promptEval / 1_000_000.0;
      Double evalMs = eval == null ? null : eval / 1_000_000.0;
      acc.serverTotalMs(totalMs);
      acc.loadMs(loadMs);
      acc.promptEvalMs(promptEvalMs);
      acc.evalMs(evalMs);
      if (totalMs != null) {
        double queue = totalMs - orZero(loadMs) - orZero(promptEvalMs) - orZero(evalMs);
        acc.queueMs(Math.max(0.0, queue));
      }
    }
    return true;
  }

  /** A value the fast path leaves to the tree path. */
  static final class NotFast extends Exception {
    static final NotFast INSTANCE = new NotFast();

    private NotFast() {
      super(null, null, false, false);
    }
  }

  /**
   * After a fast reader's last field: whether the parser stands on the end of a whole object with nothing
   * after it. A truncated object fails that way too: a non-blocking parser (streams) runs out of input
   * instead of throwing; a second value goes to the tree path, which decides.
   */
  static boolean endsWholeObject(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.END_OBJECT) {
      return false;
    }
    JsonToken after = p.nextToken();
    return after == null || after == JsonToken.NOT_AVAILABLE;
  }

  static String stringOrNull(JsonParser p, JsonToken value) throws IOException, NotFast {
    if (value == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    if (value == JsonToken.VALUE_NULL) {
      return null;
    }
    throw NotFast.INSTANCE;
  }

  /** An integer that fits a long (as the tree's IntNode / LongNode), or null for JSON null. */
  private static Long longOrNull(JsonParser p, JsonToken value) throws IOException, NotFast {
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

  private static void readCountsAndDurations(JsonNode done, ResponseAccumulator acc) {
    acc.promptTokens(integer(done.get("prompt_eval_count")));
    acc.serverOutputTokens(integer(done.get("eval_count")));
    Double total = nanosToMs(done.get("total_duration"));
    Double load = nanosToMs(done.get("load_duration"));
    Double promptEval = nanosToMs(done.get("prompt_eval_duration"));
    Double eval = nanosToMs(done.get("eval_duration"));
    acc.serverTotalMs(total);
    acc.loadMs(load);
    acc.promptEvalMs(promptEval);
    acc.evalMs(eval);
    if (total != null) {
      // a missing part means Ollama skipped that phase (e.g. prompt fully cached): it took no time
      double queue = total - orZero(load) - orZero(promptEval) - orZero(eval);
      acc.queueMs(Math.max(0.0, queue));
    }
  }

  private static double orZero(Double ms) {
    return ms == null ? 0.0 : ms;
  }

  static String text(JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }

  static Integer integer(JsonNode node) {
    return node == null || !node.isNumber() ? null : node.asInt();
  }

  private static Double nanosToMs(JsonNode node) {
    return node == null || !node.isNumber() ? null : node.asLong() / 1_000_000.0;
  }
}
