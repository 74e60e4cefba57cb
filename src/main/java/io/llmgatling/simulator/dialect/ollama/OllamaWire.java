package io.llmgatling.simulator.dialect.ollama;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgatling.simulator.SimulatorConfig;
import io.llmgatling.simulator.TextSource;
import io.llmgatling.simulator.Timestamps;
import io.llmgatling.simulator.dialect.ChunkTemplate;
import io.llmgatling.simulator.dialect.Frames;
import io.llmgatling.simulator.dialect.Kind;
import io.llmgatling.simulator.dialect.Outcome;
import io.llmgatling.simulator.dialect.ToolCallPlan;
import io.llmgatling.simulator.dialect.WireFormat;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** Ollama's answers: NDJSON objects with {@code created_at}, a final object with {@code done} and durations. */
class OllamaWire implements WireFormat {
  final Kind kind;
  final String modelName;
  final SimulatorConfig config;

  OllamaWire(Kind kind, String modelName, SimulatorConfig config) {
    this.kind = kind;
    this.modelName = modelName;
    this.config = config;
  }

  @Override
  public void streamHeaders(HttpHeaders headers) {
    headers.set(HttpHeaderNames.CONTENT_TYPE, "application/x-ndjson");
  }

  @Override
  public ChunkTemplate chunkTemplate() {
    String model = Frames.quote(modelName);
    byte[] prefix = Frames.utf8("{\"model\":" + model + ",\"created_at\":\"");
    return kind == Kind.CHAT
        ? new ChunkTemplate(prefix, Frames.utf8("\",\"message\":{\"role\":\"assistant\",\"content\":\""),
            Frames.utf8("\"},\"done\":false}\n"))
        : new ChunkTemplate(prefix, Frames.utf8("\",\"response\":\""), Frames.utf8("\",\"done\":false}\n"));
  }

  /** Ollama's thinking field: {@code message.thinking} beside an empty content, top-level on /api/generate. */
  @Override
  public ChunkTemplate reasoningTemplate() {
    String model = Frames.quote(modelName);
    byte[] prefix = Frames.utf8("{\"model\":" + model + ",\"created_at\":\"");
    return kind == Kind.CHAT
        ? new ChunkTemplate(prefix, Frames.utf8("\",\"message\":{\"role\":\"assistant\",\"content\":\"\",\"thinking\":\""),
            Frames.utf8("\"},\"done\":false}\n"))
        : new ChunkTemplate(prefix, Frames.utf8("\",\"response\":\"\",\"thinking\":\""),
            Frames.utf8("\",\"done\":false}\n"));
  }

  @Override
  public byte[] body(Outcome o, String content) {
    return finalObject(o, "", content);
  }

  @Override
  public byte[] body(Outcome o, String reasoning, String content) {
    return finalObject(o, reasoning, content);
  }

  @Override
  public List<byte[]> streamEnd(Outcome o) {
    byte[] last = finalObject(o, "", "");
    byte[] line = new byte[last.length + 1];
    System.arraycopy(last, 0, line, 0, last.length);
    line[last.length] = '\n';
    return List.of(line);
  }

  /** Ollama sends a call whole: one line whose message carries {@code tool_calls}, arguments an object. */
  @Override
  public List<byte[]> toolCallEnd(ToolCallPlan call) {
    ObjectNode line = Frames.obj();
    line.put("model", modelName);
    line.put("created_at", Timestamps.now());
    ObjectNode message = line.putObject("message");
    message.put("role", "assistant");
    message.put("content", "");
    message.set("tool_calls", toolCalls(call));
    line.put("done", false);
    return List.of(Frames.utf8(line + "\n"));
  }

  @Override
  public byte[] toolCallBody(Outcome o, String reasoning, ToolCallPlan call) {
    return finalObject(o, reasoning, "", call);
  }

  /** {@code [{function: {index, name, arguments: {...}}}]}; arguments cut short by the cap stay text. */
  private static ArrayNode toolCalls(ToolCallPlan call) {
    ArrayNode calls = Frames.JSON.createArrayNode();
    ObjectNode function = calls.addObject().putObject("function");
    function.put("index", 0);
    function.put("name", call.name());
    try {
      function.set("arguments", Frames.JSON.readTree(call.argumentsJson()));
    } catch (IOException e) {
      function.put("arguments", call.argumentsJson());
    }
    return calls;
  }

