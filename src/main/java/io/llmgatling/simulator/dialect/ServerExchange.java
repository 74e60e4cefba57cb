package io.llmgatling.simulator.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.simulator.ModelSpec;
import io.llmgatling.simulator.SimulatorConfig;
import io.llmgatling.simulator.SlotScheduler;
import java.util.List;

/** One request as a dialect's handler sees it: what came in, the server's state, and the ways to answer. */
public interface ServerExchange {
  String method();

  String path();

  SimulatorConfig config();

  long startedAtMillis();

  List<SlotScheduler.LoadedModel> loadedModels();

  boolean isLoaded(ModelSpec model);

  /** The slots and their queue, read-only use (gauge endpoints: /slots, /metrics). */
  SlotScheduler scheduler();

  /**
   * The body as a JSON object (parsed once); null once its refusal has been answered in this route's dialect's
   * shape (empty, not JSON, not an object).
   */
  JsonNode body();

  /** Answers an error in this route's dialect's shape ({@link WireFormat#errorBody}). */
  void error(int status, String message);

  void json(int status, JsonNode body, String modelName);

  void respond(int status, String contentType, String body);

  /**
   * Resolves the requested model (the servers' common rules: required, known, able to do {@code kind}) and
   * numbers the request; null once an error has been answered.
   */
  Admitted admit(JsonNode body, Kind kind);

  /**
   * llama-server's {@code GET /metrics} of this simulator: Prometheus text with llama.cpp's names, from the
   * scheduler's state and the tokens served so far ({@code simulator.Gauges}).
   */
  default String metrics() {
    return "";
  }

  /** llama-server's {@code GET /slots} of this simulator: one object per slot of each loaded model. */
  default JsonNode slots() {
    return Frames.JSON.createArrayNode();
  }

  /** Hands the parsed request to the shared engine: slot, prefill, timed tokens, the dialect's frames. */
  void generate(Admitted admitted, GenerationRequest request);
}
