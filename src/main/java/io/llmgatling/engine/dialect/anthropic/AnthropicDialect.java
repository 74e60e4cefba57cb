package io.llmgatling.engine.dialect.anthropic;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
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
import io.llmgatling.engine.dialect.JsonRead;
import io.llmgatling.engine.dialect.WireFormat;
import io.llmgatling.engine.dialect.openai.OpenAiDialect;
import io.llmgatling.json.Json;
import java.io.IOException;
import java.util.Base64;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Anthropic's Messages API, {@code POST /v1/messages} (Ollama, LM Studio, llama-server; docs/apis.md
 * "anthropic"). {@code max_tokens} is required by the API: without a limit from the workload the request says
 * {@value #DEFAULT_MAX_TOKENS}. System messages become the top-level {@code system}; images are base64
 * {@code image} blocks, tool calls {@code tool_use} blocks, tool results {@code tool_result} blocks in a user
 * message; an option {@code stop} is sent as {@code stop_sequences}. The key goes in {@code x-api-key}, with
 * {@code anthropic-version}. Streams are named SSE events: the prompt's counts arrive in {@code message_start},
 * the output count in {@code message_delta} (final, cumulative), the end is {@code message_stop}. Stop reasons are
 * recorded in OpenAI's words ({@code max_tokens} as {@code length}, {@code end_turn} as {@code stop},
 * {@code tool_use} as {@code tool_calls}) like every other API's. This API has no embeddings: the {@code embed}
 * task goes to the same server's OpenAI {@code /v1/embeddings}. Pre-flight: {@code GET /v1/models}.
 */
public final class AnthropicDialect extends OpenAiDialect {
  public static final AnthropicDialect INSTANCE = new AnthropicDialect();

  /** The limit sent when the workload gives none ({@code max_tokens} is required). */
  public static final int DEFAULT_MAX_TOKENS = 4096;
  static final String VERSION = "2023-06-01";

  private AnthropicDialect() {
  }

  @Override
  public String id() {
    return "anthropic";
  }

  /**
   * {@code thinking: {type: disabled}} for off, else {@code {type: enabled, budget_tokens}}: low 1,024 (the API's
   * least), on and medium 4,096, high 16,384, kept below {@code max_tokens} as the API demands.
   */
  @Override
  public void think(ObjectNode body, String think, LlmRequest request) {
    if ("off".equals(think)) {
      body.putObject("thinking").put("type", "disabled");
      return;
    }
    int budget = switch (think) {
      case "low" -> 1024;
      case "high" -> 16384;
      default -> 4096;
    };
    int max = body.path("max_tokens").asInt(DEFAULT_MAX_TOKENS);
    body.putObject("thinking").put("type", "enabled").put("budget_tokens", Math.max(1024, Math.min(budget, max - 1)));
  }

