package io.llmgatling.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.simulator.LlmSimulator;
import io.llmgatling.simulator.RequestTruth;
import io.llmgatling.simulator.SimulatorConfig;
import io.llmgatling.support.GatlingRun;
import io.llmgatling.support.RunFiles;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The default mix spoken through the Responses and the Anthropic Messages API ({@code llm.api}) to a simulator
 * the test owns, so that it can read its truth: no KO, every chat-like task on the API's endpoint, embeddings on
 * the same server's {@code /v1/embeddings}, and every record's token counts equal to what the simulator generated.
 */
class ResponsesAnthropicRunIT {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"responses", "anthropic"})
  void should_run_the_default_mix_with_the_servers_token_counts(String api) throws Exception {
    try (LlmSimulator sim = LlmSimulator.start(SimulatorConfig.forProfile("ollama").toBuilder().host("127.0.0.1")
        .port(0).loadTimeMs(0).truthLimit(100_000).build())) {
      Map<String, String> props = new LinkedHashMap<>();
      props.put("llm.target", "sim");
      props.put("llm.baseUrl", sim.baseUrl().toString());
      props.put("llm.api", api);
      props.put("llm.apiKey", "sk-test-key");
      props.put("llm.duration", "4s");
      props.put("llm.rate", "5");
      GatlingRun.Outcome outcome = GatlingRun.run("MultiTaskSimulation", props);

      assertThat(outcome.exitCode()).isZero();
      JsonNode summary = RunFiles.summary(outcome.resultsDir());
      assertThat(summary.path("target").path("api").asText()).isEqualTo(api);
      JsonNode all = summary.path("all");
      assertThat(all.path("ko").asInt()).as("errors: %s", all.path("errors")).isZero();
      assertThat(summary.path("tasks").path("chat").path("ttftMs").path("p50").isNumber()).isTrue();
      assertThat(summary.path("tasks").has("embeddings")).isTrue();

      List<JsonNode> records = RunFiles.records(outcome.resultsDir());
      assertThat(records).hasSizeGreaterThanOrEqualTo(10);
      RunFiles.await("the simulator's truth of every request", Duration.ofSeconds(5),
          () -> truthById(sim).keySet().containsAll(records.stream().map(r -> r.path("id").asText()).toList()));
      Map<String, RequestTruth> truth = truthById(sim);
      String path = api.equals("responses") ? "/v1/responses" : "/v1/messages";
      for (JsonNode record : records) {
        RequestTruth t = truth.get(record.path("id").asText());
        assertThat(record.path("api").asText()).isEqualTo(api);
        if (record.path("task").asText().equals("embeddings")) {
          assertThat(t.path()).isEqualTo("/v1/embeddings");
          continue;
        }
        assertThat(t.path()).as("record %s", record).isEqualTo(path);
        assertThat(t.api()).isEqualTo(api);
        assertThat(record.path("outputTokens").asInt()).as("record %s", record).isEqualTo(t.outputTokens());
        assertThat(record.path("promptTokens").asInt()).as("record %s", record).isEqualTo(t.promptTokens());
        assertThat(record.path("outputTokensSource").asText()).as("record %s", record).isEqualTo("server");
        if (record.path("stream").asBoolean()) {
          assertThat(record.path("contentChunks").asInt()).as("record %s", record).isEqualTo(t.outputTokens());
        }
      }
    }
  }

  private static Map<String, RequestTruth> truthById(LlmSimulator sim) {
    return sim.truth().stream().filter(t -> t.requestId() != null)
        .collect(Collectors.toMap(RequestTruth::requestId, t -> t, (a, b) -> b));
  }
}
