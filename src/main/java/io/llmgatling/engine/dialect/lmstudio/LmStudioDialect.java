package io.llmgatling.engine.dialect.lmstudio;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.engine.dialect.Chunk;
import io.llmgatling.engine.dialect.ChunkSink;
import io.llmgatling.engine.dialect.Dialect;
import io.llmgatling.engine.dialect.JsonRead;
import io.llmgatling.engine.dialect.ServerQuery;
import io.llmgatling.engine.dialect.openai.OpenAiDialect;

/**
 * LM Studio's REST API {@code /api/v0/...} ({@code lmstudio-v0}): OpenAI-shaped, plus a {@code stats} object with
 * {@code time_to_first_token} and {@code generation_time} in seconds. Those give the prefill and decode
 * times; LM Studio reports no queue time, so the client estimates it as (last token − sent) −
 * (time_to_first_token + generation_time). Pre-flight: {@code GET /api/v0/models}.
 *
 * <p>{@link #AUTO} ({@code lmstudio}) is the API LM Studio's own docs recommend: REST v1 ({@link LmStudioV1Dialect})
 * when the server has it, else this one. The choice is made once per run, at the pre-flight ({@link #choose});
 * used without a pre-flight (a DSL protocol nobody resolved), it speaks v0, which every LM Studio since 0.3 serves.
 */
public final class LmStudioDialect extends OpenAiDialect {
  /** {@code lmstudio-v0}: the REST beta {@code /api/v0}. */
  public static final LmStudioDialect INSTANCE = new LmStudioDialect("lmstudio-v0");
  /** {@code lmstudio}: v1 when the server has it, else v0, chosen at the pre-flight. */
  public static final LmStudioDialect AUTO = new LmStudioDialect("lmstudio");

  private final String id;

  private LmStudioDialect(String id) {
    this.id = id;
  }

  @Override
  public String id() {
    return id;
  }

  /**
   * {@code lmstudio}: REST v1 when {@code GET /api/v1/models} answers a {@code models} array, else v0. An older
   * LM Studio answers that path with HTTP 200 too (its answer to every unknown route), with
   * {@code {"error":"Unexpected endpoint or method. (GET /api/v1/models)"}}: the body decides, never the status.
   * {@code lmstudio-v0} is itself.
   */
  @Override
  public Dialect choose(ServerQuery server) {
    if (this != AUTO) {
      return this;
    }
    return server.tryGet("/api/v1/models").filter(LmStudioV1Dialect::isModelList)
        .<Dialect>map(list -> LmStudioV1Dialect.INSTANCE).orElse(INSTANCE);
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
