package io.llmgatling.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgatling.simulator.LlmSimulator;
import io.llmgatling.simulator.SimulatorConfig;
import io.llmgatling.support.ChildJvm;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A configuration mistake, as a user makes it on the command line: Gatling's launcher in a JVM of its own ends
 * before any load with one line saying what is wrong, a non-zero exit code, no stack trace and no results
 * folder. The full list of mistakes is checked cheaply in {@code BadInputTest}; these are the representative
 * ones, one per place that can refuse (property parsing, prompt files, the server, its models).
 */
class BadInputIT {

  @TempDir
  Path work;

  @Test
  void should_refuse_an_unknown_target_in_one_line() {
    assertRefused(Map.of("llm.target", "vllm"),
        "llm-gatling: llm.target: 'vllm' is not one of sim, ollama, lmstudio, llamacpp, openai, auto");
  }

  @Test
  void should_refuse_a_missing_prompt_file_in_one_line() {
    assertRefused(Map.of("llm.prompts.chat", "no-such-prompts.jsonl"),
        "llm-gatling: llm.prompts.chat: no file 'no-such-prompts.jsonl'");
  }

  @Test
  void should_refuse_an_empty_prompt_file_in_one_line() throws IOException {
    Path empty = Files.writeString(work.resolve("empty.jsonl"), "");
    assertRefused(Map.of("llm.prompts.chat", empty.toString()),
        "llm-gatling: llm.prompts.chat: prompt set " + empty + ": no prompts in it");
  }

  @Test
  void should_refuse_a_dead_server_in_one_line() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String url = "http://127.0.0.1:" + closedPort;
    assertRefused(Map.of("llm.target", "ollama", "llm.baseUrl", url),
        "llm-gatling: cannot connect to " + url + ": connection refused");
  }

  @Test
  void should_refuse_a_model_the_server_does_not_have_in_one_line() {
    try (LlmSimulator sim = LlmSimulator.start(SimulatorConfig.forProfile("ollama").toBuilder().port(0).build())) {
      assertRefused(Map.of("llm.target", "ollama", "llm.baseUrl", sim.baseUrl().toString(),
          "llm.model", "mistral:7b"), "llm-gatling: model mistral:7b not found on " + sim.baseUrl());
    }
  }

  private void assertRefused(Map<String, String> properties, String expectedStart) {
    Path results = work.resolve("results");
    Map<String, String> all = new HashMap<>(properties);
    all.put("llm.results", results.toString());
    ChildJvm child = ChildJvm.start("MultiTaskSimulation", work, all);
    int exit = child.waitFor(60);
    String console = child.console();

    assertThat(exit).as(console).isNotZero();
    List<String> ours = console.lines().filter(l -> l.startsWith("llm-gatling:")).toList();
    assertThat(ours).as(console).hasSize(1);
    assertThat(ours.get(0)).startsWith(expectedStart);
    assertThat(console).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(console).as("no load was started").doesNotContain("Simulation MultiTaskSimulation started");
    assertThat(results).doesNotExist();
  }
}
