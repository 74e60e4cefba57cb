package io.llmgatling.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgatling.support.GatlingRun;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every example of simulations/examples runs briefly against the embedded simulator, cleanly. */
class ExamplesIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "examples.OllamaChatSimulation, ollama, chat",
      "examples.LmStudioSimulation, lmstudio-v1, chat", // lmstudio: v1, which the simulator serves
      "examples.OpenAiCompatibleSimulation, openai, completion",
      "examples.MultiTurnChatSimulation, ollama, turn-n",
      "examples.RagEmbeddingsSimulation, ollama, embed-passages",
      "examples.ModelSwapSimulation, ollama, chat",
      "examples.ToolCallingSimulation, openai, tools"})
  void should_run_the_example_against_the_embedded_simulator(String simulation, String api, String task)
      throws Exception {
    GatlingRun.Outcome outcome = GatlingRun.run(simulation, Map.of("llm.duration", "3s", "llm.rate", "1.5"));

    assertThat(outcome.exitCode()).isZero();
    assertThat(outcome.resultsDir()).isNotNull();
    for (String file : new String[] {"summary.json", "requests.jsonl", "index.html", "run.json"}) {
      assertThat(outcome.resultsDir().resolve(file)).isRegularFile();
    }
    JsonNode summary = JSON.readTree(outcome.resultsDir().resolve("summary.json").toFile());
    assertThat(summary.path("target").path("api").asText()).isEqualTo(api);
    assertThat(summary.path("all").path("requests").asLong()).isPositive();
    assertThat(summary.path("all").path("ko").asLong()).as(summary.path("all").path("errors").toString()).isZero();
    assertThat(summary.path("tasks").has(task)).as(summary.path("tasks").fieldNames().toString()).isTrue();
  }
}
