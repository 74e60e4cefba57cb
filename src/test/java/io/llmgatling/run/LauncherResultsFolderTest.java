package io.llmgatling.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LauncherResultsFolderTest {

  @Test
  void should_find_gatlings_results_folder_on_the_launchers_command_line() {
    assertThat(LlmRun.launcherResultsFolder("io.gatling.app.Gatling -s MultiTaskSimulation -rf /tmp/g -l test"))
        .isEqualTo(Path.of("/tmp/g"));
    assertThat(LlmRun.launcherResultsFolder("io.gatling.app.Gatling --results-folder out/g"))
        .isEqualTo(Path.of("out/g"));
  }

  @Test
  void should_default_to_the_maven_plugins_folder() {
    assertThat(LlmRun.launcherResultsFolder("gatlingbooter.jar")).isEqualTo(Path.of("target/gatling"));
    assertThat(LlmRun.launcherResultsFolder("")).isEqualTo(Path.of("target/gatling"));
  }
}
