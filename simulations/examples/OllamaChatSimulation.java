package examples;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.llmgatling.javaapi.LlmDsl.*;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.llmgatling.harness.LlmInjection;
import io.llmgatling.harness.LlmSimulation;
import io.llmgatling.workload.Tasks;

/**
 * Ollama's native chat API ({@code POST /api/chat}), streamed, with checks on the answer.
 *
 * <pre>
 * mvn gatling:test -Dgatling.simulationClass=examples.OllamaChatSimulation                  # embedded simulator
 * mvn gatling:test -Dgatling.simulationClass=examples.OllamaChatSimulation \
 *     -Dllm.target=ollama -Dllm.baseUrl=http://localhost:11434 -Dllm.model=llama3.2         # a real Ollama
 * </pre>
 */
public class OllamaChatSimulation extends LlmSimulation {

  ScenarioBuilder chat = scenario("ollama-chat")
      // the built-in chat prompts (user-files/prompts/chat.jsonl): #{prompt}, #{messages}, ...
      .feed(workload().promptSet(Tasks.CHAT).feeder(workload().seed()))
      .exec(llm("chat").chat()
          .system("You are a helpful assistant. Answer in a few sentences.")
          .user("#{prompt}")
          .stream(true)        // NDJSON stream: TTFT and inter-token latency are measured per chunk
          .maxTokens(200)      // Ollama's options.num_predict
          .option("temperature", 0.2)
          .check(
              text().notEmpty(),                        // some content came back
              finishReason().matches("stop|length"),    // "length" = cut by maxTokens, still a success
              outputTokens().lte(200)));                // the server's eval_count honours the cap

  {
    // arrivals follow -Dllm.profile / -Dllm.rate / -Dllm.duration (default: 2 users/s for 30 s)
    setUp(chat.injectOpen(LlmInjection.open(workload().injectedProfile())))
        .protocols(llmProtocol()); // base URL, API, models, timeouts from llm.*; the simulator when no target
  }
}
