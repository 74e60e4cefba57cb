package io.llmgatling.engine.provider;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.engine.ApiFlavor;

/**
 * LM Studio's REST API {@code /api/v0/...}: OpenAI-shaped, plus a {@code stats} object with
 * {@code time_to_first_token} and {@code generation_time} in seconds. Those give the prefill and decode
 * times; LM Studio reports no queue time, so the client estimates it as (last token − sent) −
 * (time_to_first_token + generation_time).
 */
public final class LmStudioProvider extends OpenAiProvider {
  static final LmStudioProvider INSTANCE = new LmStudioProvider();

  private LmStudioProvider() {
  }

  @Override
  public ApiFlavor flavor() {
    return ApiFlavor.LMSTUDIO;
  }

  @Override
  String prefix() {
    return "/api/v0";
  }

  @Override
  void readExtras(JsonNode node, ResponseAccumulator acc) {
    JsonNode stats = node.get("stats");
    if (stats == null || !stats.isObject()) {
      return;
    }
    Double firstToken = secondsToMs(stats.get("time_to_first_token"));
    Double generation = secondsToMs(stats.get("generation_time"));
    acc.promptEvalMs(firstToken);
    acc.evalMs(generation);
    if (firstToken != null && generation != null) {
      acc.serverBusyMs(firstToken + generation);
    }
    if (acc.finishReason() == null) {
      acc.finishReason(OllamaProvider.text(stats.get("stop_reason")));
    }
    if (acc.serverOutputTokens() == null && generation != null && stats.get("tokens_per_second") != null) {
      // only when no usage object came: tokens/s × seconds, rounded
      acc.serverOutputTokens((int) Math.round(stats.get("tokens_per_second").asDouble() * generation / 1000.0));
    }
  }

  private static Double secondsToMs(JsonNode node) {
    return node == null || !node.isNumber() ? null : node.asDouble() * 1000.0;
  }
}
