package io.llmgatling.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.simulator.LlmSimulator;
import io.llmgatling.simulator.RequestTruth;
import io.llmgatling.simulator.SimulatorConfig;
import io.llmgatling.support.GatlingRun;
import io.llmgatling.support.RunFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The main job against the simulator's reasoning model: the summary's first-answer times come after the first
 * tokens and its reasoning tokens are the simulator's; a cap inside the thinking makes every request reasoning-only,
 * a warning, never a KO.
 */
class ReasoningRunIT {

  private static LlmSimulator simulator() {
    return LlmSimulator.start(SimulatorConfig.forProfile("ollama").toBuilder().port(0).preloadModels(true)
        .outputTokens(8).rates(100_000, 3000, 0).build());
  }

  private static Map<String, String> run(LlmSimulator sim, String... more) {
    Map<String, String> properties = new java.util.HashMap<>(Map.of("llm.target", "ollama", "llm.baseUrl",
        sim.baseUrl().toString(), "llm.model", "qwen3:4b", "llm.mix", "chat", "llm.duration", "4s", "llm.rate", "2",
        "llm.stream", "true"));
    for (int i = 0; i < more.length; i += 2) {
      properties.put(more[i], more[i + 1]);
    }
    return properties;
  }

  @Test
  void should_report_first_answer_after_first_token_and_the_simulators_reasoning_tokens() throws Exception {
    try (LlmSimulator sim = simulator()) {
      // the chat task's default cap (128) would cut most of a 64..256-token thinking phase
      GatlingRun.Outcome outcome = GatlingRun.run("MultiTaskSimulation", run(sim, "llm.maxTokens", "1024"));

      assertThat(outcome.exitCode()).isZero();
      List<JsonNode> records = RunFiles.records(outcome.resultsDir());
      Set<String> ids = records.stream().map(r -> r.path("id").asText()).collect(Collectors.toSet());
      RunFiles.await("the simulator's truth of every request", Duration.ofSeconds(5),
          () -> sim.truth().stream().filter(t -> ids.contains(t.requestId())).count() == ids.size());
      List<RequestTruth> truth = sim.truth().stream().filter(t -> ids.contains(t.requestId())).toList();
      long trueReasoning = truth.stream().mapToLong(RequestTruth::reasoningTokens).sum();
      long trueAnswer = truth.stream().mapToLong(t -> t.outputTokens() - t.reasoningTokens()).sum();

      JsonNode all = RunFiles.summary(outcome.resultsDir()).path("all");
      assertThat(all.path("ko").asLong()).isZero();
      assertThat(all.path("reasoningOnly").asLong()).isZero();
      assertThat(all.path("reasoningTokens").asLong()).isEqualTo(trueReasoning).isGreaterThanOrEqualTo(64);
      assertThat(all.path("answerTokens").asLong()).isEqualTo(trueAnswer);
      assertThat(all.path("ttfaMs").path("p50").asDouble()).isGreaterThan(all.path("ttftMs").path("p50").asDouble());
      assertThat(records).allSatisfy(r -> {
        assertThat(r.path("ttfaMs").asDouble()).as(r.toString()).isGreaterThan(r.path("ttftMs").asDouble());
        assertThat(r.path("reasoningTokens").asInt()).as(r.toString()).isBetween(64, 256);
      });
      assertThat(Files.readString(outcome.resultsDir().resolve("index.html"))).contains("\"ttfaMs\"");
    }
  }

  @Test
  void should_ask_the_model_not_to_think_when_the_workload_says_so() throws Exception {
    try (LlmSimulator sim = simulator()) {
      GatlingRun.Outcome outcome = GatlingRun.run("MultiTaskSimulation", run(sim, "llm.think", "off",
          "llm.duration", "2s"));

      JsonNode all = RunFiles.summary(outcome.resultsDir()).path("all");
      assertThat(all.path("requests").asLong()).isPositive();
      assertThat(all.path("ko").asLong()).isZero();
      assertThat(all.path("reasoningTokens").asLong()).isZero();
      assertThat(sim.truth()).isNotEmpty().allSatisfy(t -> assertThat(t.reasoningTokens()).isZero());
      assertThat(RunFiles.records(outcome.resultsDir())).allSatisfy(r -> assertThat(r.has("ttfaMs")).isFalse());
    }
  }

  @Test
  void should_count_requests_whose_cap_fell_inside_the_thinking_as_reasoning_only_with_no_ko() throws Exception {
    try (LlmSimulator sim = simulator()) {
      GatlingRun.Outcome outcome = GatlingRun.run("MultiTaskSimulation", run(sim, "llm.maxTokens", "16",
          "llm.duration", "3s"));

      Path dir = outcome.resultsDir();
      JsonNode all = RunFiles.summary(dir).path("all");
      assertThat(all.path("requests").asLong()).isPositive();
      assertThat(all.path("ko").asLong()).isZero();
      assertThat(all.path("errors").size()).isZero();
      assertThat(all.path("reasoningOnly").asLong()).isEqualTo(all.path("requests").asLong());
      assertThat(all.path("answerTokens").asLong()).isZero();
      assertThat(RunFiles.records(dir)).allSatisfy(r -> {
        assertThat(r.path("ok").asBoolean()).isTrue();
        assertThat(r.path("cause").asText()).isEqualTo("budget_exhausted");
      });
      assertThat(ConsoleSummary.reasoningOnlyWarning(all)).startsWith("WARNING: " + all.path("requests").asLong()
          + " request(s) reached their token limit while still reasoning");
    }
  }
}
