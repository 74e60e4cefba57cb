package io.llmgatling.simulator.dialect.llamacpp;

import io.llmgatling.simulator.SimulatorConfig;
import io.llmgatling.simulator.dialect.Admitted;
import io.llmgatling.simulator.dialect.Frames;
import io.llmgatling.simulator.dialect.Kind;
import io.llmgatling.simulator.dialect.Routes;
import io.llmgatling.simulator.dialect.openai.OpenAiDialect;
import io.llmgatling.simulator.dialect.openai.OpenAiWire;

/**
 * llama-server's OpenAI-compatible {@code /v1}: OpenAI's answers plus its {@code timings} object, and its own
 * error shape ({@code code} first, its error types). It takes over {@code /v1} when the config asks for
 * llama-server's timings (the {@code llamacpp} profile); {@code /health} is always served.
 */
public final class LlamaCppDialect extends OpenAiDialect {
  @Override
  public String name() {
    return "llamacpp";
  }

  @Override
  public String errorBody(int status, String message) {
    return LlamaCppWire.llamaCppError(status, message);
  }

  @Override
  public void routes(Routes routes, SimulatorConfig config) {
    routes.probe("/health", x -> x.json(200, Frames.obj().put("status", "ok"), null));
    if (config.llamacppTimings()) {
      super.routes(routes, config);
    }
  }

  @Override
  protected OpenAiWire wire(Kind kind, Admitted a, boolean includeUsage, SimulatorConfig config) {
    return new LlamaCppWire(kind, a.modelName(), a.model(), a.sequence(), includeUsage, config);
  }
}
