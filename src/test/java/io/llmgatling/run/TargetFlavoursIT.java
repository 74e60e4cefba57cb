package io.llmgatling.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgatling.simulator.LlmSimulator;
import io.llmgatling.simulator.SimulatorConfig;
import io.llmgatling.support.GatlingRun;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The main job pointed at a running server of each kind (the simulator standing in for it, started on its own
 * like a real server), through {@code llm.target} and {@code llm.baseUrl} alone: no code change per server.
 */
class TargetFlavoursIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "ollama,   ollama,   'llama3.2:3b,qwen2.5:7b,nomic-embed-text'",
      "lmstudio, lmstudio, ",
      "llamacpp, llamacpp, ",
      "openai,   ollama,   'llama3.2:3b,nomic-embed-text'",
  })
  void should_drive_each_kind_of_server_with_no_code_change(String target, String profile, String models)
      throws Exception {
    try (LlmSimulator server = LlmSimulator.start(SimulatorConfig.forProfile(profile).toBuilder().port(0)
        .loadTimeMs(200).build())) {
      Map<String, String> props = new LinkedHashMap<>();
      props.put("llm.target", target);
      props.put("llm.baseUrl", server.baseUrl().toString());
      props.put("llm.duration", "3s");
      props.put("llm.rate", "4");
      props.put("llm.mix", "chat:2,completion:1,embeddings:1");
      props.put("llm.apiKey", "sk-test-key");
      if (models != null) {
        props.put("llm.model", models);
      }
      GatlingRun.Outcome outcome = GatlingRun.run("MultiTaskSimulation", props);

      assertThat(outcome.exitCode()).isZero();
      JsonNode summary = JSON.readTree(outcome.resultsDir().resolve("summary.json").toFile());
      // llm.target=lmstudio speaks LM Studio's REST v1 to a server that has it (the simulator does by default)
      assertThat(summary.path("target").path("api").asText())
          .isEqualTo(target.equals("lmstudio") ? "lmstudio-v1" : target);
      JsonNode all = summary.path("all");
      assertThat(all.path("ko").asInt()).as("errors: %s", all.path("errors")).isZero();
      assertThat(all.path("requests").asInt()).isGreaterThanOrEqualTo(8);
      assertThat(summary.path("tasks").path("chat").path("ttftMs").path("p50").isNumber()).isTrue();
      assertThat(summary.path("tasks").path("chat").path("outputTokens").asLong()).isPositive();
    }
  }
}
