package io.llmgatling.simulator.dialect;

import io.llmgatling.simulator.dialect.anthropic.AnthropicDialect;
import io.llmgatling.simulator.dialect.llamacpp.LlamaCppDialect;
import io.llmgatling.simulator.dialect.llamacpp.LlamaCppNativeDialect;
import io.llmgatling.simulator.dialect.lmstudio.LmStudioDialect;
import io.llmgatling.simulator.dialect.lmstudio.LmStudioV1Dialect;
import io.llmgatling.simulator.dialect.ollama.OllamaDialect;
import io.llmgatling.simulator.dialect.openai.OpenAiDialect;
import io.llmgatling.simulator.dialect.responses.ResponsesDialect;
import java.util.List;

/** The server APIs the simulator speaks: adding one is one line here. */
public final class ServerDialects {
  /** In registration order: a later dialect's route replaces an earlier one's on the same method and path. */
  public static final List<ServerDialect> ALL = List.of(
      new OllamaDialect(),
      new OpenAiDialect(),
      new LmStudioDialect(),
      new LlamaCppDialect(),
      new ResponsesDialect(),
      new AnthropicDialect(),
      new LmStudioV1Dialect(),
      new LlamaCppNativeDialect());

  private ServerDialects() {
  }

  public static List<String> names() {
    return ALL.stream().map(ServerDialect::name).toList();
  }
}
