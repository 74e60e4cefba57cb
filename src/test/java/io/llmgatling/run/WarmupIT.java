package io.llmgatling.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.support.GatlingRun;
import io.llmgatling.support.RunFiles;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code llm.warmup} end to end: the main job against the embedded simulator (3 s cold model load), with a warm-up
 * that is recorded but counted in no figure.
 */
class WarmupIT {

  @Test
  void should_record_the_warm_up_apart_and_keep_the_cold_load_out_of_the_measured_figures() {
    GatlingRun.Outcome outcome = GatlingRun.run("MultiTaskSimulation",
        Map.of("llm.warmup", "5s", "llm.duration", "4s", "llm.rate", "3"));

    assertThat(outcome.exitCode()).isZero();
    List<JsonNode> records = RunFiles.records(outcome.resultsDir());
    List<JsonNode> warmup = records.stream().filter(r -> r.path("warmup").asBoolean(false)).toList();
    List<JsonNode> measured = records.stream().filter(r -> !r.has("warmup")).toList();
    JsonNode summary = RunFiles.summary(outcome.resultsDir());

    // 5 s at 3/s in the mix, at least one per task
    assertThat(warmup).hasSizeGreaterThanOrEqualTo(15);
    assertThat(warmup).extracting(r -> r.path("task").asText()).contains("chat", "completion", "long-context",
        "embeddings");
    assertThat(summary.path("all").path("requests").asLong()).isEqualTo(measured.size());
    assertThat(summary.path("warmup").path("requests").asLong()).isEqualTo(warmup.size());
    assertThat(summary.path("warmup").path("ko").asLong()).isZero();
    // the measured load goes to the same target as the warm-up (it once went to Gatling's default protocol instead)
    assertThat(summary.path("all").path("ko").asLong()).isZero();
    assertThat(measured).isNotEmpty().allSatisfy(r -> assertThat(r.path("ok").asBoolean()).as("%s", r).isTrue());
    // the simulator loads each model for 3 s (± 10 % jitter) on its first request: the warm-up met it
    assertThat(summary.path("warmup").path("coldLoadMs").asDouble()).isBetween(2500.0, 3500.0);
    // the measured run starts after the warm-up: none of its requests waited for a model load
    long measuredStart = Instant.parse(summary.path("run").path("start").asText()).toEpochMilli();
    assertThat(warmup).allSatisfy(r -> assertThat(r.path("intendedAtMs").asLong()).isLessThan(measuredStart));
    assertThat(measured).allSatisfy(r -> {
      assertThat(r.path("intendedAtMs").asLong()).isGreaterThanOrEqualTo(measuredStart - 50);
      assertThat(r.path("loadMs").asDouble(0)).as("load time of %s", r).isLessThan(1.0);
    });
    assertThat(summary.path("all").path("ttftMs").path("p95").asDouble()).isLessThan(2000.0);
  }

  @Test
  void should_start_a_capacity_search_after_the_warm_up() {
    GatlingRun.Outcome outcome = GatlingRun.run("MultiTaskSimulation", Map.of("llm.warmup", "4",
        "llm.mix", "completion", "llm.profile", "capacity", "llm.rate", "2", "llm.capacity.maxRate", "4",
        "llm.capacity.window", "2s", "llm.capacity.minRequests", "5", "llm.duration", "60s",
        "llm.slo", "ttft.p95<2s"));

    assertThat(outcome.exitCode()).isZero();
    JsonNode summary = RunFiles.summary(outcome.resultsDir());
    List<JsonNode> records = RunFiles.records(outcome.resultsDir());
    long lastWarmup = records.stream().filter(r -> r.path("warmup").asBoolean(false))
        .mapToLong(r -> r.path("intendedAtMs").asLong()).max().orElseThrow();
    JsonNode steps = summary.path("capacity").path("steps");
    assertThat(summary.path("warmup").path("requests").asLong()).isGreaterThanOrEqualTo(4);
    assertThat(summary.path("warmup").path("coldLoadMs").asDouble()).isGreaterThan(2500.0);
    assertThat(steps.size()).isPositive();
    // the search's first window opens after the warm-up, so the cold load cannot fail a step
    assertThat(Instant.parse(steps.get(0).path("start").asText()).toEpochMilli()).isGreaterThan(lastWarmup);
    assertThat(summary.path("capacity").path("maxRatePerSec").isNumber()).as(summary.toPrettyString()).isTrue();
  }
}
