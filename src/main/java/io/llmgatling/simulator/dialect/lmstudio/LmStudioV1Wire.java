package io.llmgatling.simulator.dialect.lmstudio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgatling.simulator.ModelSpec;
import io.llmgatling.simulator.SimulatorConfig;
import io.llmgatling.simulator.TextSource;
import io.llmgatling.simulator.dialect.ChunkTemplate;
import io.llmgatling.simulator.dialect.Frames;
import io.llmgatling.simulator.dialect.Outcome;
import io.llmgatling.simulator.dialect.ToolCallPlan;
import io.llmgatling.simulator.dialect.WireFormat;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * LM Studio REST v1's {@code /api/v1/chat} answer. Streamed: named SSE events ({@code event: <type>} and a
 * {@code data:} JSON repeating {@code type}) in the documented order: {@code chat.start}; when the model was not
 * loaded, {@code model_load.start}, {@code .progress}, {@code .end}; {@code prompt_processing.start},
 * {@code .progress}, {@code .end}; {@code reasoning.start}, {@code reasoning.delta} per token, {@code reasoning.end};
 * {@code message.start}, {@code message.delta} per token, {@code message.end}; {@code chat.end} with the whole
 * result. The load and prompt events go out together right before the first generated token (after the load and
 * the prefill, whose times they stand for); {@code model_load.end.load_time_seconds} is the model's nominal load
 * time (the jittered real one is in {@code chat.end}'s {@code stats.model_load_time_seconds}); {@code chat.end} repeats
 * the streamed text (the same seeded tokens, regenerated). Not streamed:
 * {@code {model_instance_id, output:[reasoning?, message], stats, response_id?}} ({@code response_id} only when the
 * chat is stored: {@code store} not false). A mid-stream error is an {@code error} event followed by {@code chat.end}.
 * One per request; its hooks run on the request's event loop.
 */
final class LmStudioV1Wire implements WireFormat {
  private final String modelName;
  private final ModelSpec model;
  private final long sequence;
  private final boolean store;
  private final boolean loads;
  private final SimulatorConfig config;
  private final long textSeed;
  /** The load and prompt-processing events went out (before the first generated token). */
  private boolean prefaced;

  LmStudioV1Wire(String modelName, ModelSpec model, long sequence, boolean store, boolean loads,
      SimulatorConfig config, long textSeed) {
    this.textSeed = textSeed;
    this.modelName = modelName;
    this.model = model;
    this.sequence = sequence;
    this.store = store;
    this.loads = loads;
    this.config = config;
  }

  /** One named event. */
  static byte[] event(String type, ObjectNode data) {
    return Frames.namedEvent(type, data);
  }

  private static byte[] event(String type) {
    return event(type, Frames.obj());
  }

  /** LM Studio v1's error object; the type from the status (the docs give types, not statuses). */
  static String error(int status, String message) {
    return Frames.obj().set("error", errorObject(status, message)).toString();
  }

  private static ObjectNode errorObject(int status, String message) {
    ObjectNode error = Frames.obj();
    error.put("type", switch (status) {
      case 400, 413 -> "invalid_request";
      case 404 -> message.startsWith("model") || message.startsWith("Model") ? "model_not_found" : "invalid_request";
      case 501 -> "not_implemented";
      default -> "internal_error";
    });
    error.put("message", message);
    return error;
  }

  @Override
  public void streamHeaders(HttpHeaders headers) {
    Frames.sseHeaders(headers);
  }

  @Override
  public List<byte[]> streamStart() {
    return List.of(event("chat.start", Frames.obj().put("model_instance_id", modelName)));
  }

  /** The load (when this request loads the model) and prompt events, once, before the first generated token. */
  private List<byte[]> preface(List<byte[]> frames) {
    if (prefaced) {
      return frames;
    }
    prefaced = true;
    if (loads) {
      frames.add(event("model_load.start", Frames.obj().put("model_instance_id", modelName)));
      frames.add(event("model_load.progress", Frames.obj().put("model_instance_id", modelName).put("progress", 1.0)));
      long loadMs = model.loadTimeMs() != null ? model.loadTimeMs() : config.loadTimeMs();
      frames.add(event("model_load.end", Frames.obj().put("model_instance_id", modelName)
          .put("load_time_seconds", loadMs / 1000.0)));
    }
    frames.add(event("prompt_processing.start"));
    frames.add(event("prompt_processing.progress", Frames.obj().put("progress", 1.0)));
    frames.add(event("prompt_processing.end"));
    return frames;
  }

  @Override
  public List<byte[]> reasoningStart() {
    List<byte[]> frames = preface(new ArrayList<>());
    frames.add(event("reasoning.start"));
    return frames;
  }

  @Override
  public ChunkTemplate reasoningTemplate() {
    return new ChunkTemplate(Frames.utf8("event: reasoning.delta\ndata: {\"type\":\"reasoning.delta\",\"content\":\""),
        null, Frames.utf8("\"}\n\n"));
  }

  @Override
  public List<byte[]> reasoningEnd() {
    return List.of(event("reasoning.end"));
  }

  @Override
  public List<byte[]> answerStart() {
    List<byte[]> frames = preface(new ArrayList<>());
    frames.add(event("message.start"));
    return frames;
  }

  @Override
  public ChunkTemplate chunkTemplate() {
    return new ChunkTemplate(Frames.utf8("event: message.delta\ndata: {\"type\":\"message.delta\",\"content\":\""),
        null, Frames.utf8("\"}\n\n"));
  }

  @Override
  public List<byte[]> answerEnd() {
    return List.of(event("message.end"));
  }

  /** v1 tool calls are the server's own (MCP, plugins): announced, then sent whole with their output. */
  @Override
  public List<byte[]> toolCallStart(ToolCallPlan call) {
    List<byte[]> frames = preface(new ArrayList<>());
    frames.add(event("tool_call.start", Frames.obj().put("tool", call.name()).set("provider_info", provider())));
    return frames;
  }

  @Override
  public List<byte[]> toolCallEnd(ToolCallPlan call) {
    JsonNode arguments = arguments(call);
    return List.of(
        event("tool_call.arguments", (ObjectNode) Frames.obj().put("tool", call.name()).<ObjectNode>set("arguments",
            arguments).set("provider_info", provider())),
        event("tool_call.success", (ObjectNode) Frames.obj().put("tool", call.name()).<ObjectNode>set("arguments",
            arguments).put("output", toolOutput()).set("provider_info", provider())));
  }

  @Override
  public List<byte[]> streamEnd(Outcome o) {
    // the streamed text again, as the non-streamed body has it: the same seeded tokens, reasoning first
    SplittableRandom random = new SplittableRandom(textSeed);
    StringBuilder reasoning = new StringBuilder();
    StringBuilder content = new StringBuilder();
    for (int i = 0; i < o.outputTokens(); i++) {
      byte[] token = TextSource.token(random, i);
      (i < o.reasoningTokens() ? reasoning : content).append(new String(token, StandardCharsets.UTF_8));
    }
    return List.of(event("chat.end", (ObjectNode) Frames.obj().set("result",
        result(o, reasoning.toString(), content.toString(), null))));
  }

  @Override
  public byte[] body(Outcome o, String content) {
    return body(o, "", content);
  }

  @Override
  public byte[] body(Outcome o, String reasoning, String content) {
    return Frames.bytes(result(o, reasoning, content, null));
  }

  @Override
  public byte[] toolCallBody(Outcome o, String reasoning, ToolCallPlan call) {
    return Frames.bytes(result(o, reasoning, null, call));
  }

  /** The result object: output items, stats, and the response id of a stored chat. */
  private ObjectNode result(Outcome o, String reasoning, String content, ToolCallPlan call) {
    ObjectNode root = Frames.obj();
    root.put("model_instance_id", modelName);
    ArrayNode output = root.putArray("output");
    if (reasoning != null && !reasoning.isEmpty()) {
      output.addObject().put("type", "reasoning").put("content", reasoning);
    }
    if (call != null) {
      output.addObject().put("type", "tool_call").put("tool", call.name()).<ObjectNode>set("arguments", arguments(call))
          .put("output", toolOutput()).set("provider_info", provider());
    }
    if (content != null) {
      output.addObject().put("type", "message").put("content", content);
    }
    ObjectNode stats = root.putObject("stats");
    stats.put("input_tokens", o.promptTokens());
    stats.put("total_output_tokens", o.outputTokens());
    stats.put("reasoning_output_tokens", o.reasoningTokens());
    stats.put("tokens_per_second", o.evalNanos() == 0 ? 0 : o.outputTokens() / (o.evalNanos() / 1e9));
    // the server's own time to first token: the prefill (the queue and the load are not the model's time)
    stats.put("time_to_first_token_seconds", o.promptEvalNanos() / 1e9);
    if (o.loadNanos() > 0) {
      stats.put("model_load_time_seconds", o.loadNanos() / 1e9);
    }
    if (store) {
      root.put("response_id", "resp_" + Long.toHexString(config.seed()) + "_" + sequence);
    }
    return root;
  }

  private static JsonNode arguments(ToolCallPlan call) {
    try {
      return Frames.JSON.readTree(call.argumentsJson());
    } catch (Exception e) {
      return Frames.obj();
    }
  }

  private static ObjectNode provider() {
    return Frames.obj().put("type", "plugin").put("plugin_id", "mcp/simulator");
  }

  private static String toolOutput() {
    return "[{\"type\":\"text\",\"text\":\"ok\"}]";
  }

  @Override
  public byte[] malformedFrame() {
    return Frames.utf8("event: message.delta\ndata: {\"type\":\"message.del\n\n");
  }

  /** The error event, then the {@code chat.end} LM Studio still sends (without stats: they are not known here). */
  @Override
  public byte[] errorFrame(String message) {
    byte[] error = event("error", (ObjectNode) Frames.obj().set("error", errorObject(500, message)));
    byte[] end = event("chat.end", (ObjectNode) Frames.obj().set("result", Frames.obj()
        .put("model_instance_id", modelName).<ObjectNode>set("output", Frames.JSON.createArrayNode())));
    byte[] both = new byte[error.length + end.length];
    System.arraycopy(error, 0, both, 0, error.length);
    System.arraycopy(end, 0, both, error.length, end.length);
    return both;
  }

  @Override
  public String errorBody(int status, String message) {
    return error(status, message);
  }
}
