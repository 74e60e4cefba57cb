package io.llmgatling.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.cli.LlmGatlingCli;
import io.llmgatling.simulator.LlmSimulator;
import io.llmgatling.simulator.SimulatorConfig;
import io.llmgatling.support.ChildJvm;
import io.llmgatling.support.GatlingRun;
import io.llmgatling.support.RunFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing secret leaks out of a run and nothing hostile runs in its report: the API key is in no file and no
 * console line, and prompt, task and model text coming back from a server is inert in the HTML report.
 */
class SecurityIT {
  private static final String KEY = "sk-SECRET-123";
  private static final String SCRIPT = "</script><script>alert(1)</script>";
  private static final String IMG = "\"><img src=x onerror=alert(1)>";

  @TempDir
  Path work;

  @Test
  void should_write_the_api_key_to_no_output_of_a_run_nor_of_its_comparison() throws IOException {
    Path results = work.resolve("results");
    ChildJvm child = ChildJvm.start("MultiTaskSimulation", work, Map.of("llm.apiKey", KEY,
        "llm.duration", "3s", "llm.rate", "3", "llm.slo", "none", "llm.results", results.toString()));
    assertThat(child.waitFor(90)).as(child.console()).isZero();
    Path run;
    try (Stream<Path> runs = Files.list(results)) {
      run = runs.findFirst().orElseThrow();
    }
    assertThat(RunFiles.summary(run).path("all").path("ok").asLong()).isPositive();
    assertThat(run.resolve("gatling").resolve("index.html")).as("Gatling's report copy").isRegularFile();
    // the comparison and merged reports read run.json and summary.json: the key must not come back through them
    assertThat(LlmGatlingCli.run("compare", run.toString(), run.toString(), "--out", work.resolve("cmp").toString()))
        .isZero();
    assertThat(LlmGatlingCli.run("merge", run.toString(), run.toString(), "--out", work.resolve("merged").toString()))
        .isZero();

    // everything the run left: console, requests.jsonl, summary.json, run.json, both reports, Gatling's files
    List<Path> files;
    try (Stream<Path> all = Files.walk(work)) {
      files = all.filter(Files::isRegularFile).toList();
    }
    assertThat(files).extracting(f -> f.getFileName().toString())
        .contains("console.txt", "requests.jsonl", "summary.json", "run.json", "index.html", "simulation.log");
    for (Path file : files) {
      String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
      assertThat(text).as(file.toString()).doesNotContain("SECRET");
    }
  }

  @Test
  void should_write_credentials_of_the_base_url_and_the_api_key_to_no_output_of_a_run() throws IOException {
    String password = "hunter2-PASSWORD";
    try (LlmSimulator sim = LlmSimulator.start(SimulatorConfig.forProfile("ollama").toBuilder().port(0)
        .loadTimeMs(0).build())) {
      String baseUrl = "http://admin:" + password + "@127.0.0.1:" + sim.port();
      Path results = work.resolve("results");
      ChildJvm child = ChildJvm.start("MultiTaskSimulation", work, Map.of("llm.target", "ollama",
          "llm.baseUrl", baseUrl, "llm.apiKey", KEY, "llm.model", "llama3.2:3b", "llm.mix", "chat",
          "llm.duration", "2s", "llm.rate", "3", "llm.slo", "none", "llm.results", results.toString()));
      assertThat(child.waitFor(90)).as(child.console()).isZero();
      Path run;
      try (Stream<Path> runs = Files.list(results)) {
        run = runs.findFirst().orElseThrow();
      }
      assertThat(RunFiles.summary(run).path("all").path("ok").asLong()).isPositive();
      // where the URL is written, it is written masked, in run.json's settings too
      assertThat(RunFiles.summary(run).path("target").path("baseUrl").asText())
          .isEqualTo("http://***@127.0.0.1:" + sim.port());
      assertThat(Files.readString(run.resolve("run.json"))).contains("http://***@127.0.0.1:" + sim.port());
      assertThat(LlmGatlingCli.run("compare", run.toString(), run.toString(), "--out", work.resolve("cmp").toString()))
          .isZero();
      assertThat(LlmGatlingCli.run("merge", run.toString(), run.toString(), "--out", work.resolve("merged").toString()))
          .isZero();

      List<Path> files;
      try (Stream<Path> all = Files.walk(work)) {
        files = all.filter(Files::isRegularFile).toList();
      }
      assertThat(files).extracting(f -> f.getFileName().toString())
          .contains("console.txt", "requests.jsonl", "summary.json", "run.json", "index.html", "simulation.log");
      for (Path file : files) {
        String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        assertThat(text).as(file.toString()).doesNotContain(password).doesNotContain("SECRET").doesNotContain("admin:");
      }
    }
  }

  @Test
  void should_keep_hostile_task_model_and_message_text_inert_in_the_report() throws IOException {
    try (LlmSimulator sim = LlmSimulator.start(SimulatorConfig.forProfile("ollama").toBuilder().port(0).build())) {
      // the unknown model comes back inside the server's 404 message too
      GatlingRun.Outcome outcome = GatlingRun.run(ProbeSimulation.class.getName(), Map.of(
          "llm.target", "ollama", "llm.baseUrl", sim.baseUrl().toString(), "llm.model", "llama3.2:3b",
          "llm.mix", "chat", "llm.slo", "none", "probe.task", SCRIPT, "probe.model", IMG));

      Path dir = outcome.resultsDir();
      JsonNode record = RunFiles.records(dir).get(0);
      assertThat(record.path("task").asText()).isEqualTo(SCRIPT);
      assertThat(record.path("message").asText()).contains(IMG);
      assertThat(RunFiles.summary(dir).path("tasks").has(SCRIPT)).isTrue();
      String html = Files.readString(dir.resolve("index.html"));
      assertThat(html).doesNotContain("<script>alert(1)").doesNotContain("<img src=x");
      // the page's own scripts are the only ones: the data blob cannot close its script element
      long scriptEnds = html.split("</script>", -1).length - 1;
      long scriptStarts = html.split("<script", -1).length - 1;
      assertThat(scriptEnds).isEqualTo(scriptStarts);
    }
  }
}
