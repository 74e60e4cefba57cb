package io.llmgatling.simulator.dialect.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgatling.simulator.ModelSpec;
import io.llmgatling.simulator.SimulatorConfig;
import io.llmgatling.simulator.TextSource;
import io.llmgatling.simulator.dialect.ChunkTemplate;
import io.llmgatling.simulator.dialect.Frames;
import io.llmgatling.simulator.dialect.Kind;
import io.llmgatling.simulator.dialect.Outcome;
import io.llmgatling.simulator.dialect.ToolCallPlan;
import io.llmgatling.simulator.dialect.WireFormat;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI's chat and text completions: SSE {@code data:} events of {@code choices} deltas, a final chunk with
 * the finish reason, the usage chunk when asked for, {@code [DONE]}. Servers that add to it (llama-server's
 * {@code timings}, LM Studio's {@code stats}) override {@link #extras} and {@link #errorBody}.
 */
public class OpenAiWire implements WireFormat {
  private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

  protected final Kind kind;
  protected final String modelName;
  protected final ModelSpec model;
  protected final long sequence;
  protected final boolean includeUsage;
  protected final SimulatorConfig config;
  private List<String> inputs = List.of();
  private int dimensions;
  private boolean base64;

  public OpenAiWire(Kind kind, String modelName, ModelSpec model, long sequence, boolean includeUsage,
      SimulatorConfig config) {
    this.kind = kind;
    this.modelName = modelName;
    this.model = model;
    this.sequence = sequence;
    this.includeUsage = includeUsage;
    this.config = config;
  }

  @Override
  public void streamHeaders(HttpHeaders headers) {
    Frames.sseHeaders(headers);
  }

  @Override
  public ChunkTemplate chunkTemplate() {
    String head = "data: {\"id\":\"" + id() + "\",\"object\":\""
        + (kind == Kind.CHAT ? "chat.completion.chunk" : "text_completion") + "\",\"created\":"
        + System.currentTimeMillis() / 1000 + ",\"model\":" + Frames.quote(modelName) + ",\"system_fingerprint\":"
        + Frames.quote(fingerprint()) + ",\"choices\":[{\"index\":0,";
    return kind == Kind.CHAT
        ? new ChunkTemplate(Frames.utf8(head + "\"delta\":{\"role\":\"assistant\",\"content\":\""), null,
            Frames.utf8("\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n"))
        : new ChunkTemplate(Frames.utf8(head + "\"text\":\""), null,
            Frames.utf8("\",\"logprobs\":null,\"finish_reason\":null}]}\n\n"));
  }

  /**
   * The thinking delta of a chat stream: {@code reasoning_content} (llama-server, LM Studio) or, behind Ollama's
   * {@code /v1}, {@code reasoning}; text completions have no thinking field.
   */
  @Override
  public ChunkTemplate reasoningTemplate() {
    if (kind != Kind.CHAT) {
      return null;
    }
    String head = "data: {\"id\":\"" + id() + "\",\"object\":\"chat.completion.chunk\",\"created\":"
        + System.currentTimeMillis() / 1000 + ",\"model\":" + Frames.quote(modelName) + ",\"system_fingerprint\":"
        + Frames.quote(fingerprint()) + ",\"choices\":[{\"index\":0,";
    return new ChunkTemplate(Frames.utf8(head + "\"delta\":{\"role\":\"assistant\",\"content\":\"\",\""
        + reasoningField() + "\":\""), null, Frames.utf8("\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n"));
  }

  /** The message's thinking field: Ollama's {@code /v1} says {@code reasoning}, the others {@code reasoning_content}. */
  protected String reasoningField() {
    return "ollama".equals(config.profile()) ? "reasoning" : "reasoning_content";
  }

  /**
   * Whether {@code usage.completion_tokens_details.reasoning_tokens} is sent: LM Studio counts the thinking,
   * llama-server and Ollama do not (docs/apis.md).
   */
  protected boolean countsReasoningTokens() {
    return "lmstudio".equals(config.profile());
  }

  @Override
  public byte[] body(Outcome o, String content) {
    return Frames.bytes(finalObject(o, "", content, false));
  }

  @Override
  public byte[] body(Outcome o, String reasoning, String content) {
    return Frames.bytes(finalObject(o, reasoning, content, false));
  }

  /** The call's first chunk: its index, id, type and name, with empty arguments. */
  @Override
  public List<byte[]> toolCallStart(ToolCallPlan call) {
    ObjectNode root = chunkHead();
    ObjectNode choice = root.putArray("choices").addObject();
    choice.put("index", 0);
    ObjectNode delta = choice.putObject("delta");
    delta.put("role", "assistant");
    delta.putNull("content");
    ObjectNode entry = delta.putArray("tool_calls").addObject();
    entry.put("index", 0);
    entry.put("id", call.id());
    entry.put("type", "function");
    entry.putObject("function").put("name", call.name()).put("arguments", "");
    choice.putNull("logprobs");
    choice.putNull("finish_reason");
    return List.of(Frames.sse(root.toString()));
  }

  /** Each piece of the arguments: {@code delta.tool_calls[0].function.arguments}. */
  @Override
  public ChunkTemplate toolCallTemplate() {
    String head = "data: {\"id\":\"" + id() + "\",\"object\":\"chat.completion.chunk\",\"created\":"
        + System.currentTimeMillis() / 1000 + ",\"model\":" + Frames.quote(modelName) + ",\"system_fingerprint\":"
        + Frames.quote(fingerprint()) + ",\"choices\":[{\"index\":0,";
    return new ChunkTemplate(Frames.utf8(head + "\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\""),
        null, Frames.utf8("\"}}]},\"logprobs\":null,\"finish_reason\":null}]}\n\n"));
  }

  @Override
  public byte[] toolCallBody(Outcome o, String reasoning, ToolCallPlan call) {
    ObjectNode root = finalObject(o, reasoning, "", false);
    ObjectNode message = (ObjectNode) root.path("choices").path(0).path("message");
    message.putNull("content");
    ObjectNode entry = message.putArray("tool_calls").addObject();
    entry.put("id", call.id());
    entry.put("type", "function");
    entry.putObject("function").put("name", call.name()).put("arguments", call.argumentsJson());
    return Frames.bytes(root);
  }

  private ObjectNode chunkHead() {
    ObjectNode root = Frames.obj();
    root.put("id", id());
    root.put("object", "chat.completion.chunk");
    root.put("created", System.currentTimeMillis() / 1000);
    root.put("model", modelName);
    root.put("system_fingerprint", fingerprint());
    return root;
  }

  @Override
  public List<byte[]> streamEnd(Outcome o) {
    List<byte[]> frames = new ArrayList<>(3);
    frames.add(Frames.sse(finalObject(o, "", "", true).toString()));
    if (includeUsage) {
      frames.add(Frames.sse(usageChunk(o)));
    }
    frames.add(DONE);
    return frames;
  }

  @Override
  public byte[] malformedFrame() {
    return Frames.utf8("data: {\"id\":\"chatcmpl-\n\n");
  }

  @Override
  public byte[] errorFrame(String message) {
    return Frames.sse(errorBody(500, message));
  }

  @Override
  public String errorBody(int status, String message) {
    return openAiError(status, message);
  }

  /** OpenAI's error object: message, type, param, code. */
  public static String openAiError(int status, String message) {
    ObjectNode root = Frames.obj();
    ObjectNode error = root.putObject("error");
    error.put("message", message);
    error.put("type", message.startsWith("the request exceeds") ? "exceed_context_size_error" : switch (status) {
      case 400 -> "invalid_request_error";
      case 404 -> "not_found_error";
      default -> "api_error";
    });
    error.putNull("param");
    error.putNull("code");
    return root.toString();
  }

  /** Fields a server adds after {@code usage} in its final object. */
  protected void extras(ObjectNode root, Outcome o) {
  }

  protected String id() {
    return (kind == Kind.CHAT ? "chatcmpl-" : "cmpl-") + sequence;
  }

  protected String fingerprint() {
    return switch (config.profile()) {
      case "lmstudio" -> model.name();
      case "llamacpp" -> config.serverVersion() + "-sim";
      default -> "fp_ollama";
    };
  }

  /** The last object of a request: the whole body, or the final chunk of a stream. */
  private ObjectNode finalObject(Outcome o, String reasoning, String content, boolean streamEnd) {
    ObjectNode root = Frames.obj();
    boolean chat = kind == Kind.CHAT;
    root.put("id", id());
    root.put("object", chat ? (streamEnd ? "chat.completion.chunk" : "chat.completion") : "text_completion");
    root.put("created", System.currentTimeMillis() / 1000);
    root.put("model", modelName);
    root.put("system_fingerprint", fingerprint());
    ObjectNode choice = root.putArray("choices").addObject();
    choice.put("index", 0);
    if (chat) {
      ObjectNode message = choice.putObject(streamEnd ? "delta" : "message");
      if (!streamEnd) {
        message.put("role", "assistant");
        message.put("content", content);
        if (!reasoning.isEmpty()) {
          message.put(reasoningField(), reasoning);
        }
        message.putNull("refusal");
      }
    } else {
      choice.put("text", content);
    }
    choice.putNull("logprobs");
    choice.put("finish_reason", switch (o.doneReason()) {
      case "length", "tool_calls" -> o.doneReason();
      default -> "stop";
    });
    if (!streamEnd) {
      root.set("usage", usage(o));
    }
    extras(root, o);
    return root;
  }

  /**
   * Whether usage carries {@code prompt_tokens_details.cached_tokens} when the model keeps a prefix cache: OpenAI
   * and llama-server do; LM Studio and Ollama's {@code /v1} do not.
   */
  protected boolean reportsCachedTokens() {
    return true;
  }

  private ObjectNode usage(Outcome o) {
    ObjectNode usage = Frames.obj();
    usage.put("prompt_tokens", o.promptTokens());
    usage.put("completion_tokens", o.outputTokens());
    usage.put("total_tokens", o.promptTokens() + o.outputTokens());
    if (o.cachedTokens() != null && reportsCachedTokens()) {
      usage.putObject("prompt_tokens_details").put("cached_tokens", o.cachedTokens());
    }
    if (model.reasons() && countsReasoningTokens()) {
      usage.putObject("completion_tokens_details").put("reasoning_tokens", o.reasoningTokens());
    }
    return usage;
  }

  private String usageChunk(Outcome o) {
    ObjectNode root = Frames.obj();
    root.put("id", id());
    root.put("object", kind == Kind.CHAT ? "chat.completion.chunk" : "text_completion");
    root.put("created", System.currentTimeMillis() / 1000);
    root.put("model", modelName);
    root.put("system_fingerprint", fingerprint());
    root.putArray("choices");
    root.set("usage", usage(o));
    return root.toString();
  }

  /** Makes this the answer of an {@code /embeddings} request. */
  public OpenAiWire embedding(List<String> inputs, int dimensions, boolean base64) {
    this.inputs = inputs;
    this.dimensions = dimensions;
    this.base64 = base64;
    return this;
  }

  /** {@code /embeddings}: a list of vectors (floats or base64), normalised, with usage. */
  @Override
  public byte[] embeddingBody(Outcome o) {
    ObjectNode root = Frames.obj();
    root.put("object", "list");
    ArrayNode data = root.putArray("data");
    for (int i = 0; i < inputs.size(); i++) {
      ObjectNode item = data.addObject();
      item.put("object", "embedding");
      float[] v = TextSource.embedding(inputs.get(i), dimensions, config.seed(), true);
      if (base64) {
        item.put("embedding", TextSource.base64(v));
      } else {
        ArrayNode vector = item.putArray("embedding");
        for (float f : v) {
          vector.add(f);
        }
      }
      item.put("index", i);
    }
    root.put("model", modelName);
    ObjectNode usage = root.putObject("usage");
    usage.put("prompt_tokens", o.promptTokens());
    usage.put("total_tokens", o.promptTokens());
    return Frames.utf8(root.toString());
  }
}
