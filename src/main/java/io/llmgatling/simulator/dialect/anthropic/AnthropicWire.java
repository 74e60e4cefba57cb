package io.llmgatling.simulator.dialect.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgatling.simulator.dialect.ChunkTemplate;
import io.llmgatling.simulator.dialect.Frames;
import io.llmgatling.simulator.dialect.Outcome;
import io.llmgatling.simulator.dialect.ToolCallPlan;
import io.llmgatling.simulator.dialect.WireFormat;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;

/**
 * An Anthropic Messages answer as {@code @anthropic-ai/sdk} accepts it (docs/apis.md "anthropic"): every SSE
 * message with its {@code event:} line; {@code message_start} with {@code usage} (the prompt's count; the cache's
 * share is known only once the slot is taken, so {@code message_delta} repeats the input counts, as the API allows);
 * a {@code ping}; per content block (thinking with its signature, text, tool_use) its start, deltas and stop; then
 * {@code message_delta} with the stop reason and the final output count, and {@code message_stop}.
 *
 * <p>The text block is opened with the stream's first frames when the answer neither reasons nor calls a tool
 * (known when the wire is built), else by {@link #answerStart()}; every open block is stopped before
 * {@code message_delta}, whichever hooks the engine calls. One per request, used on its event loop only.
 */
public final class AnthropicWire implements WireFormat {
  private static final String SIGNATURE = "c2ltdWxhdGVkLXRoaW5raW5nLXNpZ25hdHVyZQ=="; // base64 "simulated-thinking-signature"

  private final String modelName;
  private final String id;
  private final int promptTokens;
  private final boolean reasoningPlanned;
  private final boolean toolCallPlanned;
  private int nextIndex;
  private int thinkingIndex = -1;
  private int textIndex = -1;
  private int toolIndex = -1;
  private boolean thinkingOpen;
  private boolean textOpen;
  private boolean toolOpen;
  private boolean toolCalled;

  /**
   * @param promptTokens    the prompt's tokens for {@code message_start}
   * @param reasoningTokens the thinking phase the engine will play (0: none): opens the text block later
   * @param toolCallPlanned whether the answer is a tool call: no text block unless the engine asks for one
   */
  public AnthropicWire(String modelName, long sequence, int promptTokens, int reasoningTokens,
      boolean toolCallPlanned) {
    this.modelName = modelName;
    this.id = "msg_sim" + String.format("%017d", sequence);
    this.promptTokens = promptTokens;
    this.reasoningPlanned = reasoningTokens > 0;
    this.toolCallPlanned = toolCallPlanned;
  }

  @Override
  public void streamHeaders(HttpHeaders headers) {
    Frames.sseHeaders(headers);
  }

  // ------------------------------------------------------------------ stream

  @Override
  public List<byte[]> streamStart() {
    List<byte[]> frames = new ArrayList<>(4);
    ObjectNode message = message();
    message.putArray("content");
    message.putNull("stop_reason");
    message.putNull("stop_sequence");
    ObjectNode usage = message.putObject("usage");
    usage.put("input_tokens", promptTokens);
    usage.put("cache_creation_input_tokens", 0);
    usage.put("cache_read_input_tokens", 0);
    usage.put("output_tokens", 1);
    frames.add(event("message_start", Frames.obj().set("message", message)));
    frames.add(event("ping", Frames.obj()));
    if (!reasoningPlanned && !toolCallPlanned) {
      openText(frames);
    }
    return frames;
  }

  @Override
  public List<byte[]> reasoningStart() {
    thinkingIndex = nextIndex++;
    thinkingOpen = true;
    ObjectNode block = Frames.obj().put("type", "thinking").put("thinking", "").put("signature", "");
    return List.of(event("content_block_start", Frames.obj().put("index", thinkingIndex).set("content_block", block)));
  }

  @Override
  public ChunkTemplate reasoningTemplate() {
    return template(thinkingIndex < 0 ? 0 : thinkingIndex, "thinking_delta", "thinking");
  }

