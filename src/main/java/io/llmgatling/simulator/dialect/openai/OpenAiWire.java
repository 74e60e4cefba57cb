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
import io.llmgatling.simulator.dialect.WireFormat;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
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
    headers.set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
        .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
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

  @Override
  public byte[] body(Outcome o, String content) {
    return Frames.bytes(finalObject(o, content, false));
  }

  @Override
  public List<byte[]> streamEnd(Outcome o) {
    List<byte[]> frames = new ArrayList<>(3);
    frames.add(Frames.sse(finalObject(o, "", true).toString()));
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
  private ObjectNode finalObject(Outcome o, String content, boolean streamEnd) {
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
        message.putNull("refusal");
      }
    } else {
      choice.put("text", content);
    }
    choice.putNull("logprobs");
    choice.put("finish_reason", "length".equals(o.doneReason()) ? "length" : "stop");
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
