package io.llmgatling.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgatling.simulator.LlmSimulator;
import io.llmgatling.simulator.ModelSpec;
import io.llmgatling.simulator.SimulatorConfig;
import io.llmgatling.support.ChildJvm;
import io.llmgatling.support.GatlingRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smoke requests ({@code llm.smoke}) against a server whose model has too small a context for the long documents,
 * and quick mode ({@code llm.target=auto}) finding the simulator through a port list of one.
 */
class SmokeAndAutoIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path work;

  @Test
  void should_stop_before_the_load_with_one_line_when_the_server_refuses_a_smoke_request() throws Exception {
    try (LlmSimulator server = LlmSimulator.start(SimulatorConfig.forProfile("llamacpp").toBuilder().port(0)
        .models(List.of(ModelSpec.llm("tiny", "llama", "1B", 1_000_000_000L, 200, 512, 0))).build())) {
      Path results = work.resolve("results");
      Map<String, String> props = new HashMap<>();
      props.put("llm.target", "llamacpp");
      props.put("llm.baseUrl", server.baseUrl().toString());
      props.put("llm.model", "tiny");
      props.put("llm.mix", "chat:1,long-context:1");
      props.put("llm.results", results.toString());
      ChildJvm child = ChildJvm.start("MultiTaskSimulation", work, props);
      int exit = child.waitFor(90);
      String console = child.console();

      assertThat(exit).as(console).isEqualTo(1);
      List<String> ours = console.lines().filter(l -> l.startsWith("llm-gatling:")).toList();
      assertThat(ours).as(console).hasSize(1);
      assertThat(ours.get(0)).startsWith("llm-gatling: smoke request refused: task long-context, model tiny: http_")
          .contains("context", "--ctx-size", "llm.smoke=false");
      assertThat(console).doesNotContain("Exception").doesNotContain("Simulation MultiTaskSimulation started");
      Path run;
      try (Stream<Path> runs = Files.list(results)) {
        run = runs.findFirst().orElseThrow();
      }
      JsonNode summary = JSON.readTree(run.resolve("summary.json").toFile());
      assertThat(summary.path("smoke").path("task").asText()).isEqualTo("long-context");
      assertThat(summary.path("smoke").path("message").asText()).contains("context");
      assertThat(summary.path("all").path("requests").asInt()).as("smoke requests are not measured").isZero();
      assertThat(summary.path("passed").asBoolean(true)).isFalse();
    }
  }

  @Test
  void should_find_the_server_on_the_listed_port_pick_its_models_and_search_its_capacity() throws Exception {
    try (LlmSimulator server = LlmSimulator.start(SimulatorConfig.forProfile("ollama").toBuilder().port(0).slots(2)
        .preloadModels(true).outputTokens(16).build())) {
      Map<String, String> props = new HashMap<>();
      props.put("llm.target", "auto");
      props.put("llm.auto.ports", "ollama:" + server.baseUrl().getPort());
      props.put("llm.mix", "chat");
      props.put("llm.rate", "2");
      props.put("llm.capacity.maxRate", "8");
      props.put("llm.capacity.window", "2s");
      props.put("llm.capacity.maxWindow", "4s");
      props.put("llm.capacity.minRequests", "5");
      props.put("llm.duration", "40s");
      props.put("llm.slo", "ttft.p95<2s");

      GatlingRun.Outcome outcome = GatlingRun.run("MultiTaskSimulation", props);

      JsonNode summary = JSON.readTree(outcome.resultsDir().resolve("summary.json").toFile());
      assertThat(summary.path("target").path("baseUrl").asText()).isEqualTo(server.baseUrl().toString());
      assertThat(summary.path("target").path("models").toString()).contains("llama3.2:3b");
      assertThat(summary.path("capacity").path("verdict").asText()).isNotBlank();
      JsonNode run = JSON.readTree(outcome.resultsDir().resolve("run.json").toFile());
      assertThat(run.path("profile").asText()).isEqualTo("capacity");
    }
  }
}