  @Override
  public List<byte[]> reasoningEnd() {
    List<byte[]> frames = new ArrayList<>(2);
    closeThinking(frames);
    return frames;
  }

  @Override
  public List<byte[]> answerStart() {
    List<byte[]> frames = new ArrayList<>(3);
    closeThinking(frames);
    if (textIndex < 0) {
      openText(frames);
    }
    return frames;
  }

  @Override
  public ChunkTemplate chunkTemplate() {
    int index = textIndex >= 0 ? textIndex : reasoningPlanned || thinkingIndex >= 0 ? 1 : 0;
    return template(index, "text_delta", "text");
  }

  @Override
  public List<byte[]> answerEnd() {
    List<byte[]> frames = new ArrayList<>(1);
    closeText(frames);
    return frames;
  }

  @Override
  public List<byte[]> toolCallStart(ToolCallPlan call) {
    List<byte[]> frames = new ArrayList<>(4);
    closeThinking(frames);
    closeText(frames);
    toolIndex = nextIndex++;
    toolOpen = true;
    toolCalled = true;
    ObjectNode block = Frames.obj().put("type", "tool_use").put("id", toolId(call)).put("name", call.name());
    block.putObject("input");
    frames.add(event("content_block_start", Frames.obj().put("index", toolIndex).set("content_block", block)));
    return frames;
  }

  @Override
  public ChunkTemplate toolCallTemplate() {
    return template(toolIndex >= 0 ? toolIndex : reasoningPlanned ? 1 : 0, "input_json_delta", "partial_json");
  }

  @Override
  public List<byte[]> toolCallEnd(ToolCallPlan call) {
    List<byte[]> frames = new ArrayList<>(1);
    closeTool(frames);
    return frames;
  }

  @Override
  public List<byte[]> streamEnd(Outcome o) {
    List<byte[]> frames = new ArrayList<>(5);
    closeThinking(frames);
    closeText(frames);
    closeTool(frames);
    ObjectNode delta = Frames.obj().put("stop_reason", stopReason(o, toolCalled));
    delta.putNull("stop_sequence");
    ObjectNode data = Frames.obj().set("delta", delta);
    data.set("usage", deltaUsage(o));
    frames.add(event("message_delta", data));
    frames.add(event("message_stop", Frames.obj()));
    return frames;
  }

  @Override
  public byte[] malformedFrame() {
    return Frames.utf8("event: content_block_delta\ndata: {\"type\":\"content_block_del\n\n");
  }

  @Override
  public byte[] errorFrame(String message) {
    return event("error", Frames.obj().set("error", errorObject(500, message)));
  }

  @Override
  public String errorBody(int status, String message) {
    return error(status, message);
  }

  // ------------------------------------------------------------------ whole answers

  @Override
  public byte[] body(Outcome o, String content) {
    return body(o, "", content);
  }

  @Override
  public byte[] body(Outcome o, String reasoning, String content) {
    ObjectNode message = message();
    ArrayNode blocks = message.putArray("content");
    if (reasoning != null && !reasoning.isEmpty()) {
      blocks.addObject().put("type", "thinking").put("thinking", reasoning).put("signature", SIGNATURE);
    }
    if (!content.isEmpty() || blocks.isEmpty()) {
      blocks.addObject().put("type", "text").put("text", content);
    }
    return Frames.bytes(finish(message, o, false));
  }

  @Override
  public byte[] toolCallBody(Outcome o, String reasoning, ToolCallPlan call) {
    ObjectNode message = message();
    ArrayNode blocks = message.putArray("content");
    if (reasoning != null && !reasoning.isEmpty()) {
      blocks.addObject().put("type", "thinking").put("thinking", reasoning).put("signature", SIGNATURE);
    }
    ObjectNode block = blocks.addObject().put("type", "tool_use").put("id", toolId(call)).put("name", call.name());
    block.set("input", arguments(call.argumentsJson()));
    return Frames.bytes(finish(message, o, true));
  }

  /** {@code {"type":"error","error":{"type","message"}}}, the type from the status as Anthropic maps them. */
  public static String error(int status, String message) {
    return Frames.obj().put("type", "error").set("error", errorObject(status, message)).toString();
  }

