package io.llmgatling.engine.dialect.ollama;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgatling.engine.LlmRequest;
import io.llmgatling.engine.Message;
import io.llmgatling.engine.Operation;
import io.llmgatling.engine.Part;
import io.llmgatling.engine.dialect.Chunk;
import io.llmgatling.engine.dialect.ChunkSink;
import io.llmgatling.engine.dialect.Dialect;
import io.llmgatling.engine.dialect.JsonRead;
import io.llmgatling.engine.dialect.ServerInfo;
import io.llmgatling.engine.dialect.ServerQuery;
import io.llmgatling.engine.dialect.WireFormat;
import io.llmgatling.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ollama's native API: {@code /api/chat}, {@code /api/generate} (also used for completions),
 * {@code /api/embed}; NDJSON streams ending with a {@code "done": true} object that carries
 * {@code eval_count}, {@code prompt_eval_count} and the durations (nanoseconds) from which the queue
 * time is derived: queue = total − load − prompt_eval − eval. Messages carry images as base64 strings in
 * {@code images}, tool calls as {@code tool_calls} with the arguments as an object, tool results in role
 * {@code tool}. Pre-flight: {@code GET /api/version}, {@code GET /api/tags}.
 */
public final class OllamaDialect implements Dialect {
  public static final OllamaDialect INSTANCE = new OllamaDialect();

  /** Request options that Ollama takes at the top level of the body rather than in "options". */
  private static final Set<String> TOP_LEVEL_KEYS =
      Set.of("keep_alive", "format", "think", "raw", "system", "template", "tools", "suffix", "images",
          "context", "truncate", "dimensions");

  private OllamaDialect() {
  }

