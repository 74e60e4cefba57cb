package io.llmgatling.engine.dialect.responses;

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
import io.llmgatling.engine.dialect.JsonRead;
import io.llmgatling.engine.dialect.WireFormat;
import io.llmgatling.engine.dialect.openai.OpenAiDialect;
import io.llmgatling.json.Json;
import java.io.IOException;
import java.util.Base64;
import java.util.Map;

/**
 * OpenAI's Responses API, {@code POST /v1/responses} (Ollama, LM Studio, llama-server; docs/apis.md
 * "responses"). Chat and completion tasks both become one {@code input}: a prompt as a string, messages as input
 * items ({@code input_text} / {@code input_image} parts, {@code function_call} and {@code function_call_output}
 * items), system messages as {@code instructions}; {@code store: false} so a server that keeps responses does not
 * grow under load. Streams are named SSE events whose JSON repeats the event's {@code type}; the answer ends with
 * {@code response.completed} / {@code response.incomplete} (there is no {@code [DONE]}), which carries the usage.
 * The reader is lenient where servers differ: reasoning arrives as {@code reasoning_text} or (Ollama) as
 * {@code reasoning_summary_text} deltas, and the SDK's ordering rules are not enforced. This API has no
 * embeddings: the {@code embed} task goes to the same server's OpenAI {@code /v1/embeddings} (all three servers
 * serve it), so the default mix runs unchanged. Pre-flight: {@code GET /v1/models}, as for OpenAI.
 */
public final class ResponsesDialect extends OpenAiDialect {
  public static final ResponsesDialect INSTANCE = new ResponsesDialect();

  static final String TEXT_DELTA = "response.output_text.delta";
  static final String REASONING_DELTA = "response.reasoning_text.delta";
  static final String SUMMARY_DELTA = "response.reasoning_summary_text.delta";
  static final String ARGUMENTS_DELTA = "response.function_call_arguments.delta";

  private ResponsesDialect() {
  }

  @Override
  public String id() {
    return "responses";
  }

  /** {@code reasoning: {effort}}: none, low, medium, high ({@code on}: medium, the server's usual default). */
  @Override
  public void think(ObjectNode body, String think, LlmRequest request) {
    body.putObject("reasoning").put("effort", switch (think) {
      case "off" -> "none";
      case "on" -> "medium";
      default -> think;
    });
  }

  /** Responses tools are flat: {@code {type: function, name, description, parameters}}. */
  @Override
  public Map<String, Object> toolOptions(JsonNode tools) {
    ArrayNode flat = Json.MAPPER.createArrayNode();
    for (JsonNode tool : tools) {
      JsonNode function = tool.path("function");
      ObjectNode t = flat.addObject().put("type", "function");
      t.set("name", function.path("name"));
      if (function.has("description")) {
        t.set("description", function.get("description"));
      }
      t.set("parameters", function.path("parameters"));
    }
    return Map.of("tools", flat);
  }

  /** {@code text: {format: {type: json_schema, name, strict, schema}}}. */
  @Override
  public Map<String, Object> schemaOptions(String name, JsonNode schema) {
    ObjectNode text = Json.MAPPER.createObjectNode();
    text.putObject("format").put("type", "json_schema").put("name", name).put("strict", true).set("schema", schema);
    return Map.of("text", text);
  }

  @Override
  public String path(LlmRequest request) {
    if (request.operation() == Operation.EMBED) {
      return super.path(request);
    }
    String basePath = request.baseUrl() == null ? "" : request.baseUrl().getPath();
    // "http://host:8000/v1" is a common way to give an OpenAI base URL: do not repeat the prefix
    boolean hasV1 = basePath != null && (basePath.endsWith("/v1") || basePath.endsWith("/v1/"));
    return (hasV1 ? "" : "/v1") + "/responses";
  }

  @Override
  public ObjectNode body(LlmRequest request) {
    if (request.operation() == Operation.EMBED) {
      return super.body(request);
    }
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("model", request.model());
    if (request.operation() == Operation.CHAT) {
      StringBuilder instructions = new StringBuilder();
      ArrayNode input = Json.MAPPER.createArrayNode();
      for (Message m : request.messages()) {
        if ("system".equals(m.role()) || "developer".equals(m.role())) {
          if (instructions.length() > 0) {
            instructions.append("\n\n");
          }
          instructions.append(m.text());
        } else {
          writeItems(input, m);
        }
      }
      if (instructions.length() > 0) {
        body.put("instructions", instructions.toString());
      }
      body.set("input", input);
    } else {
      body.put("input", request.prompt());
    }
    body.put("stream", request.stream());
    if (request.maxTokens() != null) {
      body.put("max_output_tokens", request.maxTokens());
    }
    body.put("store", false);
    for (Map.Entry<String, Object> option : request.options().entrySet()) {
      body.set(option.getKey(), Json.MAPPER.valueToTree(option.getValue()));
    }
    return body;
  }

