package io.llmgatling.engine.provider;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.engine.ApiFlavor;

/**
 * llama.cpp's llama-server on its OpenAI-compatible {@code /v1} paths, plus the {@code timings} object
 * it adds to the last chunk ({@code prompt_ms}, {@code predicted_ms}, {@code predicted_n}). It reports
 * no queue time, so the client estimates it as (last token − sent) − (prompt_ms + predicted_ms); a server that sends
 * {@code timings.queue_ms} (the embedded simulator may) is taken at its word.
 */
public final class LlamaCppProvider extends OpenAiProvider {
  static final LlamaCppProvider INSTANCE = new LlamaCppProvider();

  private LlamaCppProvider() {
  }

  @Override
  public ApiFlavor flavor() {
    return ApiFlavor.LLAMACPP;
  }

  @Override
  void readExtras(JsonNode node, ResponseAccumulator acc) {
    JsonNode timings = node.get("timings");
    if (timings == null || !timings.isObject()) {
      return;
    }
    Double prompt = number(timings.get("prompt_ms"));
    Double predicted = number(timings.get("predicted_ms"));
    acc.promptEvalMs(prompt);
    acc.evalMs(predicted);
    acc.queueMs(number(timings.get("queue_ms")));
    if (prompt != null && predicted != null) {
      acc.serverBusyMs(prompt + predicted);
    }
    if (acc.promptTokens() == null) {
      acc.promptTokens(OllamaProvider.integer(timings.get("prompt_n")));
    }
    if (acc.serverOutputTokens() == null) {
      acc.serverOutputTokens(OllamaProvider.integer(timings.get("predicted_n")));
    }
  }

  private static Double number(JsonNode node) {
    return node == null || !node.isNumber() ? null : node.asDouble();
  }
}
