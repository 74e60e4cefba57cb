package examples;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.llmgatling.javaapi.LlmDsl.*;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.llmgatling.harness.LlmInjection;
import io.llmgatling.harness.LlmSimulation;
import io.llmgatling.workload.Tasks;
import java.util.Map;

/**
 * LM Studio's own REST API: v1 ({@code /api/v1/chat}, named events, stats with load and prefill times) when the
 * server has it, else v0 ({@code /api/v0/chat/completions}, LM Studio's stats next to the OpenAI-style body); the
 * pre-flight chooses ({@code -Dllm.api=lmstudio-v0} or {@code lmstudio-v1} forces one).
 *
 * <pre>
 * mvn gatling:test -Dgatling.simulationClass=examples.LmStudioSimulation                    # embedded simulator
 * mvn gatling:test -Dgatling.simulationClass=examples.LmStudioSimulation \
 *     -Dllm.target=lmstudio -Dllm.baseUrl=http://localhost:1234 -Dllm.model=qwen2.5-7b-instruct
 * </pre>
 */
public class LmStudioSimulation extends LlmSimulation {

  public LmStudioSimulation() {
    // speak LM Studio's API even to the embedded simulator (which serves every API family);
    // -Dllm.api=... still wins
    super(Map.of("llm.api", "lmstudio"));
  }

  ScenarioBuilder chat = scenario("lmstudio-chat")
      .feed(workload().promptSet(Tasks.CHAT).feeder(workload().seed()))
      .exec(llm("chat").chat()
          .messages(session -> session.getList("messages")) // system prompt + history of the prompt set
          .stream(true)    // server-sent events, like LM Studio's chat window
          .maxTokens(256)
          .check(text().notEmpty(), outputTokens().gte(1)));

  {
    setUp(chat.injectOpen(LlmInjection.open(workload().injectedProfile())))
        .protocols(llmProtocol());
  }
}