  /**
   * One message as Responses input items: a {@code message} item of its text and image parts ({@code input_text},
   * {@code input_image} with a data URL; an assistant's text as {@code output_text}), then a {@code function_call}
   * item per call it made and a {@code function_call_output} item per tool result.
   */
  static void writeItems(ArrayNode input, Message m) {
    boolean assistant = "assistant".equals(m.role());
    ArrayNode content = null;
    for (Part part : m.parts()) {
      if (part instanceof Part.Text text) {
        content = content == null ? messageItem(input, m.role()) : content;
        content.addObject().put("type", assistant ? "output_text" : "input_text").put("text", text.text());
      } else if (part instanceof Part.Image image) {
        content = content == null ? messageItem(input, m.role()) : content;
        content.addObject().put("type", "input_image")
            .put("image_url", "data:" + image.mimeType() + ";base64," + Base64.getEncoder().encodeToString(image.data()))
            .put("detail", "auto"); // Ollama requires it
      }
    }
    for (Part part : m.parts()) {
      if (part instanceof Part.ToolCall call) {
        ObjectNode item = input.addObject().put("type", "function_call");
        if (call.id() != null) {
          item.put("call_id", call.id());
        }
        item.put("name", call.name()).put("arguments", call.argumentsJson());
      } else if (part instanceof Part.ToolResult result) {
        ObjectNode item = input.addObject().put("type", "function_call_output");
        if (result.callId() != null) {
          item.put("call_id", result.callId());
        }
        item.put("output", result.content());
      }
    }
  }

  private static ArrayNode messageItem(ArrayNode input, String role) {
    return input.addObject().put("type", "message").put("role", role).putArray("content");
  }

  @Override
  public String endMarker(WireFormat format) {
    return format == WireFormat.SSE ? "response.completed" : super.endMarker(format);
  }

  // ------------------------------------------------------------------ reading

  /**
   * The delta events are read from their tokens, 66.7 bytes allocated per text delta as OpenAI's chat chunks
   * ({@code ChunkAllocationBench}); every other event (a handful per answer) as a tree.
   */
  @Override
  public boolean readsEventFast(String event) {
    return TEXT_DELTA.equals(event) || REASONING_DELTA.equals(event) || SUMMARY_DELTA.equals(event)
        || "message".equals(event);
  }

  @Override
  public void readChunk(JsonNode chunk, ChunkSink out) {
    if (JsonRead.readError(chunk, out, this)) {
      return;
    }
    String type = chunk.path("type").asText("");
    switch (type) {
      case TEXT_DELTA -> out.token(JsonRead.text(chunk.get("delta")));
      case REASONING_DELTA, SUMMARY_DELTA -> out.reasoning(JsonRead.text(chunk.get("delta")));
      case "response.output_item.added" -> {
        JsonNode item = chunk.path("item");
        if ("function_call".equals(item.path("type").asText())) {
          out.accept(new Chunk.ToolCallDelta(chunk.path("output_index").asInt(0), JsonRead.text(item.get("call_id")),
              JsonRead.text(item.get("name")), null));
        }
      }
      case ARGUMENTS_DELTA -> {
        String delta = JsonRead.text(chunk.get("delta"));
        if (delta != null && !delta.isEmpty()) {
          out.accept(new Chunk.ToolCallDelta(chunk.path("output_index").asInt(0), null, null, delta));
        }
      }
      case "response.completed", "response.incomplete" -> end(chunk.path("response"), out);
      case "response.failed" -> out.accept(new Chunk.StreamError(failure(chunk.path("response"), chunk.toString())));
      case "error" -> out.accept(new Chunk.StreamError(errorMessage(chunk, chunk.toString())));
      default -> {
        // lifecycle events (created, in_progress, item and part added/done, text done): not tokens
      }
    }
  }

  /** The terminal response: its usage, then the end with the finish reason in the common words. */
  private static void end(JsonNode response, ChunkSink out) {
    readUsage(response.get("usage"), out);
    out.accept(new Chunk.Done(finishReason(response)));
  }

  /**
   * The finish reason in OpenAI's words, as every API's records use them: {@code length} when the response is
   * incomplete for its token limit, {@code tool_calls} when the output holds a function call, else {@code stop}.
   */
  static String finishReason(JsonNode response) {
    String status = response.path("status").asText("");
    if ("incomplete".equals(status)) {
      String reason = response.path("incomplete_details").path("reason").asText("");
      return "max_output_tokens".equals(reason) || reason.isEmpty() ? "length" : reason;
    }
    for (JsonNode item : response.path("output")) {
      if ("function_call".equals(item.path("type").asText())) {
        return "tool_calls";
      }
    }
    return "stop";
  }

