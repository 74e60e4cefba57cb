package io.llmgatling.simulator.dialect;

import io.llmgatling.simulator.SimulatorConfig;

/**
 * One server API as the simulator serves it: its routes (method + path to a handler), the parsing of its
 * requests into a neutral {@link GenerationRequest}, and its wire shape ({@link WireFormat}). The shared engine
 * (slots, performance model, token timing, faults, keep-alive, truth) knows nothing of any API. A new API is a
 * new package {@code io.llmgatling.simulator.dialect.<api>} plus one line in {@link ServerDialects}.
 */
public interface ServerDialect {
  /** The API name recorded in the truth ({@code RequestTruth.api}): ollama, openai, lmstudio, llamacpp. */
  String name();

  /**
   * Declares this dialect's routes. Dialects register in {@link ServerDialects#ALL} order and a later one
   * replaces an earlier one's route on the same method and path (llama-server's /v1 over plain OpenAI's).
   */
  void routes(Routes routes, SimulatorConfig config);

  /** An error body in this server's own shape (early errors: bad body, unknown model, unknown path). */
  String errorBody(int status, String message);

  /** The refusal of an empty request body. */
  default String emptyBodyMessage() {
    return "request body is empty";
  }
}
