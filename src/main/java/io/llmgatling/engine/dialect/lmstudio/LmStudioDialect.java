package io.llmgatling.engine.dialect.lmstudio;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.engine.dialect.Chunk;
import io.llmgatling.engine.dialect.ChunkSink;
import io.llmgatling.engine.dialect.JsonRead;
import io.llmgatling.engine.dialect.openai.OpenAiDialect;

/**
 * LM Studio's REST API {@code /api/v0/...}: OpenAI-shaped, plus a {@code stats} object with
 * {@code time_to_first_token} and {@code generation_time} in seconds. Those give the prefill and decode
 * times; LM Studio reports no queue time, so the client estimates it as (last token − sent) −
 * (time_to_first_token + generation_time). Pre-flight: {@code GET /api/v0/models}.
 */
public final class LmStudioDialect extends OpenAiDialect {
  public static final LmStudioDialect INSTANCE = new LmStudioDialect();

  private LmStudioDialect() {
  }

  @Override
  public String id() {
    return "lmstudio";
  }

  @Override
  protected String prefix() {
    return "/api/v0";
  }

  @Override
  protected void readExtras(JsonNode node, ChunkSink out) {
    JsonNode stats = node.get("stats");
    if (stats == null || !stats.isObject()) {
      return;
    }
    Double firstToken = secondsToMs(stats.get("time_to_first_token"));
    Double generation = secondsToMs(stats.get("generation_time"));
    out.accept(new Chunk.ServerTimings(null, null, firstToken, generation, null,
        firstToken != null && generation != null ? firstToken + generation : null));
    out.accept(new Chunk.StopReason(JsonRead.text(stats.get("stop_reason"))));
    if (generation != null && stats.get("tokens_per_second") != null) {
      // only when no usage object came: tokens/s × seconds, rounded
      out.accept(new Chunk.Usage(null,
          (int) Math.round(stats.get("tokens_per_second").asDouble() * generation / 1000.0), true));
    }
  }

  private static Double secondsToMs(JsonNode node) {
    return node == null || !node.isNumber() ? null : node.asDouble() * 1000.0;
  }
}