  @Override
  public byte[] malformedFrame() {
    return Frames.utf8("{\"model\":\"x\",\"created_at\":\n");
  }

  @Override
  public byte[] errorFrame(String message) {
    return Frames.utf8(errorBody(500, message) + "\n");
  }

  @Override
  public String errorBody(int status, String message) {
    return Frames.plainError(message);
  }

  /**
   * The last object, streamed straight to bytes: it is the whole non-streamed body, the hot path of
   * request-rate benchmarks, where building and walking a tree took 7 % of the simulator's CPU.
   */
  private byte[] finalObject(Outcome o, String thinking, String content) {
    return finalObject(o, thinking, content, null);
  }

  private byte[] finalObject(Outcome o, String thinking, String content, ToolCallPlan call) {
    ByteArrayBuilder out = new ByteArrayBuilder(256 + thinking.length() + content.length());
    try (JsonGenerator g = Frames.JSON.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("model", modelName);
      g.writeStringField("created_at", Timestamps.now());
      if (kind == Kind.CHAT) {
        g.writeObjectFieldStart("message");
        g.writeStringField("role", "assistant");
        g.writeStringField("content", content);
        if (!thinking.isEmpty()) {
          g.writeStringField("thinking", thinking);
        }
        if (call != null) {
          g.writeFieldName("tool_calls");
          g.writeTree(toolCalls(call));
        }
        g.writeEndObject();
        // a call ends as any answer does for Ollama: "stop"
        g.writeStringField("done_reason", "tool_calls".equals(o.doneReason()) ? "stop" : o.doneReason());
        g.writeBooleanField("done", true);
      } else {
        g.writeStringField("response", content);
        if (!thinking.isEmpty()) {
          g.writeStringField("thinking", thinking);
        }
        g.writeBooleanField("done", true);
        g.writeStringField("done_reason", o.doneReason());
        g.writeArrayFieldStart("context");
        for (int i = 0; i < Math.min(8, o.promptTokens() + o.outputTokens()); i++) {
          g.writeNumber(128000 + i);
        }
        g.writeEndArray();
      }
      g.writeNumberField("total_duration", o.totalNanos());
      g.writeNumberField("load_duration", o.loadNanos());
      g.writeNumberField("prompt_eval_count", o.promptTokens());
      g.writeNumberField("prompt_eval_duration", o.promptEvalNanos());
      g.writeNumberField("eval_count", o.outputTokens());
      g.writeNumberField("eval_duration", o.evalNanos());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a JSON body to memory", e);
    }
    return out.toByteArray();
  }

  /** /api/embed (all vectors, normalised, with durations) and the older /api/embeddings (one raw vector). */
  static final class Embeddings extends OllamaWire {
    private final List<String> inputs;
    private final int dimensions;
    private final boolean legacy;

    Embeddings(String modelName, SimulatorConfig config, List<String> inputs, int dimensions, boolean legacy) {
      super(Kind.EMBED, modelName, config);
      this.inputs = inputs;
      this.dimensions = dimensions;
      this.legacy = legacy;
    }

    @Override
    public byte[] embeddingBody(Outcome o) {
      ObjectNode root = Frames.obj();
      long seed = config.seed();
      if (legacy) {
        ArrayNode vector = root.putArray("embedding");
        if (!inputs.isEmpty()) {
          for (float f : TextSource.embedding(inputs.get(0), dimensions, seed, false)) {
            vector.add(f);
          }
        }
      } else {
        root.put("model", modelName);
        ArrayNode all = root.putArray("embeddings");
        for (String s : inputs) {
          ArrayNode vector = all.addArray();
          for (float f : TextSource.embedding(s, dimensions, seed, true)) {
            vector.add(f);
          }
        }
        root.put("total_duration", o.totalNanos());
        root.put("load_duration", o.loadNanos());
        root.put("prompt_eval_count", o.promptTokens());
      }
      return Frames.utf8(root.toString());
    }
  }
}
