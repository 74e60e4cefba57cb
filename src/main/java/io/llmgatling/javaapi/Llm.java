package io.llmgatling.javaapi;

import io.llmgatling.engine.Operation;
import io.llmgatling.engine.gatling.LlmActionSpec;

/** A named LLM request whose operation is still to be chosen. Obtained from {@link LlmDsl#llm(String)}. */
public final class Llm {
  private final String name;

  Llm(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("an LLM request needs a non-empty name");
    }
    this.name = name;
  }

  /**
   * A chat request (Ollama {@code /api/chat}, OpenAI {@code /v1/chat/completions}).
   *
   * @return the action builder; add messages with user(...), system(...)
   */
  public LlmActionBuilder chat() {
    return new LlmActionBuilder(LlmActionSpec.of(name, Operation.CHAT));
  }

  /**
   * A raw generation (Ollama {@code /api/generate}; OpenAI-style servers use {@code /v1/completions}).
   *
   * @return the action builder; set the prompt with prompt(...)
   */
  public LlmActionBuilder generate() {
    return new LlmActionBuilder(LlmActionSpec.of(name, Operation.GENERATE));
  }

  /**
   * A text completion ({@code /v1/completions}; Ollama uses {@code /api/generate}).
   *
   * @return the action builder; set the prompt with prompt(...)
   */
  public LlmActionBuilder completion() {
    return new LlmActionBuilder(LlmActionSpec.of(name, Operation.COMPLETION));
  }

  /**
   * An embeddings request (Ollama {@code /api/embed}, OpenAI {@code /v1/embeddings}); never streamed.
   *
   * @return the action builder; set the inputs with input(...)
   */
  public LlmActionBuilder embed() {
    return new LlmActionBuilder(LlmActionSpec.of(name, Operation.EMBED));
  }
}
