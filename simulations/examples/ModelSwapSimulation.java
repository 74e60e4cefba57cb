package examples;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.llmgatling.javaapi.LlmDsl.*;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.llmgatling.harness.LlmInjection;
import io.llmgatling.harness.LlmSimulation;
import io.llmgatling.workload.ConfigException;
import io.llmgatling.workload.Tasks;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Two models in turn on one server. When the server cannot keep both loaded (Ollama's
 * {@code OLLAMA_MAX_LOADED_MODELS=1}, or too little VRAM for both) each switch unloads one model and loads the
 * other: the load time lands in the TTFT of the request that asked for it, and in {@code loadMs} of Ollama's
 * answer (the report's server-side section). Compare the TTFT distribution with a single-model run.
 *
 * <pre>
 * mvn gatling:test -Dgatling.simulationClass=examples.ModelSwapSimulation
 * mvn gatling:test -Dgatling.simulationClass=examples.ModelSwapSimulation \
 *     -Dllm.target=ollama -Dllm.model=llama3.2,qwen2.5:7b
 * </pre>
 * With no target, the embedded simulator keeps one model loaded at a time
 * ({@code user-files/examples/model-swap-simulator.json}: {@code maxLoadedModels=1}, 1.5 s cold loads).
 */
public class ModelSwapSimulation extends LlmSimulation {

  public ModelSwapSimulation() {
    // a slow, even rate: every switch costs a model load, so a high rate only builds a queue
    super(Map.of(
        "llm.rate", "0.5",
        "llm.sim.config", "examples/model-swap-simulator.json"));
  }

  private final List<String> models = twoChatModels();
  private final AtomicLong visits = new AtomicLong();

  ScenarioBuilder swap = scenario("model-swap")
      .feed(workload().promptSet(Tasks.CHAT).feeder(workload().seed()))
      // strictly alternating: A, B, A, B, ... the worst case for a server that holds one model
      .exec(session -> session.set("model", models.get((int) (visits.getAndIncrement() % 2))))
      .exec(llm("chat").chat().model("#{model}")
          .user("#{prompt}")
          .maxTokens(48)
          .check(text().notEmpty()));

  {
    setUp(swap.injectOpen(LlmInjection.open(workload().injectedProfile())))
        .protocols(llmProtocol());
  }

  private List<String> twoChatModels() {
    List<String> chat = workload().modelsFor(Tasks.CHAT);
    if (chat.size() < 2) {
      throw ConfigException.forKey("llm.model", "ModelSwapSimulation needs two chat models, e.g."
          + " -Dllm.model=llama3.2,qwen2.5:7b (got " + chat + ")");
    }
    return chat.subList(0, 2);
  }
}
