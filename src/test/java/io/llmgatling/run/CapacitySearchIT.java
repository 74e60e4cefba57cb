package io.llmgatling.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgatling.support.GatlingRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code llm.profile=capacity} end to end: stairs against a simulator with one slot, stopped at the knee while the
 * run goes, with the capacity in summary.json; plus {@code llm.monitor.pid} in a real run.
 */
class CapacitySearchIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void should_stop_at_the_first_step_that_breaks_the_ttft_limit_and_report_the_knee() throws Exception {
    // one slot, 40-token answers at 140 tok/s: about 0.3 s per request, so the server sustains about 3 req/s
    Path simConfig = Files.createTempFile("one-slot", ".json");
    Files.writeString(simConfig, "{\"slots\": 1, \"jitter\": 0.05, \"loadTimeMs\": 0, \"preloadModels\": true}");
    GatlingRun.Outcome outcome = GatlingRun.run("MultiTaskSimulation", Map.ofEntries(
        Map.entry("llm.sim.config", simConfig.toAbsolutePath().toString()),
        Map.entry("llm.mix", "completion"),
        Map.entry("llm.model", "llama3.2:3b"),
        Map.entry("llm.maxTokens", "40"),
        Map.entry("llm.profile", "capacity"),
        Map.entry("llm.rate", "1"),
        Map.entry("llm.stairs.step", "1"),
        Map.entry("llm.stairs.steps", "8"),
        Map.entry("llm.stairs.stepDuration", "3s"),
        Map.entry("llm.slo", "ttft.p95<800ms, errorRate<5%"),
        Map.entry("llm.monitor.pid", Long.toString(ProcessHandle.current().pid()))));

    assertThat(outcome.exitCode()).isZero(); // stopLoadGenerator ends the run normally
    JsonNode summary = JSON.readTree(outcome.resultsDir().resolve("summary.json").toFile());
    JsonNode capacity = summary.path("capacity");
    assertThat(capacity.path("maxRatePerSec").asDouble()).as(capacity.toPrettyString()).isBetween(1.5, 4.5);
    assertThat(capacity.path("limitedBy").asText()).isEqualTo("ttft.p95<800ms");
    assertThat(capacity.path("predictedMaxRatePerSec").asDouble())
        .isGreaterThanOrEqualTo(capacity.path("maxRatePerSec").asDouble() - 0.01);
    JsonNode steps = capacity.path("steps");
    // stopped early: the steps after the failing one were never played
    assertThat(steps.size()).isBetween(2, 6);
    assertThat(steps.get(steps.size() - 1).path("passed").asBoolean()).isFalse();
    for (int i = 0; i < steps.size() - 1; i++) {
      assertThat(steps.get(i).path("passed").asBoolean()).as("step %d", i + 1).isTrue();
      assertThat(steps.get(i).path("ttftP95Ms").isNumber()).isTrue();
    }
    assertThat(summary.path("passed").asBoolean()).as("a search that found a sustained rate succeeded").isTrue();
    assertThat(summary.path("run").path("durationSec").asDouble()).isLessThan(8 * 3);

    // llm.monitor.pid: this JVM sampled once a second during the run
    JsonNode resources = summary.path("resources");
    assertThat(resources.path("samples").asLong()).isGreaterThanOrEqualTo(3);
    assertThat(resources.path("rssMb").path("max").asDouble()).isPositive();
    assertThat(resources.has("cpuPercent")).isTrue();
  }
}
