package io.llmgatling.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgatling.simulator.SimulatorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulatorSeedTest {
  @TempDir
  Path dir;

  @Test
  void should_seed_the_simulator_with_the_seed_its_file_names() throws Exception {
    Path file = dir.resolve("simulator-seeded.json");
    Files.writeString(file, "{\"profile\":\"llamacpp\",\"seed\":7}");

    assertThat(LlmSimulation.simulatorSeed(file, SimulatorConfig.fromFile(file, null), 42)).isEqualTo(7);
  }

  @Test
  void should_seed_the_simulator_with_the_runs_seed_when_its_file_names_none() throws Exception {
    Path file = dir.resolve("simulator-plain.json");
    Files.writeString(file, "{\"profile\":\"llamacpp\"}");

    assertThat(LlmSimulation.simulatorSeed(file, SimulatorConfig.fromFile(file, null), 5)).isEqualTo(5);
    assertThat(LlmSimulation.simulatorSeed(dir.resolve("none.json"), SimulatorConfig.forProfile("ollama"), 5))
        .isEqualTo(5);
  }
}
