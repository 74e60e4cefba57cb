package examples;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.llmgatling.javaapi.LlmDsl.*;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.llmgatling.harness.LlmInjection;
import io.llmgatling.harness.LlmSimulation;
import io.llmgatling.workload.Tasks;
import java.util.Map;

/**
 * LM Studio's own REST API ({@code /api/v0/chat/completions}), whose answers carry LM Studio's stats
 * (time to first token, generation time, tokens/s) next to the OpenAI-style body.
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