  private String failure(JsonNode response, String fallback) {
    JsonNode error = response.path("error");
    JsonNode message = error.get("message");
    return message != null && !message.isNull() ? message.asText() : fallback;
  }

  /**
   * {@code usage}: input, cached input, output and reasoning tokens. A reasoning count of 0 is "not counted" (llama-
   * server and Ollama always send 0): it is left unknown, so the reasoning deltas are counted instead.
   */
  private static void readUsage(JsonNode usage, ChunkSink out) {
    if (usage == null || !usage.isObject()) {
      return;
    }
    Integer reasoning = JsonRead.integer(usage.path("output_tokens_details").get("reasoning_tokens"));
    out.accept(new Chunk.Usage(JsonRead.integer(usage.get("input_tokens")), JsonRead.integer(usage.get("output_tokens")),
        JsonRead.integer(usage.path("input_tokens_details").get("cached_tokens")),
        reasoning == null || reasoning == 0 ? null : reasoning, false));
  }

  @Override
  public void readBody(JsonNode body, ChunkSink out) {
    if (body.has("data") && !body.has("output")) {
      super.readBody(body, out); // an embeddings answer from /v1/embeddings
      return;
    }
    if (JsonRead.readError(body, out, this)) {
      return;
    }
    if ("failed".equals(body.path("status").asText())) {
      out.accept(new Chunk.StreamError(failure(body, body.toString())));
      return;
    }
    JsonNode output = body.path("output");
    for (int i = 0; i < output.size(); i++) {
      JsonNode item = output.get(i);
      switch (item.path("type").asText("")) {
        case "reasoning" -> {
          for (JsonNode part : item.path("content")) {
            out.reasoning(JsonRead.text(part.get("text")));
          }
          if (item.path("content").isEmpty()) {
            for (JsonNode part : item.path("summary")) {
              out.reasoning(JsonRead.text(part.get("text")));
            }
          }
        }
        case "message" -> {
          for (JsonNode part : item.path("content")) {
            if ("output_text".equals(part.path("type").asText())) {
              out.token(JsonRead.text(part.get("text")));
            }
          }
        }
        case "function_call" -> out.accept(new Chunk.ToolCallDelta(i, JsonRead.text(item.get("call_id")),
            JsonRead.text(item.get("name")), JsonRead.text(item.get("arguments"))));
        default -> {
          // other item types (web search, ...) carry no generated text we count
        }
      }
    }
    end(body, out);
  }

  /**
   * A text or reasoning delta from its tokens: {@code type}, {@code delta}, and the bookkeeping fields
   * ({@code sequence_number}, {@code item_id}, {@code output_index}, {@code content_index}, {@code summary_index},
   * {@code logprobs}, {@code obfuscation}) skipped. Any other field or event type goes to the tree path.
   */
  @Override
  public boolean readChunkFast(JsonParser p, ChunkSink out) {
    int kind = 0; // 1 text, 2 reasoning
    String delta = null;
    boolean hasDelta = false;
    try {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      String name;
      while ((name = p.nextFieldName()) != null) {
        JsonToken value = p.nextToken();
        switch (name) {
          case "type" -> {
            if (kind != 0 || value != JsonToken.VALUE_STRING) {
              return false;
            }
            kind = deltaKind(p);
            if (kind == 0) {
              return false;
            }
          }
          case "delta" -> {
            if (hasDelta || value != JsonToken.VALUE_STRING) {
              return false;
            }
            hasDelta = true;
            delta = p.getText();
          }
          case "sequence_number", "item_id", "output_index", "content_index", "summary_index", "logprobs",
              "obfuscation" -> p.skipChildren();
          default -> {
            return false;
          }
        }
      }
      if (kind == 0 || !hasDelta || !JsonRead.endsWholeObject(p)) {
        return false;
      }
    } catch (IOException e) {
      return false;
    }
    if (kind == 1) {
      out.token(delta);
    } else {
      out.reasoning(delta);
    }
    return true;
  }

  /** 1 for a text delta, 2 for a reasoning delta, else 0; compares the parser's characters (no String). */
  private static int deltaKind(JsonParser p) throws IOException {
    char[] chars = p.getTextCharacters();
    int offset = p.getTextOffset();
    int length = p.getTextLength();
    if (equals(chars, offset, length, TEXT_DELTA)) {
      return 1;
    }
    return equals(chars, offset, length, REASONING_DELTA) || equals(chars, offset, length, SUMMARY_DELTA) ? 2 : 0;
  }

  static boolean equals(char[] chars, int offset, int length, String expected) {
    if (length != expected.length()) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (chars[offset + i] != expected.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
