package io.llmgatling.simulator.dialect.llamacpp;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgatling.simulator.ModelSpec;
import io.llmgatling.simulator.dialect.ChunkTemplate;
import io.llmgatling.simulator.dialect.Frames;
import io.llmgatling.simulator.dialect.Outcome;
import io.llmgatling.simulator.dialect.WireFormat;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;

/**
 * llama-server's {@code /completion} answer ({@code server-task.cpp}, {@code to_json_non_oaicompat}): streamed,
 * {@code data: {"index":0,"content":"<piece>","tokens":[],"stop":false,"id_slot":0,"tokens_evaluated":N}} per token
 * (no {@code event:} line), then one final chunk with {@code "stop":true}, empty content, {@code stop_type}
 * ({@code eos} | {@code limit}), {@code tokens_predicted}, {@code tokens_evaluated}, {@code tokens_cached},
 * {@code generation_settings} and {@code timings}; no {@code [DONE]}. Not streamed: that final object with the whole
 * content. No reasoning field ({@link #reasoningTemplate()} null: a thinking phase goes out as content between
 * {@code <think>} and {@code </think>}) and no tool calls (the native endpoint has none).
 */
final class LlamaCppNativeWire implements WireFormat {
  private final ModelSpec model;
  private final int promptTokens;
  private final Integer limit;
  private final boolean stream;

  LlamaCppNativeWire(ModelSpec model, int promptTokens, Integer limit, boolean stream) {
    this.model = model;
    this.promptTokens = promptTokens;
    this.limit = limit;
    this.stream = stream;
  }

  /** The sampling settings llama-server echoes ({@code /props} params, a final chunk's generation_settings). */
  static ObjectNode generationSettings(int nPredict, boolean stream) {
    ObjectNode p = Frames.obj();
    p.put("n_predict", nPredict);
    p.put("seed", 4294967295L);
    p.put("temperature", 0.8);
    p.put("top_k", 40);
    p.put("top_p", 0.95);
    p.put("min_p", 0.05);
    p.put("repeat_last_n", 64);
    p.put("repeat_penalty", 1.0);
    p.put("max_tokens", nPredict);
    p.put("n_keep", 0);
    p.put("ignore_eos", false);
    p.put("stream", stream);
    p.put("n_probs", 0);
    p.put("chat_format", "Content-only");
    p.put("reasoning_format", "none");
    ArrayNode samplers = p.putArray("samplers");
    for (String s : new String[] {"penalties", "dry", "top_k", "typ_p", "top_p", "min_p", "xtc", "temperature"}) {
      samplers.add(s);
    }
    p.put("timings_per_token", false);
    p.putArray("lora");
    return p;
  }

  @Override
  public void streamHeaders(HttpHeaders headers) {
    Frames.sseHeaders(headers);
  }

  @Override
  public ChunkTemplate chunkTemplate() {
    return new ChunkTemplate(Frames.utf8("data: {\"index\":0,\"content\":\""), null,
        Frames.utf8("\",\"tokens\":[],\"stop\":false,\"id_slot\":0,\"tokens_evaluated\":" + promptTokens + "}\n\n"));
  }

  @Override
  public List<byte[]> streamEnd(Outcome o) {
    return List.of(Frames.sse(last(o, "").toString()));
  }

  @Override
  public byte[] body(Outcome o, String content) {
    return Frames.bytes(last(o, content));
  }

  /** Reasoning as llama-server sends it without a reasoning format: inside think tags, before the answer. */
  @Override
  public byte[] body(Outcome o, String reasoning, String content) {
    return body(o, reasoning == null || reasoning.isEmpty() ? content : "<think>" + reasoning + "</think>" + content);
  }

  /** The final object: whole content (not streamed) or none (the stream's last chunk). */
  private ObjectNode last(Outcome o, String content) {
    ObjectNode root = Frames.obj();
    root.put("index", 0);
    root.put("content", content);
    root.putArray("tokens");
    root.put("id_slot", 0);
    root.put("stop", true);
    root.put("model", model.name());
    root.put("tokens_predicted", o.outputTokens());
    root.put("tokens_evaluated", o.promptTokens());
    root.set("generation_settings", generationSettings(limit == null ? -1 : limit, stream));
    root.put("prompt", "");
    root.put("has_new_line", false);
    root.put("truncated", false);
    root.put("stop_type", "length".equals(o.doneReason()) ? "limit" : "eos");
    root.put("stopping_word", "");
    root.put("tokens_cached", o.promptTokens() + o.outputTokens());
    LlamaCppWire.timings(root, o);
    return root;
  }

  @Override
  public byte[] malformedFrame() {
    return Frames.utf8("data: {\"index\":0,\"content\":\"\n\n");
  }

  /** One error line, then the stream closes (llama-server's mid-stream failure). */
  @Override
  public byte[] errorFrame(String message) {
    return Frames.sse(LlamaCppWire.llamaCppError(500, message));
  }

  @Override
  public String errorBody(int status, String message) {
    return LlamaCppWire.llamaCppError(status, message);
  }
}
