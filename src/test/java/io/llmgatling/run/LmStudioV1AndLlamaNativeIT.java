package io.llmgatling.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.json.Json;
import io.llmgatling.simulator.LlmSimulator;
import io.llmgatling.simulator.RequestTruth;
import io.llmgatling.simulator.SimulatorConfig;
import io.llmgatling.support.GatlingRun;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * LM Studio's REST v1 (with its v0 fallback) and llama-server's native {@code /completion}, end to end: the main
 * job against the simulator playing each server, records joined with the simulator's truth.
 */
class LmStudioV1AndLlamaNativeIT {

  private static List<JsonNode> records(GatlingRun.Outcome outcome) throws Exception {
    List<JsonNode> records = new ArrayList<>();
    for (String line : Files.readAllLines(outcome.resultsDir().resolve("requests.jsonl"))) {
      records.add(Json.MAPPER.readTree(line));
    }
    return records;
  }

  private static JsonNode summary(GatlingRun.Outcome outcome) throws Exception {
    return Json.MAPPER.readTree(outcome.resultsDir().resolve("summary.json").toFile());
  }

  @ParameterizedTest(name = "lmstudioApi {0} -> {1}")
  @CsvSource({"v1, lmstudio-v1", "v0, lmstudio-v0"})
  void should_speak_v1_to_a_v1_lm_studio_and_v0_to_an_older_one(String served, String spoken) throws Exception {
    try (LlmSimulator server = LlmSimulator.start(SimulatorConfig.forProfile("lmstudio").toBuilder().port(0)
        .loadTimeMs(100).lmstudioApi(served).build())) {
      Map<String, String> props = new LinkedHashMap<>();
      props.put("llm.target", "lmstudio");
      props.put("llm.baseUrl", server.baseUrl().toString());
      props.put("llm.duration", "3s");
      props.put("llm.rate", "3");
      props.put("llm.mix", "chat:2,completion:1,embeddings:1");
      GatlingRun.Outcome outcome = GatlingRun.run("MultiTaskSimulation", props);

      assertThat(outcome.exitCode()).isZero();
      JsonNode summary = summary(outcome);
      assertThat(summary.path("target").path("api").asText()).isEqualTo(spoken);
      assertThat(summary.path("all").path("ko").asInt()).as("errors: %s", summary.path("all").path("errors")).isZero();
      List<String> chatPaths = server.truth().stream().filter(t -> t.method().equals("POST")
          && t.path().contains("chat")).map(RequestTruth::path).distinct().toList();
      assertThat(chatPaths).containsExactly(served.equals("v1") ? "/api/v1/chat" : "/api/v0/chat/completions");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"lmstudio-v1", "llamacpp-native"})
  void should_run_the_default_mix_with_the_simulator_token_counts_and_server_timings(String api) throws Exception {
    try (LlmSimulator server = LlmSimulator.start(SimulatorConfig.forProfile("ollama").toBuilder().port(0)
        .loadTimeMs(300).build())) {
      Map<String, String> props = new LinkedHashMap<>();
      props.put("llm.baseUrl", server.baseUrl().toString()); // target sim: a simulator already running there
      props.put("llm.api", api);
      props.put("llm.duration", "4s");
      props.put("llm.rate", "3");
      GatlingRun.Outcome outcome = GatlingRun.run("MultiTaskSimulation", props);

      assertThat(outcome.exitCode()).isZero();
      JsonNode summary = summary(outcome);
      assertThat(summary.path("target").path("api").asText()).isEqualTo(api);
      assertThat(summary.path("all").path("ko").asInt()).as("errors: %s", summary.path("all").path("errors")).isZero();
      Map<String, RequestTruth> truth = server.truth().stream().filter(t -> t.requestId() != null)
          .collect(Collectors.toMap(RequestTruth::requestId, Function.identity(), (a, b) -> b));
      int generated = 0;
      int loaded = 0;
      for (JsonNode record : records(outcome)) {
        RequestTruth t = truth.get(record.path("id").asText());
        assertThat(t).as("truth of request %s", record.path("id")).isNotNull();
        if (record.path("operation").asText().equals("embed")) {
          continue;
        }
        String native1 = api.equals("lmstudio-v1") ? "/api/v1/chat" : "/completion";
        if (record.path("operation").asText().equals("chat") || api.equals("llamacpp-native")) {
          assertThat(t.path()).isEqualTo(native1);
        }
        assertThat(record.path("outputTokens").asInt()).as("output tokens of %s", record).isEqualTo(t.outputTokens());
        assertThat(record.path("outputTokensSource").asText()).isEqualTo("server");
        assertThat(record.path("promptTokens").asInt()).as("prompt tokens of %s", record).isEqualTo(t.promptTokens());
        if (t.path().equals(native1)) {
          generated++;
          assertThat(record.path("promptEvalMs").asDouble()).as("prefill of %s", record).isPositive();
          assertThat(record.path("evalMs").asDouble()).as("decode of %s", record).isPositive();
          if (record.path("loadMs").isNumber() && record.path("loadMs").asDouble() > 0) {
            loaded++;
            // the load is part of the wait for a slot, which the truth measures from the request's arrival
            assertThat(record.path("loadMs").asDouble()).isLessThanOrEqualTo(t.queueNanos() / 1e6 + 1);
          }
        }
      }
      assertThat(generated).isGreaterThan(3);
      if (api.equals("lmstudio-v1")) {
        assertThat(loaded).as("requests that loaded a model say how long it took").isPositive();
      }
    }
  }
}
