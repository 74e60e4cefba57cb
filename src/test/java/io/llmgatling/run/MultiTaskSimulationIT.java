package io.llmgatling.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgatling.support.GatlingRun;
import io.llmgatling.support.RunFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The main job end to end: the default simulation against the embedded simulator, in Gatling's launcher. */
class MultiTaskSimulationIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void should_run_every_task_against_the_embedded_simulator_and_write_all_results() throws Exception {
    GatlingRun.Outcome outcome = GatlingRun.run("MultiTaskSimulation",
        Map.of("llm.duration", "6s", "llm.rate", "3"));

    assertThat(outcome.exitCode()).isZero();
    Path dir = outcome.resultsDir();
    assertThat(dir).isNotNull();
    for (String file : List.of("summary.json", "requests.jsonl", "index.html", "run.json")) {
      assertThat(dir.resolve(file)).isRegularFile();
    }
    JsonNode summary = JSON.readTree(dir.resolve("summary.json").toFile());
    assertThat(summary.path("schema").asInt()).isEqualTo(1);
    assertThat(summary.path("passed").asBoolean()).isTrue();
    assertThat(summary.path("target").path("api").asText()).isEqualTo("ollama");
    JsonNode all = summary.path("all");
    assertThat(all.path("ko").asLong()).isZero();
    assertThat(summary.path("tasks").has("chat")).isTrue();
    assertThat(summary.path("tasks").has("embeddings")).isTrue();
    assertThat(summary.path("tasks").has("long-context")).isTrue();
    assertThat(summary.path("tasks").path("chat").path("ttftMs").path("p50").isNumber()).isTrue();
    // every request is one line of requests.jsonl, and the summary counts exactly those
    long lines;
    try (var stream = Files.lines(dir.resolve("requests.jsonl"))) {
      lines = stream.filter(l -> !l.isBlank()).count();
    }
    assertThat(all.path("requests").asLong()).isEqualTo(lines).isGreaterThanOrEqualTo(15);
    // open model: every request carries its client delay, and it is small on an idle injector
    assertThat(all.path("clientDelayMs").path("p50").asDouble()).isBetween(0.0, 50.0);
  }

  @Test
  void should_send_the_workloads_request_options() throws Exception {
    // num_predict as an option overrides the task's output cap: every answer is then at most 2 tokens
    GatlingRun.Outcome outcome = GatlingRun.run("MultiTaskSimulation",
        Map.of("llm.duration", "3s", "llm.mix", "chat,completion", "llm.option.num_predict", "2",
            "llm.slo", "none"));

    List<JsonNode> records = RunFiles.records(outcome.resultsDir());
    assertThat(records).isNotEmpty().allSatisfy(r -> {
      assertThat(r.path("ok").asBoolean()).as(r.toString()).isTrue();
      assertThat(r.path("outputTokens").asInt()).isBetween(1, 2);
    });
  }

  @Test
  void should_report_a_breached_slo_in_the_summary() throws Exception {
    GatlingRun.Outcome outcome = GatlingRun.run("MultiTaskSimulation",
        Map.of("llm.duration", "3s", "llm.mix", "chat", "llm.slo", "ttft.p95<1ms"));

    JsonNode summary = JSON.readTree(outcome.resultsDir().resolve("summary.json").toFile());
    assertThat(summary.path("passed").asBoolean()).isFalse();
    assertThat(summary.path("slo").get(0).path("expr").asText()).isEqualTo("ttft.p95<1ms");
    assertThat(summary.path("slo").get(0).path("passed").asBoolean()).isFalse();
  }
}
