package io.llmgatling.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgatling.support.ChildJvm;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run as {@code mvn gatling:test} makes it, with no monitoring flag, and a stub {@code nvidia-smi} (printing a
 * recorded two-GPU answer) first on its PATH: the server process (the embedded simulator, in the run's own JVM),
 * the GPUs with their energy per 1,000 output tokens, and the simulator's gauges all land in summary.json.
 */
class ResourcesEndToEndIT {
  @TempDir
  Path work;

  @Test
  @EnabledOnOs(OS.LINUX)
  void should_sample_process_gpu_and_server_gauges_of_a_run_with_no_monitoring_flag() throws IOException {
    Path bin = Files.createDirectories(work.resolve("bin"));
    try (InputStream in = getClass().getResourceAsStream("nvidia-smi-2gpu.csv")) {
      Files.write(bin.resolve("gpus.csv"), in.readAllBytes());
    }
    Path smi = bin.resolve("nvidia-smi");
    Files.writeString(smi, "#!/bin/sh\ncat '" + bin.resolve("gpus.csv") + "'\n");
    Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path results = work.resolve("results");

    ChildJvm child = ChildJvm.startWithPath("MultiTaskSimulation", work, Map.of("llm.duration", "4s",
        "llm.rate", "3", "llm.slo", "none", "llm.results", results.toString(), "llm.progress", "0"), bin);
    assertThat(child.waitFor(120)).as(child.console()).isZero();

    assertThat(child.console()).contains("llm-gatling: sampling CPU and memory of process",
        "GPU (nvidia-smi), server gauges every second", "resources: server CPU p50/max");
    Path run;
    try (Stream<Path> runs = Files.list(results)) {
      run = runs.findFirst().orElseThrow();
    }
    JsonNode resources = new ObjectMapper().readTree(run.resolve("summary.json").toFile()).path("resources");
    assertThat(resources.path("samples").asLong()).as(resources.toPrettyString()).isGreaterThanOrEqualTo(2);
    assertThat(resources.path("cpuPercent").path("max").asDouble()).isPositive();
    JsonNode gpu = resources.path("gpu");
    assertThat(gpu.path("gpus").asInt()).isEqualTo(2);
    assertThat(gpu.path("powerW").path("p50").asDouble()).isEqualTo(550.5);
    assertThat(gpu.path("energyWhPer1kOutputTokens").asDouble()).isPositive();
    JsonNode server = resources.path("server");
    assertThat(server.path("busySlots").path("max").asDouble()).isPositive();
    assertThat(server.path("tokensPredicted").asDouble()).isPositive();
    assertThat(server.path("vramMbByModel").size()).isPositive();
  }
}
