package io.llmgatling.simulator.dialect.responses;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgatling.simulator.TextSource;
import io.llmgatling.simulator.dialect.ChunkTemplate;
import io.llmgatling.simulator.dialect.Frames;
import io.llmgatling.simulator.dialect.Outcome;
import io.llmgatling.simulator.dialect.ToolCallPlan;
import io.llmgatling.simulator.dialect.WireFormat;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;

/**
 * A Responses API answer as the official SDK's stream helper accepts it (docs/apis.md "responses"): named SSE
 * events whose JSON repeats the {@code type} and carries a strictly increasing {@code sequence_number} (the token
 * events get theirs through {@link #stamp()}); {@code response.created} and {@code response.in_progress} first;
 * each output item added, its part added, its deltas, its part and item done; then {@code response.completed}
 * (or {@code response.incomplete} when the answer hit {@code max_output_tokens}) with the whole response, output
 * and usage. No event type outside the SDK's list, no {@code [DONE]}.
 *
 * <p>The message item is opened with the stream's first frames when the answer neither reasons nor calls a tool
 * (known when the wire is built), else by {@link #answerStart()}; whichever hooks the engine calls, every item is
 * closed before the terminal event. The engine streams tokens without keeping them, so the texts the done events
 * and the terminal response repeat are drawn again from the request's text seed ({@link TextSource#text}).
 * One per request, used on its event loop only.
 */
public final class ResponsesWire implements WireFormat {
  private enum Phase { NONE, REASONING, ANSWER, TOOL }

  private final String modelName;
  private final String id;
  private final long textSeed;
  private final Integer maxOutputTokens;
  private final boolean reasoningPlanned;
  private final boolean toolCallPlanned;
  private final long createdAt = System.currentTimeMillis() / 1000;

  private int sequence;
  private final byte[][] digits = new byte[20][];
  private Phase phase = Phase.NONE;
  private int nextOutputIndex;
  private int reasoningIndex = -1;
  private int messageIndex = -1;
  private int toolIndex = -1;
  private boolean reasoningOpen;
  private boolean messageOpen;
  private boolean toolOpen;
  private int reasoningStamps;
  private int answerStamps;
  private ToolCallPlan call;
  /** The finished items by output index, for the terminal response. */
  private final java.util.TreeMap<Integer, ObjectNode> output = new java.util.TreeMap<>();

  /**
   * @param reasoningTokens  the thinking phase the engine will play (0: none): opens the message item later
   * @param toolCallPlanned  whether the answer is a tool call: no message item at all unless the engine asks
   */
  public ResponsesWire(String modelName, long sequence, long textSeed, Integer maxOutputTokens, int reasoningTokens,
      boolean toolCallPlanned) {
    this.modelName = modelName;
    this.id = Long.toHexString(0x5e0000000000L + sequence);
    this.textSeed = textSeed;
    this.maxOutputTokens = maxOutputTokens;
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
    frames.add(event("response.created", Frames.obj().set("response", response("in_progress", false, null))));
    frames.add(event("response.in_progress", Frames.obj().set("response", response("in_progress", false, null))));
    if (!reasoningPlanned && !toolCallPlanned) {
      openMessage(frames);
    }
    return frames;
  }

  @Override
  public byte[] stamp() {
    switch (phase) {
      case REASONING -> reasoningStamps++;
      case ANSWER -> answerStamps++;
      default -> {
        // tool-call pieces: their text is the plan's
      }
    }
    int n = sequence++;
    int length = n == 0 ? 1 : (int) Math.log10(n) + 1;
    byte[] out = digits[length];
    if (out == null) {
      out = new byte[length];
      digits[length] = out;
    }
    for (int i = length - 1; i >= 0; i--) {
      out[i] = (byte) ('0' + n % 10);
      n /= 10;
    }
    return out;
  }

