package io.llmgatling.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgatling.report.LlmReport;
import io.llmgatling.report.RunMeta;
import io.llmgatling.workload.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessMonitorTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void should_sample_cpu_and_memory_of_this_jvm_into_resources_jsonl(@TempDir Path runDir) throws Exception {
    long pid = ProcessHandle.current().pid();
    long start = System.currentTimeMillis();
    try (ProcessMonitor monitor = ProcessMonitor.start(pid, runDir, Duration.ofMillis(150))) {
      burnCpu(Duration.ofMillis(900)); // one core busy: the samples should show most of a core
      assertThat(monitor.samples()).isGreaterThanOrEqualTo(3);
    }

    List<String> lines = Files.readAllLines(runDir.resolve(ProcessMonitor.FILE_NAME));
    assertThat(lines).hasSizeGreaterThanOrEqualTo(3);
    double maxCpu = 0;
    for (String line : lines) {
      JsonNode sample = JSON.readTree(line);
      assertThat(sample.path("t").asLong()).isGreaterThanOrEqualTo(start);
      assertThat(sample.path("rssMb").asDouble()).isBetween(10.0, 64_000.0); // a JVM holds tens of MiB at least
      assertThat(sample.path("cpuPercent").asDouble()).isBetween(0.0, 100.0 * Runtime.getRuntime().availableProcessors() + 50);
      maxCpu = Math.max(maxCpu, sample.path("cpuPercent").asDouble());
    }
    assertThat(maxCpu).as("a busy loop keeps about one core busy").isGreaterThan(40.0);

    // the report reads the file into summary.json -> resources
    long end = System.currentTimeMillis();
    LlmReport.generate(runDir, new RunMeta("r", "Test", start, end, "1/1", "ollama", "http://127.0.0.1:1",
        List.of("m"), List.of(), "constant", List.of(), false, null, null), List.of());
    JsonNode resources = JSON.readTree(runDir.resolve("summary.json").toFile()).path("resources");
    assertThat(resources.path("samples").asLong()).isEqualTo(lines.size());
    assertThat(resources.path("cpuPercent").path("max").asDouble()).isGreaterThan(40.0);
    assertThat(resources.path("rssMb").path("p50").asDouble()).isGreaterThan(10.0);
  }

  @Test
  void should_refuse_a_pid_that_does_not_exist_with_one_line_naming_the_key() {
    assertThatThrownBy(() -> ProcessMonitor.requireSampleable(999_999_999L))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("llm.monitor.pid")
        .hasMessageContaining("no process 999999999")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
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
