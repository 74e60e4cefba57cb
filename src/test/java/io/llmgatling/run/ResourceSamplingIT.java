package io.llmgatling.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgatling.engine.BaseUrl;
import io.llmgatling.report.LlmReport;
import io.llmgatling.report.RunMeta;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** A busy local "server" (this JVM, listening on a port) found with no pid given, sampled, summarised. */
class ResourceSamplingIT {

  @Test
  @EnabledOnOs(OS.LINUX)
  void should_find_a_busy_local_server_by_its_port_and_sample_it_into_the_summary(@TempDir Path runDir)
      throws Exception {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    long start = System.currentTimeMillis();
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      ResourceSampling.Plan plan = ResourceSampling.plan(true, null,
          BaseUrl.parse("http://127.0.0.1:" + server.getLocalPort()), null, false, "/nonexistent");
      try (ResourceSampling sampling = ResourceSampling.start(plan, runDir,
          new PrintStream(console, true, StandardCharsets.UTF_8))) {
        burnCpu(Duration.ofMillis(3500)); // one core busy: 3 samples at least, one a second
      }
    }
    assertThat(console.toString(StandardCharsets.UTF_8))
        .contains("sampling CPU and memory of process " + ProcessHandle.current().pid());

    LlmReport.generate(runDir, new RunMeta("r", "Test", start, System.currentTimeMillis(), "1/1", "ollama",
        "http://127.0.0.1:1", List.of("m"), List.of(), "constant", List.of(), false, null, null), List.of());
    JsonNode resources = new ObjectMapper().readTree(runDir.resolve("summary.json").toFile()).path("resources");
    assertThat(resources.path("samples").asLong()).isGreaterThanOrEqualTo(3);
    // a core kept busy; the floor is low because up to a dozen other builds share these 2 cores
    assertThat(resources.path("cpuPercent").path("max").asDouble()).isGreaterThan(20.0);
    assertThat(resources.has("gpu")).isFalse();
    assertThat(resources.has("server")).as("a bare socket answers no gauge endpoint").isFalse();
  }

  private static void burnCpu(Duration duration) {
    long end = System.nanoTime() + duration.toNanos();
    double x = 0;
    while (System.nanoTime() < end) {
      x += Math.sqrt(x + 1);
    }
    assertThat(x).isPositive();
  }
}