  @Override
  public List<byte[]> reasoningStart() {
    List<byte[]> frames = new ArrayList<>(2);
    reasoningIndex = nextOutputIndex++;
    reasoningOpen = true;
    phase = Phase.REASONING;
    ObjectNode item = reasoningItem("in_progress", null);
    frames.add(event("response.output_item.added", Frames.obj().put("output_index", reasoningIndex).set("item", item)));
    ObjectNode added = Frames.obj().put("item_id", "rs_" + id).put("output_index", reasoningIndex)
        .put("content_index", 0);
    added.putObject("part").put("type", "reasoning_text").put("text", "");
    frames.add(event("response.content_part.added", added));
    return frames;
  }

  @Override
  public ChunkTemplate reasoningTemplate() {
    return template("response.reasoning_text.delta", "rs_" + id, reasoningIndex < 0 ? 0 : reasoningIndex, "");
  }

  @Override
  public List<byte[]> reasoningEnd() {
    List<byte[]> frames = new ArrayList<>(3);
    closeReasoning(frames);
    return frames;
  }

  @Override
  public List<byte[]> answerStart() {
    List<byte[]> frames = new ArrayList<>(2);
    if (reasoningOpen) {
      closeReasoning(frames);
    }
    if (messageIndex < 0) {
      openMessage(frames);
    } else {
      phase = Phase.ANSWER;
    }
    return frames;
  }

  @Override
  public ChunkTemplate chunkTemplate() {
    int index = messageIndex >= 0 ? messageIndex : reasoningPlanned || reasoningIndex >= 0 ? 1 : 0;
    return template("response.output_text.delta", "msg_" + id, index, ",\"logprobs\":[]");
  }

  @Override
  public List<byte[]> answerEnd() {
    List<byte[]> frames = new ArrayList<>(3);
    closeMessage(frames);
    return frames;
  }

  @Override
  public List<byte[]> toolCallStart(ToolCallPlan plan) {
    List<byte[]> frames = new ArrayList<>(2);
    if (reasoningOpen) {
      closeReasoning(frames);
    }
    call = plan;
    toolIndex = nextOutputIndex++;
    toolOpen = true;
    phase = Phase.TOOL;
    frames.add(event("response.output_item.added", Frames.obj().put("output_index", toolIndex)
        .set("item", functionCall(plan, "in_progress", ""))));
    return frames;
  }

  @Override
  public ChunkTemplate toolCallTemplate() {
    int index = toolIndex >= 0 ? toolIndex : reasoningPlanned ? 1 : 0;
    return template("response.function_call_arguments.delta", "fc_" + id, index, null);
  }

  @Override
  public List<byte[]> toolCallEnd(ToolCallPlan plan) {
    List<byte[]> frames = new ArrayList<>(2);
    closeToolCall(frames, plan);
    return frames;
  }

  @Override
  public List<byte[]> streamEnd(Outcome o) {
    List<byte[]> frames = new ArrayList<>(6);
    closeReasoning(frames);
    closeMessage(frames);
    if (toolOpen) {
      closeToolCall(frames, call);
    }
    boolean incomplete = "length".equals(o.doneReason());
    ObjectNode response = response(incomplete ? "incomplete" : "completed", incomplete, o);
    ArrayNode items = response.putArray("output");
    output.values().forEach(items::add);
    frames.add(event(incomplete ? "response.incomplete" : "response.completed", Frames.obj().set("response", response)));
    return frames;
  }

  @Override
  public byte[] malformedFrame() {
    return Frames.utf8("event: response.output_text.delta\ndata: {\"type\":\"response.output_text.de\n\n");
  }