  private static ObjectNode errorObject(int status, String message) {
    String type = switch (status) {
      case 400 -> "invalid_request_error";
      case 401 -> "authentication_error";
      case 403 -> "permission_error";
      case 404 -> "not_found_error";
      case 413 -> "request_too_large";
      case 429 -> "rate_limit_error";
      case 503, 529 -> "overloaded_error";
      default -> "api_error";
    };
    return Frames.obj().put("type", type).put("message", message);
  }

  // ------------------------------------------------------------------ frames

  private void openText(List<byte[]> frames) {
    textIndex = nextIndex++;
    textOpen = true;
    ObjectNode block = Frames.obj().put("type", "text").put("text", "");
    frames.add(event("content_block_start", Frames.obj().put("index", textIndex).set("content_block", block)));
  }

  private void closeThinking(List<byte[]> frames) {
    if (!thinkingOpen) {
      return;
    }
    thinkingOpen = false;
    ObjectNode delta = Frames.obj().put("type", "signature_delta").put("signature", SIGNATURE);
    frames.add(event("content_block_delta", Frames.obj().put("index", thinkingIndex).set("delta", delta)));
    frames.add(event("content_block_stop", Frames.obj().put("index", thinkingIndex)));
  }

  private void closeText(List<byte[]> frames) {
    if (textOpen) {
      textOpen = false;
      frames.add(event("content_block_stop", Frames.obj().put("index", textIndex)));
    }
  }

  private void closeTool(List<byte[]> frames) {
    if (toolOpen) {
      toolOpen = false;
      frames.add(event("content_block_stop", Frames.obj().put("index", toolIndex)));
    }
  }

  /** {@code event: <type>\ndata: {"type":…,…fields}\n\n}. */
  private static byte[] event(String type, ObjectNode fields) {
    return Frames.namedEvent(type, fields);
  }

  private static ChunkTemplate template(int index, String deltaType, String field) {
    return new ChunkTemplate(Frames.utf8("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":"
        + index + ",\"delta\":{\"type\":\"" + deltaType + "\",\"" + field + "\":\""), null, Frames.utf8("\"}}\n\n"));
  }

  private ObjectNode message() {
    return Frames.obj().put("id", id).put("type", "message").put("role", "assistant").put("model", modelName);
  }

  private static ObjectNode finish(ObjectNode message, Outcome o, boolean toolCall) {
    message.put("stop_reason", stopReason(o, toolCall));
    message.putNull("stop_sequence");
    ObjectNode usage = message.putObject("usage");
    usage.put("input_tokens", o.promptTokens() - o.cached());
    usage.put("cache_creation_input_tokens", 0);
    usage.put("cache_read_input_tokens", o.cached());
    usage.put("output_tokens", o.outputTokens());
    return message;
  }

  /** The final counts: the output, and the input again now that the cache's share is known. */
  private static ObjectNode deltaUsage(Outcome o) {
    ObjectNode usage = Frames.obj();
    usage.put("input_tokens", o.promptTokens() - o.cached());
    usage.put("cache_creation_input_tokens", 0);
    usage.put("cache_read_input_tokens", o.cached());
    usage.put("output_tokens", o.outputTokens());
    return usage;
  }

  private static String stopReason(Outcome o, boolean toolCall) {
    if ("length".equals(o.doneReason())) {
      return "max_tokens";
    }
    return toolCall ? "tool_use" : "end_turn";
  }

  /** Anthropic's ids are {@code toolu_…}: a plan's {@code call_…} id is reshaped. */
  static String toolId(ToolCallPlan call) {
    String id = call.id() == null ? "" : call.id();
    return id.startsWith("toolu_") ? id : "toolu_" + (id.startsWith("call_") ? id.substring(5) : id);
  }

  private static JsonNode arguments(String json) {
    try {
      JsonNode node = Frames.JSON.readTree(json);
      return node != null && node.isObject() ? node : Frames.obj();
    } catch (java.io.IOException e) {
      return Frames.obj();
    }
  }
}
