package io.llmgatling.engine.dialect.llamacpp;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.engine.dialect.Chunk;
import io.llmgatling.engine.dialect.ChunkSink;
import io.llmgatling.engine.dialect.JsonRead;
import io.llmgatling.engine.dialect.ServerInfo;
import io.llmgatling.engine.dialect.ServerQuery;
import io.llmgatling.engine.dialect.openai.OpenAiDialect;
import java.util.List;

/**
 * llama.cpp's llama-server on its OpenAI-compatible {@code /v1} paths, plus the {@code timings} object
 * it adds to the last chunk ({@code prompt_ms}, {@code predicted_ms}, {@code predicted_n}, {@code cache_n}: prompt
 * tokens its slot's prompt cache held; {@code prompt_n} counts only the rest, so the whole prompt is
 * {@code prompt_n + cache_n}, as {@code usage.prompt_tokens} says). It reports
 * no queue time, so the client estimates it as (last token − sent) − (prompt_ms + predicted_ms); a server that sends
 * {@code timings.queue_ms} (the embedded simulator may) is taken at its word. Pre-flight: {@code GET /v1/models},
 * and {@code GET /props} for its parallel slots.
 */
public final class LlamaCppDialect extends OpenAiDialect {
  public static final LlamaCppDialect INSTANCE = new LlamaCppDialect();

  private LlamaCppDialect() {
  }

  @Override
  public String id() {
    return "llamacpp";
  }

  @Override
  public boolean sendsServerTimings() {
    return true;
  }

  @Override
  protected void readExtras(JsonNode node, ChunkSink out) {
    JsonNode timings = node.get("timings");
    if (timings == null || !timings.isObject()) {
      return;
    }
    Double prompt = JsonRead.number(timings.get("prompt_ms"));
    Double predicted = JsonRead.number(timings.get("predicted_ms"));
    out.accept(new Chunk.ServerTimings(JsonRead.number(timings.get("queue_ms")), null, prompt, predicted, null,
        prompt != null && predicted != null ? prompt + predicted : null));
    // prompt_n is what the slot evaluated, cache_n what its prompt cache held: the whole prompt is their sum
    Integer evaluated = JsonRead.integer(timings.get("prompt_n"));
    Integer cached = JsonRead.integer(timings.get("cache_n"));
    Integer whole = evaluated != null && cached != null ? Integer.valueOf(evaluated + cached) : evaluated;
    out.accept(new Chunk.Usage(whole, JsonRead.integer(timings.get("predicted_n")), cached, null, true));
  }

  /**
   * The models, and llama-server's parallel slots ({@code GET /props → total_slots}), a hint for the capacity
   * model; null when the server does not say (older builds, a proxy in front): never a reason to stop the run.
   */
  @Override
  public ServerInfo describeServer(ServerQuery server) {
    ServerInfo listed = super.describeServer(server);
    Integer slots = server.tryGet("/props").map(props -> props.path("total_slots"))
        .filter(n -> n.isInt() && n.asInt() > 0).map(JsonNode::asInt).orElse(null);
    return new ServerInfo(listed.version(), listed.models(), slots);
  }

  /** llama-server serves whatever single model it loaded, under any name the client gives. */
  @Override
  public boolean servesModel(List<String> models, String wanted) {
    return super.servesModel(models, wanted) || !models.isEmpty();
  }
}
