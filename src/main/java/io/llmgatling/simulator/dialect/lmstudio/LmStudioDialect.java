package io.llmgatling.simulator.dialect.lmstudio;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgatling.simulator.ModelSpec;
import io.llmgatling.simulator.SimulatorConfig;
import io.llmgatling.simulator.dialect.Admitted;
import io.llmgatling.simulator.dialect.Frames;
import io.llmgatling.simulator.dialect.Kind;
import io.llmgatling.simulator.dialect.ServerExchange;
import io.llmgatling.simulator.dialect.openai.OpenAiDialect;
import io.llmgatling.simulator.dialect.openai.OpenAiWire;

/**
 * LM Studio's REST API v0 ({@code /api/v0}): OpenAI's completions with {@code stats}, {@code model_info} and
 * {@code runtime} in the final object, models with their type and load state, errors as {@code {"error":...}}.
 */
public final class LmStudioDialect extends OpenAiDialect {
  @Override
  public String name() {
    return "lmstudio";
  }

  @Override
  public String errorBody(int status, String message) {
    return Frames.plainError(message);
  }

  @Override
  protected String root() {
    return "/api/v0";
  }

  @Override
  protected ObjectNode model(ServerExchange x, ModelSpec m) {
    ObjectNode o = Frames.obj();
    o.put("id", m.name());
    o.put("object", "model");
    o.put("type", m.isEmbedding() ? "embeddings" : "llm");
    o.put("publisher", "lmstudio-community");
    o.put("arch", m.family());
    o.put("compatibility_type", "gguf");
    o.put("quantization", m.quantization());
    boolean loaded = x.isLoaded(m);
    o.put("state", loaded ? "loaded" : "not-loaded");
    o.put("max_context_length", m.contextLength());
    if (loaded) {
      o.put("loaded_context_length", Math.min(m.contextLength(), 4096 * 8));
    }
    return o;
  }

  @Override
  protected String modelNotFound(String id) {
    return "Model \"" + id + "\" not found";
  }

  @Override
  protected void notFound(ServerExchange x) {
    x.respond(404, "text/plain", "404 page not found");
  }

  @Override
  protected OpenAiWire wire(Kind kind, Admitted a, boolean includeUsage, SimulatorConfig config) {
    return new LmStudioWire(kind, a.modelName(), a.model(), a.sequence(), includeUsage, config);
  }

  @Override
  protected String contextMessage(SimulatorConfig config, int tokens, int limit) {
    return LM_STUDIO_CONTEXT.formatted(tokens, limit);
  }
}
