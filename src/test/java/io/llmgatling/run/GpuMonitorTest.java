package io.llmgatling.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class GpuMonitorTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static String recording(String name) throws IOException {
    try (InputStream in = GpuMonitorTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void should_parse_one_line_per_gpu_of_a_two_gpu_recording() throws Exception {
    assertThat(GpuMonitor.parse(recording("nvidia-smi-2gpu.csv"))).containsExactly(
        new GpuMonitor.Gpu(0, 97.0, 20781.0, 24564.0, 287.41),
        new GpuMonitor.Gpu(1, 88.0, 19433.0, 24564.0, 263.09));
  }

  @Test
  void should_leave_a_figure_out_where_nvidia_smi_says_not_available() throws Exception {
    assertThat(GpuMonitor.parse(recording("nvidia-smi-laptop.csv")))
        .containsExactly(new GpuMonitor.Gpu(0, 41.0, 5120.0, 8188.0, null));
  }

  @Test
  void should_skip_lines_that_are_not_gpu_figures() {
    assertThat(GpuMonitor.parse("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n"))
        .isEmpty();
  }

  @Test
  @DisabledOnOs(OS.WINDOWS)
  void should_find_nvidia_smi_on_the_path_only_when_executable(@TempDir Path dir) throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    assertThat(GpuMonitor.findOnPath("/nonexistent:" + bin)).isEmpty();
    Path smi = stub(bin, "nvidia-smi-2gpu.csv");
    assertThat(GpuMonitor.findOnPath("/nonexistent:" + bin)).hasValue(smi);
  }

  @Test
  @DisabledOnOs(OS.WINDOWS)
  void should_sample_a_stub_nvidia_smi_into_resources_jsonl_summing_memory_and_power(@TempDir Path dir)
      throws Exception {
    Path smi = stub(Files.createDirectories(dir.resolve("bin")), "nvidia-smi-2gpu.csv");
    try (ResourceLog log = ResourceLog.open(dir);
         GpuMonitor monitor = GpuMonitor.start(smi, log, Duration.ofMillis(50))) {
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (monitor.samples() < 2 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
    }
    List<String> lines = Files.readAllLines(dir.resolve(ResourceLog.FILE_NAME));
    JsonNode first = JSON.readTree(lines.get(0));
    assertThat(first.path("source").asText()).isEqualTo("gpu");
    assertThat(first.path("gpus").asInt()).isEqualTo(2);
    assertThat(first.path("utilPercent").asDouble()).isEqualTo(92.5);
    assertThat(first.path("memoryMb").asDouble()).isEqualTo(40214.0);
    assertThat(first.path("powerW").asDouble()).isEqualTo(550.5);
  }

  /** A script printing a recorded nvidia-smi answer, as nvidia-smi would with {@link GpuMonitor#QUERY}. */
  private static Path stub(Path bin, String recording) throws IOException {
    Path csv = bin.resolve(recording);
    Files.writeString(csv, recording(recording));
    Path smi = bin.resolve("nvidia-smi");
    Files.writeString(smi, "#!/bin/sh\ncat '" + csv + "'\n");
    Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
    return smi;
  }
}