  @Override
  public byte[] errorFrame(String message) {
    // the error event, then response.failed with the error in the response: both in one write
    ObjectNode error = Frames.obj().put("code", "server_error").put("message", message).putNull("param");
    byte[] first = event("error", error);
    ObjectNode response = response("failed", false, null);
    response.putObject("error").put("code", "server_error").put("message", message);
    byte[] second = event("response.failed", Frames.obj().set("response", response));
    byte[] both = java.util.Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, both, first.length, second.length);
    return both;
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
    boolean incomplete = "length".equals(o.doneReason());
    ObjectNode response = response(incomplete ? "incomplete" : "completed", incomplete, o);
    ArrayNode items = response.putArray("output");
    if (reasoning != null && !reasoning.isEmpty()) {
      items.add(reasoningItem(incomplete && content.isEmpty() ? "incomplete" : "completed", reasoning));
    }
    if (!content.isEmpty() || items.isEmpty()) {
      items.add(messageItem(incomplete ? "incomplete" : "completed", content));
    }
    return Frames.bytes(response);
  }

  @Override
  public byte[] toolCallBody(Outcome o, String reasoning, ToolCallPlan plan) {
    ObjectNode response = response("completed", false, o);
    ArrayNode items = response.putArray("output");
    if (reasoning != null && !reasoning.isEmpty()) {
      items.add(reasoningItem("completed", reasoning));
    }
    items.add(functionCall(plan, "completed", plan.argumentsJson()));
    return Frames.bytes(response);
  }

  /** The API's error object: message, type, param, code ({@code model_not_found} for an unknown model). */
  public static String error(int status, String message) {
    ObjectNode root = Frames.obj();
    ObjectNode error = root.putObject("error");
    error.put("message", message);
    boolean model = status == 404 && message.startsWith("model ");
    error.put("type", status >= 500 ? "server_error" : "invalid_request_error");
    if (model) {
      error.put("param", "model");
      error.put("code", "model_not_found");
    } else {
      error.putNull("param");
      error.putNull("code");
    }
    return root.toString();
  }

  // ------------------------------------------------------------------ frames

  private void openMessage(List<byte[]> frames) {
    messageIndex = nextOutputIndex++;
    messageOpen = true;
    phase = Phase.ANSWER;
    ObjectNode item = messageItem("in_progress", null);
    frames.add(event("response.output_item.added", Frames.obj().put("output_index", messageIndex).set("item", item)));
    ObjectNode added = Frames.obj().put("item_id", "msg_" + id).put("output_index", messageIndex)
        .put("content_index", 0);
    added.set("part", outputText(""));
    frames.add(event("response.content_part.added", added));
  }

  private void closeMessage(List<byte[]> frames) {
    if (!messageOpen) {
      return;
    }
    messageOpen = false;
    String text = TextSource.text(textSeed, reasoningStamps, answerStamps);
    frames.add(event("response.output_text.done", Frames.obj().put("item_id", "msg_" + id)
        .put("output_index", messageIndex).put("content_index", 0).put("text", text).set("logprobs",
            Frames.JSON.createArrayNode())));
    frames.add(event("response.content_part.done", Frames.obj().put("item_id", "msg_" + id)
        .put("output_index", messageIndex).put("content_index", 0).set("part", outputText(text))));
    ObjectNode item = messageItem("completed", text);
    output.put(messageIndex, item);
    frames.add(event("response.output_item.done", Frames.obj().put("output_index", messageIndex).set("item", item)));
  }

  private void closeReasoning(List<byte[]> frames) {
    if (!reasoningOpen) {
      return;
    }
    reasoningOpen = false;
    String text = TextSource.text(textSeed, 0, reasoningStamps);
    frames.add(event("response.reasoning_text.done", Frames.obj().put("item_id", "rs_" + id)
        .put("output_index", reasoningIndex).put("content_index", 0).put("text", text)));
    ObjectNode part = Frames.obj().put("type", "reasoning_text").put("text", text);
    frames.add(event("response.content_part.done", Frames.obj().put("item_id", "rs_" + id)
        .put("output_index", reasoningIndex).put("content_index", 0).set("part", part)));
    ObjectNode item = reasoningItem("completed", text);
    output.put(reasoningIndex, item);
    frames.add(event("response.output_item.done", Frames.obj().put("output_index", reasoningIndex).set("item", item)));
  }

  private void closeToolCall(List<byte[]> frames, ToolCallPlan plan) {
    if (!toolOpen || plan == null) {
      return;
    }
    toolOpen = false;
    frames.add(event("response.function_call_arguments.done", Frames.obj().put("item_id", "fc_" + id)
        .put("output_index", toolIndex).put("name", plan.name()).put("arguments", plan.argumentsJson())));
    ObjectNode item = functionCall(plan, "completed", plan.argumentsJson());
    output.put(toolIndex, item);
    frames.add(event("response.output_item.done", Frames.obj().put("output_index", toolIndex).set("item", item)));
  }

  /** {@code event: <type>\ndata: {"type":…,"sequence_number":n,…fields}\n\n}. */
  private byte[] event(String type, ObjectNode fields) {
    ObjectNode numbered = Frames.obj().put("sequence_number", sequence++);
    numbered.setAll(fields);
    return Frames.namedEvent(type, numbered);
  }

  /** A delta event around one token: the sequence number is the engine's stamp, the token the delta. */
  private static ChunkTemplate template(String type, String itemId, int outputIndex, String after) {
    String prefix = "event: " + type + "\ndata: {\"type\":\"" + type + "\",\"sequence_number\":";
    String middle = ",\"item_id\":\"" + itemId + "\",\"output_index\":" + outputIndex
        + (type.endsWith("arguments.delta") ? "" : ",\"content_index\":0") + ",\"delta\":\"";
    String suffix = "\"" + (after == null ? "" : after) + "}\n\n";
    return new ChunkTemplate(Frames.utf8(prefix), Frames.utf8(middle), Frames.utf8(suffix));
  }

  private ObjectNode response(String status, boolean incomplete, Outcome o) {
    ObjectNode r = Frames.obj();
    r.put("id", "resp_" + id);
    r.put("object", "response");
    r.put("created_at", createdAt);
    r.put("status", status);
    r.put("background", false);
    r.putNull("error");
    if (incomplete) {
      r.putObject("incomplete_details").put("reason", "max_output_tokens");
    } else {
      r.putNull("incomplete_details");
    }
    r.putNull("instructions");
    if (maxOutputTokens == null) {
      r.putNull("max_output_tokens");
    } else {
      r.put("max_output_tokens", maxOutputTokens);
    }
    r.put("model", modelName);
    r.putArray("output");
    r.put("parallel_tool_calls", true);
    r.putNull("previous_response_id");
    r.putObject("reasoning").putNull("effort").putNull("summary");
    r.put("store", false);
    r.put("temperature", 1.0);
    r.putObject("text").putObject("format").put("type", "text");
    r.put("tool_choice", "auto");
    r.putArray("tools");
    r.put("top_p", 1.0);
    r.put("truncation", "disabled");
    if (o == null) {
      r.putNull("usage");
    } else {
      ObjectNode usage = r.putObject("usage");
      usage.put("input_tokens", o.promptTokens());
      usage.putObject("input_tokens_details").put("cached_tokens", o.cached());
      usage.put("output_tokens", o.outputTokens());
      usage.putObject("output_tokens_details").put("reasoning_tokens", o.reasoningTokens());
      usage.put("total_tokens", o.promptTokens() + o.outputTokens());
    }
    r.putObject("metadata");
    return r;
  }

  private ObjectNode messageItem(String status, String text) {
    ObjectNode item = Frames.obj().put("id", "msg_" + id).put("type", "message").put("status", status)
        .put("role", "assistant");
    ArrayNode content = item.putArray("content");
    if (text != null) {
      content.add(outputText(text));
    }
    return item;
  }

  private static ObjectNode outputText(String text) {
    ObjectNode part = Frames.obj().put("type", "output_text").put("text", text);
    part.putArray("annotations");
    part.putArray("logprobs");
    return part;
  }

  private ObjectNode reasoningItem(String status, String text) {
    ObjectNode item = Frames.obj().put("id", "rs_" + id).put("type", "reasoning").put("status", status);
    item.putArray("summary");
    ArrayNode content = item.putArray("content");
    if (text != null) {
      content.addObject().put("type", "reasoning_text").put("text", text);
    }
    return item;
  }

  private ObjectNode functionCall(ToolCallPlan plan, String status, String arguments) {
    return Frames.obj().put("id", "fc_" + id).put("type", "function_call").put("status", status)
        .put("call_id", plan.id()).put("name", plan.name()).put("arguments", arguments);
  }
}
