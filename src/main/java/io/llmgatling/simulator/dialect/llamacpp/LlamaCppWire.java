package io.llmgatling.simulator.dialect.llamacpp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgatling.simulator.ModelSpec;
import io.llmgatling.simulator.SimulatorConfig;
import io.llmgatling.simulator.dialect.Frames;
import io.llmgatling.simulator.dialect.Kind;
import io.llmgatling.simulator.dialect.Outcome;
import io.llmgatling.simulator.dialect.openai.OpenAiWire;

/** llama-server's /v1 answers: OpenAI's with {@code timings} after usage, and its error object. */
final class LlamaCppWire extends OpenAiWire {
  LlamaCppWire(Kind kind, String modelName, ModelSpec model, long sequence, boolean includeUsage,
      SimulatorConfig config) {
    super(kind, modelName, model, sequence, includeUsage, config);
  }

  @Override
  public String errorBody(int status, String message) {
    return llamaCppError(status, message);
  }

  /** llama-server's error object: code, message, type. */
  static String llamaCppError(int status, String message) {
    ObjectNode root = Frames.obj();
    ObjectNode error = root.putObject("error");
    error.put("code", status);
    error.put("message", message);
    error.put("type", message.startsWith("the request exceeds") ? "exceed_context_size_error" : switch (status) {
      case 400 -> "invalid_request_error";
      case 404 -> "not_found_error";
      case 503 -> "unavailable_error";
      default -> "server_error";
    });
    return root.toString();
  }

  @Override
  protected boolean countsReasoningTokens() {
    return false;
  }

  @Override
  protected String reasoningField() {
    return "reasoning_content";
  }

  @Override
  protected void extras(ObjectNode root, Outcome o) {
    timings(root, o);
  }

  /** llama-server's {@code timings} object (also in {@code /completion}'s last chunk). */
  static void timings(ObjectNode root, Outcome o) {
    ObjectNode timings = root.putObject("timings");
    double promptMs = o.promptEvalNanos() / 1e6;
    double predictedMs = o.evalNanos() / 1e6;
    int predicted = o.outputTokens();
    int promptN = o.promptTokens() - o.cached(); // llama-server: prompt_n excludes the cached prefix (cache_n)
    timings.put("cache_n", o.cached());
    timings.put("prompt_n", promptN);
    timings.put("prompt_ms", promptMs);
    timings.put("prompt_per_token_ms", promptN == 0 ? 0 : promptMs / promptN);
    timings.put("prompt_per_second", promptMs == 0 ? 0 : promptN * 1000 / promptMs);
    timings.put("predicted_n", predicted);
    timings.put("predicted_ms", predictedMs);
    timings.put("predicted_per_token_ms", predicted == 0 ? 0 : predictedMs / predicted);
    timings.put("predicted_per_second", predictedMs == 0 ? 0 : predicted * 1000 / predictedMs);
  }
}