  @Override
  public String id() {
    return "ollama";
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
  public Operation operationFor(Operation operation) {
    return operation; // /api/generate is Ollama's own
  }

  @Override
  public ObjectNode body(LlmRequest request) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("model", request.model());
    switch (request.operation()) {
      case CHAT -> {
        ArrayNode messages = body.putArray("messages");
        for (Message m : request.messages()) {
          writeMessage(messages, m);
        }
      }
      case GENERATE, COMPLETION -> body.put("prompt", request.prompt());
      case EMBED -> {
        ArrayNode input = body.putArray("input");
        request.input().forEach(input::add);
      }
      default -> throw new IllegalStateException("unknown operation " + request.operation());
    }
    ObjectNode options = Json.MAPPER.createObjectNode();
    if (request.operation() != Operation.EMBED) {
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

  /** Ollama's {@code think}: true or false, or the level (gpt-oss takes low, medium, high). */
  @Override
  public void think(ObjectNode body, String think, LlmRequest request) {
    switch (think) {
      case "on" -> body.put("think", true);
      case "off" -> body.put("think", false);
      default -> body.put("think", think);
    }
  }

  /**
   * One message in Ollama's shape: {@code content} the text parts, {@code images} base64, {@code tool_calls} with
   * the arguments as a JSON object; each tool result its own {@code tool} message.
   */
  static void writeMessage(ArrayNode messages, Message m) {
    List<Part.ToolResult> results = m.parts(Part.ToolResult.class);
    for (Part.ToolResult result : results) {
      messages.addObject().put("role", "tool").put("content", result.content());
    }
    if (!results.isEmpty() && results.size() == m.parts().size()) {
      return;
    }
    ObjectNode out = messages.addObject().put("role", m.role()).put("content", m.text());
    List<Part.Image> images = m.parts(Part.Image.class);
    if (!images.isEmpty()) {
      ArrayNode array = out.putArray("images");
      images.forEach(image -> array.add(Base64.getEncoder().encodeToString(image.data())));
    }
    List<Part.ToolCall> calls = m.parts(Part.ToolCall.class);
    if (!calls.isEmpty()) {
      ArrayNode array = out.putArray("tool_calls");
      for (Part.ToolCall call : calls) {
        ObjectNode function = array.addObject().putObject("function").put("name", call.name());
        function.set("arguments", arguments(call));
      }
    }
  }

  private static JsonNode arguments(Part.ToolCall call) {
    try {
      return Json.MAPPER.readTree(call.argumentsJson());
    } catch (IOException e) {
      throw new IllegalArgumentException("tool call " + call.name() + ": arguments are not JSON: "
          + call.argumentsJson());
    }
  }

  @Override
  public WireFormat responseFormat(LlmRequest request) {
    return request.stream() && request.operation() != Operation.EMBED ? WireFormat.NDJSON : WireFormat.JSON;
  }

  @Override
  public void readChunk(JsonNode chunk, ChunkSink out) {
    if (JsonRead.readError(chunk, out, this)) {
      return;
    }
    JsonNode message = chunk.get("message");
    if (message != null) {
      answer(out, JsonRead.text(message.get("thinking")), JsonRead.text(message.get("content")));
      toolCalls(message.get("tool_calls"), out);
    } else {
      answer(out, JsonRead.text(chunk.get("thinking")), JsonRead.text(chunk.get("response")));
    }
    if (chunk.path("done").asBoolean(false)) {
      out.accept(new Chunk.Done(JsonRead.text(chunk.get("done_reason"))));
      countsAndDurations(chunk, out);
    }
  }

  @Override
  public void readBody(JsonNode body, ChunkSink out) {
    JsonNode embeddings = body.get("embeddings");
    if (embeddings != null && embeddings.isArray()) {
      out.accept(new Chunk.Embeddings(embeddings.size(), embeddings.size() == 0 ? 0 : embeddings.get(0).size()));
      out.accept(new Chunk.Done(null));
      countsAndDurations(body, out);
      return;
    }
    readChunk(body, out);
  }

  private static void answer(ChunkSink out, String thinking, String content) {
    out.reasoning(thinking);
    out.token(content);
  }

  /** Ollama sends each tool call whole, its arguments an object. */
  private static void toolCalls(JsonNode calls, ChunkSink out) {
    if (calls == null || !calls.isArray()) {
      return;
    }
    for (int i = 0; i < calls.size(); i++) {
      JsonNode function = calls.get(i).path("function");
      JsonNode arguments = function.get("arguments");
      out.accept(new Chunk.ToolCallDelta(i, JsonRead.text(calls.get(i).get("id")), JsonRead.text(function.get("name")),
          arguments == null || arguments.isNull() ? null : arguments.isTextual() ? arguments.asText()
              : arguments.toString()));
    }
  }

  /**
   * The common answer object, a non-streamed body or one streamed line ("response" or a "message" with
   * string "role", "content" and "thinking", "thinking", "done", "done_reason", the counts and durations as
   * integers, other keys skipped) read from the tokens without building a tree: this is every token of an
   * Ollama stream. Anything else ("error", "embeddings", "tool_calls", a value of another type, a duplicate key,
   * invalid JSON) is left to the tree path, and nothing is put.
   */
  @Override
  public boolean readChunkFast(JsonParser p, ChunkSink out) {
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
            response = JsonRead.stringOrNull(p, value);
          }
          case "thinking" -> {
            bit = 2;
            thinking = JsonRead.stringOrNull(p, value);
          }
          case "done_reason" -> {
            bit = 4;
            doneReason = JsonRead.stringOrNull(p, value);
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
            promptEvalCount = JsonRead.longOrNull(p, value);
          }
          case "eval_count" -> {
            bit = 32;
            evalCount = JsonRead.longOrNull(p, value);
          }
          case "total_duration" -> {
            bit = 64;
            total = JsonRead.longOrNull(p, value);
          }
          case "load_duration" -> {
            bit = 128;
            load = JsonRead.longOrNull(p, value);
          }
          case "prompt_eval_duration" -> {
            bit = 256;
            promptEval = JsonRead.longOrNull(p, value);
          }
          case "eval_duration" -> {
            bit = 512;
            eval = JsonRead.longOrNull(p, value);
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
                  messageContent = JsonRead.stringOrNull(p, fieldValue);
                }
                case "thinking" -> {
                  fieldBit = 2;
                  messageThinking = JsonRead.stringOrNull(p, fieldValue);
                }
                case "role" -> {
                  fieldBit = 4;
                  JsonRead.stringOrNull(p, fieldValue);
                }
                case "tool_calls" -> {
                  return false; // rare: the tree path reads them
                }
                default -> {
                  fieldBit = 0;
                  p.skipChildren(); // images: not read by the tree path either
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
      if (!JsonRead.endsWholeObject(p)) {
        return false;
      }
    } catch (IOException | JsonRead.NotFast e) {
      return false;
    }
    // what readChunk puts for the same object's tree (where a message wins)
    answer(out, hasMessage ? messageThinking : thinking, hasMessage ? messageContent : response);
    if (done) {
      out.accept(new Chunk.Done(doneReason));
      countsAndDurations(out, toInt(promptEvalCount), toInt(evalCount), nanosToMs(total), nanosToMs(load),
          nanosToMs(promptEval), nanosToMs(eval));
    }
    return true;
  }

  @Override
  public boolean readBodyFast(JsonParser p, ChunkSink out) {
    return readChunkFast(p, out); // a whole answer has a streamed line's shape; embeddings go to the tree
  }


  private static void countsAndDurations(JsonNode node, ChunkSink out) {
    countsAndDurations(out, JsonRead.integer(node.get("prompt_eval_count")), JsonRead.integer(node.get("eval_count")),
        nanosToMs(node.get("total_duration")), nanosToMs(node.get("load_duration")),
        nanosToMs(node.get("prompt_eval_duration")), nanosToMs(node.get("eval_duration")));
  }

  private static void countsAndDurations(ChunkSink out, Integer promptTokens, Integer outputTokens, Double total,
      Double load, Double promptEval, Double eval) {
    out.accept(new Chunk.Usage(promptTokens, outputTokens, false));
    Double queue = null;
    if (total != null) {
      // a missing part means Ollama skipped that phase (e.g. prompt fully cached): it took no time
      queue = Math.max(0.0, total - orZero(load) - orZero(promptEval) - orZero(eval));
    }
    out.accept(new Chunk.ServerTimings(queue, load, promptEval, eval, total, null));
  }

  private static double orZero(Double ms) {
    return ms == null ? 0.0 : ms;
  }

  private static Integer toInt(Long n) {
    return n == null ? null : (int) n.longValue();
  }

  private static Double nanosToMs(Long nanos) {
    return nanos == null ? null : nanos / 1_000_000.0;
  }

  private static Double nanosToMs(JsonNode node) {
    return node == null || !node.isNumber() ? null : node.asLong() / 1_000_000.0;
  }

  @Override
  public ServerInfo describeServer(ServerQuery server) {
    String version = server.get("/api/version").path("version").asText(null);
    List<String> models = new ArrayList<>();
    for (JsonNode m : server.get("/api/tags").path("models")) {
      String name = m.path("name").asText(m.path("model").asText(""));
      if (!name.isEmpty()) {
        models.add(name);
      }
    }
    return new ServerInfo(version, models, null);
  }

  /** Ollama's structured outputs: the schema itself in {@code format}. */
  @Override
  public Map<String, Object> schemaOptions(String name, JsonNode schema) {
    return Map.of("format", schema);
  }

  @Override
  public String missingModelHint() {
    return "Pull it (ollama pull NAME) or set -Dllm.model=...";
  }
}
