package examples;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.llmgatling.javaapi.LlmDsl.*;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.llmgatling.harness.LlmInjection;
import io.llmgatling.harness.LlmSimulation;
import io.llmgatling.workload.Tasks;
import java.util.Map;

/**
 * Any OpenAI-compatible server ({@code /v1/chat/completions} and {@code /v1/completions}: vLLM, SGLang,
 * llama-server, LM Studio, Ollama's /v1, a gateway), with a bearer token from {@code llm.apiKey}.
 *
 * <pre>
 * mvn gatling:test -Dgatling.simulationClass=examples.OpenAiCompatibleSimulation            # embedded simulator
 * mvn gatling:test -Dgatling.simulationClass=examples.OpenAiCompatibleSimulation \
 *     -Dllm.target=openai -Dllm.baseUrl=http://localhost:8000 \
 *     -Dllm.model=Qwen/Qwen2.5-1.5B-Instruct -Dllm.apiKey=$OPENAI_API_KEY
 * </pre>
 * The key is sent as {@code Authorization: Bearer ...} and never written to any output. The base URL is
 * the server root: the {@code /v1} paths are added beneath it.
 */
public class OpenAiCompatibleSimulation extends LlmSimulation {

  public OpenAiCompatibleSimulation() {
    super(Map.of("llm.api", "openai")); // the /v1 wire format, whatever the target; -Dllm.api wins
  }

  ScenarioBuilder chat = scenario("openai-chat")
      .feed(workload().promptSet(Tasks.CHAT).feeder(workload().seed()))
      .exec(llm("chat").chat()
          .user("#{prompt}")
          .stream(true)                    // SSE with stream_options.include_usage: the server's token count
          .maxTokens(128)                  // max_tokens
          .option("temperature", 0.7)      // any other body field passes through as is
          .check(text().notEmpty(), finishReason().matches("stop|length")));

  ScenarioBuilder completion = scenario("openai-completion")
      .feed(workload().promptSet(Tasks.COMPLETION).feeder(workload().seed()))
      .exec(llm("completion").completion() // the legacy /v1/completions endpoint: raw prompt continuation
          .prompt("#{prompt}")
          .maxTokens(64)
          .check(outputTokens().gte(1)));

  {
    // the llm.apiKey (if any) is on the protocol: llmProtocol() reads it from the workload
    setUp(
        chat.injectOpen(LlmInjection.open(workload().injectedProfile())),
        completion.injectOpen(atOnceUsers(1)))
        .protocols(llmProtocol());
  }
}