  /** Anthropic tools: {@code {name, description, input_schema}}. */
  @Override
  public Map<String, Object> toolOptions(JsonNode tools) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (JsonNode tool : tools) {
      JsonNode function = tool.path("function");
      ObjectNode t = out.addObject();
      t.set("name", function.path("name"));
      if (function.has("description")) {
        t.set("description", function.get("description"));
      }
      t.set("input_schema", function.path("parameters"));
    }
    return Map.of("tools", out);
  }

  /** Structured outputs: {@code output_format: {type: json_schema, schema}}. */
  @Override
  public Map<String, Object> schemaOptions(String name, JsonNode schema) {
    ObjectNode format = Json.MAPPER.createObjectNode().put("type", "json_schema");
    format.set("schema", schema);
    return Map.of("output_format", format);
  }

  @Override
  public String path(LlmRequest request) {
    if (request.operation() == Operation.EMBED) {
      return super.path(request);
    }
    String basePath = request.baseUrl() == null ? "" : request.baseUrl().getPath();
    boolean hasV1 = basePath != null && (basePath.endsWith("/v1") || basePath.endsWith("/v1/"));
    return (hasV1 ? "" : "/v1") + "/messages";
  }

  @Override
  public void headers(String apiKey, BiConsumer<String, String> header) {
    header.accept("anthropic-version", VERSION);
    if (apiKey != null && !apiKey.isEmpty()) {
      header.accept("x-api-key", apiKey);
    }
  }

  @Override
  public ObjectNode body(LlmRequest request) {
    if (request.operation() == Operation.EMBED) {
      return super.body(request);
    }
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("model", request.model());
    body.put("max_tokens", request.maxTokens() != null ? request.maxTokens() : DEFAULT_MAX_TOKENS);
    ArrayNode messages = body.putArray("messages");
    if (request.operation() == Operation.CHAT) {
      StringBuilder system = new StringBuilder();
      for (Message m : request.messages()) {
        if ("system".equals(m.role()) || "developer".equals(m.role())) {
          if (system.length() > 0) {
            system.append("\n\n");
          }
          system.append(m.text());
        } else {
          writeAnthropicMessage(messages, m);
        }
      }
      if (system.length() > 0) {
        body.put("system", system.toString());
      }
    } else {
      messages.addObject().put("role", "user").put("content", request.prompt());
    }
    body.put("stream", request.stream());
    for (Map.Entry<String, Object> option : request.options().entrySet()) {
      String key = "stop".equals(option.getKey()) ? "stop_sequences" : option.getKey();
      JsonNode value = Json.MAPPER.valueToTree(option.getValue());
      if ("stop_sequences".equals(key) && value.isTextual()) {
        value = Json.MAPPER.createArrayNode().add(value.asText());
      }
      body.set(key, value);
    }
    return body;
  }

  /**
   * One message in Anthropic's shape: text alone as a string {@code content}; else blocks in order ({@code text},
   * {@code image} with a base64 source, {@code tool_use} with the arguments as an object); tool results as
   * {@code tool_result} blocks of a user message (the API has no tool role).
   */
  static void writeAnthropicMessage(ArrayNode messages, Message m) {
    String role = "assistant".equals(m.role()) ? "assistant" : "user";
    ObjectNode out = messages.addObject().put("role", role);
    if (m.isText()) {
      out.put("content", m.text());
      return;
    }
    ArrayNode content = out.putArray("content");
    for (Part part : m.parts()) {
      if (part instanceof Part.Text text) {
        content.addObject().put("type", "text").put("text", text.text());
      } else if (part instanceof Part.Image image) {
        content.addObject().put("type", "image").putObject("source").put("type", "base64")
            .put("media_type", image.mimeType()).put("data", Base64.getEncoder().encodeToString(image.data()));
      } else if (part instanceof Part.ToolCall call) {
        ObjectNode block = content.addObject().put("type", "tool_use");
        block.put("id", call.id() != null ? call.id() : "toolu_" + Integer.toHexString(call.name().hashCode()));
        block.put("name", call.name());
        block.set("input", arguments(call.argumentsJson()));
      } else if (part instanceof Part.ToolResult result) {
        ObjectNode block = content.addObject().put("type", "tool_result");
        if (result.callId() != null) {
          block.put("tool_use_id", result.callId());
        }
        block.put("content", result.content());
      }
    }
  }

  /** A call's arguments as the object {@code input} is; text that is no JSON object is kept under "input". */
  private static JsonNode arguments(String json) {
    try {
      JsonNode node = Json.MAPPER.readTree(json == null || json.isBlank() ? "{}" : json);
      if (node.isObject()) {
        return node;
      }
    } catch (JsonProcessingException e) {
      // not JSON: kept as text below
    }
    return Json.MAPPER.createObjectNode().put("input", json);
  }

  @Override
  public String endMarker(WireFormat format) {
    return format == WireFormat.SSE ? "message_stop" : super.endMarker(format);
  }

  // ------------------------------------------------------------------ reading

  /**
   * Content deltas are read from their tokens (66.7 bytes allocated per text delta, {@code ChunkAllocationBench});
   * the few other events of an answer as trees.
   */
  @Override
  public boolean readsEventFast(String event) {
    return "content_block_delta".equals(event) || "message".equals(event);
  }

  @Override
  public void readChunk(JsonNode chunk, ChunkSink out) {
    String type = chunk.path("type").asText("");
    switch (type) {
      case "content_block_delta" -> {
        JsonNode delta = chunk.path("delta");
        switch (delta.path("type").asText("")) {
          case "text_delta" -> out.token(JsonRead.text(delta.get("text")));
          case "thinking_delta" -> out.reasoning(JsonRead.text(delta.get("thinking")));
          case "input_json_delta" -> {
            String json = JsonRead.text(delta.get("partial_json"));
            if (json != null && !json.isEmpty()) {
              out.accept(new Chunk.ToolCallDelta(chunk.path("index").asInt(0), null, null, json));
            }
          }
          default -> {
            // signature_delta, citations: not generated text
          }
        }
      }
      case "content_block_start" -> {
        JsonNode block = chunk.path("content_block");
        switch (block.path("type").asText("")) {
          case "text" -> out.token(JsonRead.text(block.get("text")));
          case "thinking" -> out.reasoning(JsonRead.text(block.get("thinking")));
          case "tool_use" -> out.accept(new Chunk.ToolCallDelta(chunk.path("index").asInt(0),
              JsonRead.text(block.get("id")), JsonRead.text(block.get("name")), null));
          default -> {
            // redacted thinking and server tool blocks carry no text we count
          }
        }
      }
      case "message_start" -> readUsage(chunk.path("message").get("usage"), false, out);
      case "message_delta" -> {
        readUsage(chunk.get("usage"), true, out);
        String stop = JsonRead.text(chunk.path("delta").get("stop_reason"));
        if (stop != null) {
          out.accept(new Chunk.StopReason(finishReason(stop)));
        }
      }
      case "message_stop" -> out.accept(new Chunk.Done(null));
      case "error" -> out.accept(new Chunk.StreamError(errorMessage(chunk, chunk.toString())));
      default -> {
        if (!JsonRead.readError(chunk, out, this)) {
          // ping, content_block_stop: lifecycle, not tokens
        }
      }
    }
  }

  /** Anthropic's stop reason in OpenAI's words. */
  static String finishReason(String stopReason) {
    return switch (stopReason) {
      case "max_tokens" -> "length";
      case "end_turn", "stop_sequence" -> "stop";
      case "tool_use" -> "tool_calls";
      default -> stopReason;
    };
  }

  /**
   * {@code usage}: prompt tokens are {@code input_tokens} plus the cached ones ({@code cache_read_input_tokens},
   * {@code cache_creation_input_tokens}), as Anthropic counts input apart from the cache; cached tokens are
   * {@code cache_read_input_tokens} (absent: unknown). {@code message_start}'s output count is a placeholder (1),
   * not read; {@code message_delta}'s is the final one.
   */
  private static void readUsage(JsonNode usage, boolean withOutput, ChunkSink out) {
    if (usage == null || !usage.isObject()) {
      return;
    }
    Integer input = JsonRead.integer(usage.get("input_tokens"));
    Integer cacheRead = JsonRead.integer(usage.get("cache_read_input_tokens"));
    Integer cacheCreation = JsonRead.integer(usage.get("cache_creation_input_tokens"));
    Integer prompt = input == null ? null
        : input + (cacheRead == null ? 0 : cacheRead) + (cacheCreation == null ? 0 : cacheCreation);
    Integer output = withOutput ? JsonRead.integer(usage.get("output_tokens")) : null;
    Integer thinking = JsonRead.integer(usage.path("output_tokens_details").get("thinking_tokens"));
    out.accept(new Chunk.Usage(prompt, output, cacheRead, thinking, false));
  }

  @Override
  public void readBody(JsonNode body, ChunkSink out) {
    if (body.has("data") && !body.has("content")) {
      super.readBody(body, out); // an embeddings answer from /v1/embeddings
      return;
    }
    if (JsonRead.readError(body, out, this)) {
      return;
    }
    JsonNode content = body.path("content");
    for (int i = 0; i < content.size(); i++) {
      JsonNode block = content.get(i);
      switch (block.path("type").asText("")) {
        case "thinking" -> out.reasoning(JsonRead.text(block.get("thinking")));
        case "text" -> out.token(JsonRead.text(block.get("text")));
        case "tool_use" -> out.accept(new Chunk.ToolCallDelta(i, JsonRead.text(block.get("id")),
            JsonRead.text(block.get("name")), block.path("input").toString()));
        default -> {
          // redacted thinking, server tool results
        }
      }
    }
    String stop = JsonRead.text(body.get("stop_reason"));
    out.accept(new Chunk.Done(stop == null ? null : finishReason(stop)));
    JsonNode usage = body.get("usage");
    readUsage(usage, true, out);
  }

  /**
   * A text or thinking delta from its tokens: {@code {"type":"content_block_delta","index":N,"delta":{"type":
   * "text_delta","text":"…"}}} (or {@code thinking_delta} / {@code thinking}); anything else, tool-call pieces
   * among them, goes to the tree path.
   */
  @Override
  public boolean readChunkFast(JsonParser p, ChunkSink out) {
    boolean typeSeen = false;
    boolean deltaSeen = false;
    int kind = 0; // 1 text, 2 thinking
    String text = null;
    try {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      String name;
      while ((name = p.nextFieldName()) != null) {
        JsonToken value = p.nextToken();
        switch (name) {
          case "type" -> {
            if (typeSeen || value != JsonToken.VALUE_STRING || !textIs(p, "content_block_delta")) {
              return false;
            }
            typeSeen = true;
          }
          case "index" -> p.skipChildren();
          case "delta" -> {
            if (deltaSeen || value != JsonToken.START_OBJECT) {
              return false;
            }
            deltaSeen = true;
            String field;
            int textField = 0; // 1 "text", 2 "thinking"
            while ((field = p.nextFieldName()) != null) {
              JsonToken fieldValue = p.nextToken();
              switch (field) {
                case "type" -> {
                  if (kind != 0 || fieldValue != JsonToken.VALUE_STRING) {
                    return false;
                  }
                  kind = textIs(p, "text_delta") ? 1 : textIs(p, "thinking_delta") ? 2 : 0;
                  if (kind == 0) {
                    return false;
                  }
                }
                case "text", "thinking" -> {
                  if (textField != 0 || fieldValue != JsonToken.VALUE_STRING) {
                    return false;
                  }
                  textField = "text".equals(field) ? 1 : 2;
                  text = p.getText();
                }
                default -> {
                  return false;
                }
              }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || kind == 0 || textField != kind) {
              return false;
            }
          }
          default -> {
            return false;
          }
        }
      }
      if (!typeSeen || !deltaSeen || !JsonRead.endsWholeObject(p)) {
        return false;
      }
    } catch (IOException e) {
      return false;
    }
    if (kind == 1) {
      out.token(text);
    } else {
      out.reasoning(text);
    }
    return true;
  }

  /** Whether the parser's current string is {@code expected}, compared on its characters (no String). */
  private static boolean textIs(JsonParser p, String expected) throws IOException {
    int length = p.getTextLength();
    if (length != expected.length()) {
      return false;
    }
    char[] chars = p.getTextCharacters();
    int offset = p.getTextOffset();
    for (int i = 0; i < length; i++) {
      if (chars[offset + i] != expected.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
