package io.llmgatling.simulator.dialect.lmstudio;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgatling.simulator.ModelSpec;
import io.llmgatling.simulator.SimulatorConfig;
import io.llmgatling.simulator.dialect.Frames;
import io.llmgatling.simulator.dialect.Kind;
import io.llmgatling.simulator.dialect.Outcome;
import io.llmgatling.simulator.dialect.openai.OpenAiWire;

/** LM Studio v0's completions: OpenAI's, plus {@code stats}, {@code model_info} and {@code runtime}. */
final class LmStudioWire extends OpenAiWire {
  LmStudioWire(Kind kind, String modelName, ModelSpec model, long sequence, boolean includeUsage,
      SimulatorConfig config) {
    super(kind, modelName, model, sequence, includeUsage, config);
  }

  @Override
  public String errorBody(int status, String message) {
    return Frames.plainError(message);
  }

  /** LM Studio's usage has no cached-token detail. */
  @Override
  protected boolean reportsCachedTokens() {
    return false;
  }

  @Override
  protected void extras(ObjectNode root, Outcome o) {
    double ttft = o.firstTokenNanos() < 0 ? 0 : (o.firstTokenNanos() - o.arrivalNanos()) / 1e9;
    double generation = o.firstTokenNanos() < 0 ? 0 : (System.nanoTime() - o.firstTokenNanos()) / 1e9;
    ObjectNode stats = root.putObject("stats");
    stats.put("tokens_per_second", o.evalNanos() == 0 ? 0 : o.outputTokens() / (o.evalNanos() / 1e9));
    stats.put("time_to_first_token", ttft);
    stats.put("generation_time", generation);
    stats.put("stop_reason", "length".equals(o.doneReason()) ? "maxPredictedTokensReached" : "eosFound");
    ObjectNode info = root.putObject("model_info");
    info.put("arch", model.family());
    info.put("quant", model.quantization());
    info.put("format", "gguf");
    info.put("context_length", model.contextLength());
    ObjectNode runtime = root.putObject("runtime");
    runtime.put("name", "llama.cpp-linux-x86_64-nvidia-cuda12-avx2");
    runtime.put("version", "1.52.1");
    runtime.putArray("supported_formats").add("gguf");
  }
}
