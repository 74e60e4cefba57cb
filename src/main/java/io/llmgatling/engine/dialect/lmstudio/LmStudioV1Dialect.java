package io.llmgatling.engine.dialect.lmstudio;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgatling.engine.LlmRequest;
import io.llmgatling.engine.Message;
import io.llmgatling.engine.Operation;
import io.llmgatling.engine.Part;
import io.llmgatling.engine.dialect.Chunk;
import io.llmgatling.engine.dialect.ChunkReader;
import io.llmgatling.engine.dialect.ChunkSink;
import io.llmgatling.engine.dialect.Dialect;
import io.llmgatling.engine.dialect.JsonRead;
import io.llmgatling.engine.dialect.ServerInfo;
import io.llmgatling.engine.dialect.ServerQuery;
import io.llmgatling.engine.dialect.WireFormat;
import io.llmgatling.engine.wire.SseEvent;
import io.llmgatling.json.Json;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * LM Studio's native REST v1 ({@code lmstudio-v1}, LM Studio ≥ 0.4.0): {@code POST /api/v1/chat}, streamed as named
 * SSE events ({@code chat.start}, {@code model_load.*}, {@code prompt_processing.*}, {@code reasoning.*},
 * {@code tool_call.*}, {@code message.*}, {@code error}, {@code chat.end}). Read: {@code message.delta} is answer
 * text, {@code reasoning.delta} reasoning, {@code model_load.end.load_time_seconds} the load time, and
 * {@code chat.end.result.stats} the counts ({@code input_tokens}, {@code total_output_tokens},
 * {@code reasoning_output_tokens}) and timings: prefill = {@code time_to_first_token_seconds}, decode =
 * {@code total_output_tokens / tokens_per_second}, load = {@code model_load_time_seconds}; their sum is the server's
 * busy time (queue = last token − sent − busy). No stop reason (the reader of a request with a limit says
 * {@code length} when the output reached it, else {@code stop}), no cached count (docs/apis.md).
 *
 * <p>v1 has no text completion, no embeddings and no client-side tools, and takes one user turn: text completions,
 * embeddings and requests with tools (or tool turns in their history) go through LM Studio's {@code /api/v0}
 * ({@link LmStudioDialect#INSTANCE}), whose answers this reader tells apart by their shape (unnamed SSE events, a
 * {@code choices} body). Earlier turns of a chat are written into the one {@code input} as labelled text
 * ({@code User: ...}, {@code Assistant: ...}), so the prompt the server prefills is the same size.
 * Pre-flight: {@code GET /api/v1/models} ({@code models[].key}).
 */
public final class LmStudioV1Dialect implements Dialect {
  public static final LmStudioV1Dialect INSTANCE = new LmStudioV1Dialect();

  private static final Dialect V0 = LmStudioDialect.INSTANCE;

  private LmStudioV1Dialect() {
  }

  @Override
  public String id() {
    return "lmstudio-v1";
  }

  /** Whether an answer to {@code GET /api/v1/models} is v1's model list (an older server answers an error). */
  static boolean isModelList(JsonNode body) {
    return body != null && body.path("models").isArray();
  }

  /** Requests v1 cannot express go to v0: completions, embeddings, tools, a JSON schema. */
  private static boolean viaV0(LlmRequest request) {
    if (request.operation() != Operation.CHAT || request.options().containsKey("tools")
        || request.options().containsKey("response_format")) {
      return true;
    }
    for (Message m : request.messages()) {
      if (!m.parts(Part.ToolCall.class).isEmpty() || !m.parts(Part.ToolResult.class).isEmpty()) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String path(LlmRequest request) {
    return viaV0(request) ? V0.path(request) : "/api/v1/chat";
  }

  /** v1's {@code reasoning}: off, low, medium, high, on; a request sent through v0 takes v0's words. */
  @Override
  public void think(ObjectNode body, String think, LlmRequest request) {
    if (viaV0(request)) {
      V0.think(body, think, request);
    } else {
      body.put("reasoning", think);
    }
  }

  @Override
  public ObjectNode body(LlmRequest request) {
    if (viaV0(request)) {
      return V0.body(request);
    }
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("model", request.model());
    StringBuilder system = new StringBuilder();
    List<Message> turns = new ArrayList<>();
    for (Message m : request.messages()) {
      if ("system".equals(m.role())) {
        system.append(system.length() == 0 ? "" : "\n\n").append(m.text());
      } else {
        turns.add(m);
      }
    }
    writeInput(body, turns);
    if (system.length() > 0) {
      body.put("system_prompt", system.toString());
    }
    body.put("stream", request.stream());
    if (request.maxTokens() != null) {
      body.put("max_output_tokens", request.maxTokens());
    }
    // the default (true) stores every chat on the server: a load test would fill its history
    body.put("store", false);
    for (Map.Entry<String, Object> option : request.options().entrySet()) {
      body.set(option.getKey(), Json.MAPPER.valueToTree(option.getValue()));
    }
    return body;
  }

  /**
   * {@code input}: the text alone as a string; with images, a {@code message} item then one {@code image} item
   * (data URL) per image. Earlier turns are labelled text before the last one.
   */
  private static void writeInput(ObjectNode body, List<Message> turns) {
    StringBuilder text = new StringBuilder();
    List<Part.Image> images = new ArrayList<>();
    for (int i = 0; i < turns.size(); i++) {
      Message m = turns.get(i);
      boolean last = i == turns.size() - 1;
      if (!last || turns.size() > 1) {
        text.append("assistant".equals(m.role()) ? "Assistant: " : "User: ");
      }
      text.append(m.text());
      if (!last) {
        text.append("\n\n");
      }
      images.addAll(m.parts(Part.Image.class));
    }
    if (images.isEmpty()) {
      body.put("input", text.toString());
      return;
    }
    ArrayNode input = body.putArray("input");
    input.addObject().put("type", "message").put("content", text.toString());
    for (Part.Image image : images) {
      input.addObject().put("type", "image").put("data_url",
          "data:" + image.mimeType() + ";base64," + Base64.getEncoder().encodeToString(image.data()));
    }
  }

  @Override
  public WireFormat responseFormat(LlmRequest request) {
    return request.stream() && request.operation() != Operation.EMBED ? WireFormat.SSE : WireFormat.JSON;
  }

  @Override
  public String endMarker(WireFormat format) {
    return format == WireFormat.SSE ? "chat.end (or [DONE] on /api/v0)" : V0.endMarker(format);
  }

  @Override
  public Operation operationFor(Operation operation) {
    return V0.operationFor(operation);
  }

  // ---------------------------------------------------------------- reading

  /** A named v1 event, by its name; an unnamed one is a v0 answer. */
  @Override
  public void readEvent(SseEvent event, JsonNode data, ChunkSink out) {
    readEvent(event, data, out, null);
  }

  private void readEvent(SseEvent event, JsonNode data, ChunkSink out, Integer limit) {
    String type = event.event();
    if ("message".equals(type) && (data == null || !data.has("type"))) {
      V0.readEvent(event, data, out);
      return;
    }
    if ("error".equals(type)) {
      // a v1 error event is followed by chat.end with what was generated: the error decides the outcome
      out.accept(new Chunk.StreamError(data == null ? event.data() : errorMessage(data, event.data())));
      return;
    }
    readTyped(type, data, out, limit);
  }

  /** An event's JSON (its {@code type} repeats the event name), or a v0 chunk. */
  @Override
  public void readChunk(JsonNode chunk, ChunkSink out) {
    readChunk(chunk, out, null);
  }

  private void readChunk(JsonNode chunk, ChunkSink out, Integer limit) {
    JsonNode type = chunk.get("type");
    if (type == null || !type.isTextual()) {
      V0.readChunk(chunk, out);
      return;
    }
    if ("error".equals(type.asText())) {
      out.accept(new Chunk.StreamError(errorMessage(chunk, chunk.toString())));
      return;
    }
    readTyped(type.asText(), chunk, out, limit);
  }

  private void readTyped(String type, JsonNode data, ChunkSink out, Integer limit) {
    if (data == null) {
      return;
    }
    switch (type) {
      case "message.delta" -> out.token(JsonRead.text(data.get("content")));
      case "reasoning.delta" -> out.reasoning(JsonRead.text(data.get("content")));
      case "model_load.end" -> {
        Double load = secondsToMs(data.get("load_time_seconds"));
        if (load != null) {
          out.accept(new Chunk.ServerTimings(null, load, null, null, null, null));
        }
      }
      case "tool_call.start" -> out.accept(new Chunk.ToolCallDelta(0, null, JsonRead.text(data.get("tool")), null));
      case "tool_call.arguments" -> {
        JsonNode arguments = data.get("arguments");
        out.accept(new Chunk.ToolCallDelta(0, null, null,
            arguments == null || arguments.isNull() ? null : arguments.toString()));
      }
      case "chat.end" -> {
        readStats(data.path("result").path("stats"), out, limit);
        out.accept(new Chunk.Done(null));
      }
      default -> {
        // chat.start, model_load.start/progress, prompt_processing.*, reasoning.start/end, message.start/end,
        // tool_call.success/failure: lifecycle, not tokens
      }
    }
  }

  /**
   * The reader of one answer: as the dialect, plus the request's {@code max_output_tokens}, which v1's stats are
   * compared with for the finish reason ({@code length} at the limit, else {@code stop}). v0 requests are v0's.
   */
  @Override
  public ChunkReader readerFor(LlmRequest request) {
    if (viaV0(request) || request.maxTokens() == null) {
      return this;
    }
    Integer limit = request.maxTokens();
    return new ChunkReader() {
      @Override
      public void readEvent(SseEvent event, JsonNode data, ChunkSink out) {
        LmStudioV1Dialect.this.readEvent(event, data, out, limit);
      }

      @Override
      public void readChunk(JsonNode chunk, ChunkSink out) {
        LmStudioV1Dialect.this.readChunk(chunk, out, limit);
      }

      @Override
      public boolean readChunkFast(JsonParser chunk, ChunkSink out) {
        return LmStudioV1Dialect.this.readChunkFast(chunk, out);
      }

      @Override
      public void readBody(JsonNode body, ChunkSink out) {
        LmStudioV1Dialect.this.readBody(body, out, limit);
      }

      @Override
      public String errorMessage(JsonNode body, String fallback) {
        return LmStudioV1Dialect.this.errorMessage(body, fallback);
      }
    };
  }

  /** v0 chunks that reach the token path are v0's (v1's events are named, never {@code message}). */
  @Override
  public boolean readChunkFast(JsonParser chunk, ChunkSink out) {
    return V0.readChunkFast(chunk, out);
  }

  /**
   * A non-streamed v1 answer: {@code output} items in order (reasoning, tool calls, the message), then its stats;
   * a body with {@code choices} or {@code data} is a v0 answer.
   */
  @Override
  public void readBody(JsonNode body, ChunkSink out) {
    readBody(body, out, null);
  }

  private void readBody(JsonNode body, ChunkSink out, Integer limit) {
    if (JsonRead.readError(body, out, this)) {
      return;
    }
    JsonNode output = body.get("output");
    if (output == null || !output.isArray()) {
      V0.readBody(body, out);
      return;
    }
    for (JsonNode item : output) {
      switch (item.path("type").asText("")) {
        case "reasoning" -> out.reasoning(JsonRead.text(item.get("content")));
        case "message" -> out.token(JsonRead.text(item.get("content")));
        case "tool_call" -> {
          JsonNode arguments = item.get("arguments");
          out.accept(new Chunk.ToolCallDelta(0, null, JsonRead.text(item.get("tool")),
              arguments == null || arguments.isNull() ? null : arguments.toString()));
        }
        default -> {
          // an item type this reader does not know carries no token
        }
      }
    }
    out.accept(new Chunk.Done(null));
    readStats(body.path("stats"), out, limit);
  }

  /**
   * {@code stats}: exact counts, and the server's timings: load ({@code model_load_time_seconds}, only when this
   * request loaded the model), prefill ({@code time_to_first_token_seconds}), decode (output tokens at
   * {@code tokens_per_second}).
   */
  private static void readStats(JsonNode stats, ChunkSink out, Integer limit) {
    if (!stats.isObject()) {
      return;
    }
    Integer output = JsonRead.integer(stats.get("total_output_tokens"));
    if (limit != null && output != null) {
      // v1 gives no stop reason: an answer as long as its limit was cut by it (docs/apis.md)
      out.accept(new Chunk.StopReason(output >= limit ? "length" : "stop"));
    }
    out.accept(new Chunk.Usage(JsonRead.integer(stats.get("input_tokens")), output, null,
        JsonRead.integer(stats.get("reasoning_output_tokens")), false));
    Double load = secondsToMs(stats.get("model_load_time_seconds"));
    Double prefill = secondsToMs(stats.get("time_to_first_token_seconds"));
    Double rate = JsonRead.number(stats.get("tokens_per_second"));
    Double decode = output != null && rate != null && rate > 0 ? output * 1000.0 / rate : null;
    Double busy = prefill == null || decode == null ? null : prefill + decode + (load == null ? 0 : load);
    out.accept(new Chunk.ServerTimings(null, load, prefill, decode, null, busy));
  }

  private static Double secondsToMs(JsonNode node) {
    return node == null || !node.isNumber() ? null : node.asDouble() * 1000.0;
  }

  /** v1's {@code {"error":{"type","message"}}}, v0's, or an older server's {@code {"error":"..."}}. */
  @Override
  public String errorMessage(JsonNode body, String fallback) {
    return JsonRead.errorMessage(body, fallback);
  }

  /**
   * {@code GET /api/v1/models}: the models' keys. A server answering it with an error object (LM Studio before
   * 0.4.0 answers unknown routes with HTTP 200 and one) has no v1: the run stops with one line saying so.
   */
  @Override
  public ServerInfo describeServer(ServerQuery server) {
    JsonNode list = server.get("/api/v1/models");
    if (!isModelList(list)) {
      throw new IllegalArgumentException("GET /api/v1/models did not list models ("
          + JsonRead.errorMessage(list, String.valueOf(list)) + "): this server has no LM Studio REST v1 API"
          + " (LM Studio 0.4.0 or later). Use -Dllm.api=lmstudio (v1 when present, else v0) or -Dllm.api=lmstudio-v0");
    }
    List<String> models = new ArrayList<>();
    for (JsonNode m : list.path("models")) {
      String key = m.path("key").asText("");
      if (!key.isEmpty()) {
        models.add(key);
      }
    }
    return new ServerInfo(null, models, null);
  }

  @Override
  public String missingModelHint() {
    return "Download it (lms get NAME) or set -Dllm.model=...";
  }
}
