package io.llmgatling.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgatling.report.LlmReport;
import io.llmgatling.report.RunMeta;
import io.llmgatling.report.Summary;
import io.llmgatling.support.ChildJvm;
import io.llmgatling.support.RunFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's promise "an SLO breach fails {@code mvn gatling:test} (\"Gatling simulation assertions failed\"),
 * after the results are written", and {@code merge}'s "exit code 1 when the merged run breaks an SLO", each in a
 * JVM of its own started the way the user's command starts it.
 */
class SloExitCodeIT {
  /** What gatling-maven-plugin 4.x turns into "Gatling simulation assertions failed" (GatlingMojo: exit value 2). */
  private static final int PLUGIN_ASSERTIONS_FAILED = 2;

  @TempDir
  Path work;

  @Test
  void should_exit_with_the_plugins_assertions_failed_code_after_writing_the_results_when_an_slo_breaks()
      throws IOException {
    Path results = work.resolve("results");
    // no answer of the simulator comes back within 1 ms: the SLO must break
    ChildJvm child = ChildJvm.startLikeMavenPlugin("MultiTaskSimulation", work, Map.of("llm.mix", "chat",
        "llm.duration", "2s", "llm.rate", "3", "llm.slo", "e2e.p95<1ms", "llm.results", results.toString()));

    assertThat(child.waitFor(90)).as(child.console()).isEqualTo(PLUGIN_ASSERTIONS_FAILED);
    Path run = onlyRun(results);
    assertThat(RunFiles.summary(run).path("passed").asBoolean(true)).isFalse();
    assertThat(RunFiles.summary(run).path("slo").get(0).path("expr").asText()).isEqualTo("e2e.p95<1ms");
    assertThat(RunFiles.summary(run).path("all").path("ok").asLong()).isPositive();
    assertThat(RunFiles.records(run)).isNotEmpty();
    assertThat(run.resolve("index.html")).isRegularFile();
    assertThat(run.resolve("run.json")).isRegularFile();
    assertThat(run.resolve("gatling").resolve("index.html")).as("Gatling's report copy").isRegularFile();
  }

  @Test
  void should_exit_0_from_the_same_launch_when_every_slo_holds() throws IOException {
    Path results = work.resolve("results");
    ChildJvm child = ChildJvm.startLikeMavenPlugin("MultiTaskSimulation", work, Map.of("llm.mix", "chat",
        "llm.duration", "2s", "llm.rate", "3", "llm.slo", "e2e.p95<60s", "llm.results", results.toString()));

    assertThat(child.waitFor(90)).as(child.console()).isZero();
    assertThat(RunFiles.summary(onlyRun(results)).path("passed").asBoolean(false)).isTrue();
  }

  @Test
  void should_exit_1_from_merge_when_the_merged_run_breaks_an_slo_and_still_write_it() throws IOException {
    // each shard is 100 ms to the first token against an SLO of 50 ms
    Path shard1 = shard("shard-1", 0);
    Path shard2 = shard("shard-2", 1_000);
    Path merged = work.resolve("merged");

    ChildJvm child = ChildJvm.startMain("io.llmgatling.cli.LlmGatlingCli", work.resolve("cli"),
        List.of("merge", shard1.toString(), shard2.toString(), "--out", merged.toString()));

    assertThat(child.waitFor(60)).as(child.console()).isEqualTo(1);
    assertThat(child.console()).contains("SLOs FAILED");
    Summary summary = Summary.read(merged);
    assertThat(summary.passed()).isFalse();
    assertThat(summary.all().requests()).isEqualTo(40);
    assertThat(merged.resolve("index.html")).isRegularFile();
    assertThat(merged.resolve("requests.jsonl")).isRegularFile();
  }

  private Path shard(String id, long offsetMs) throws IOException {
    long start = 1_700_000_000_000L + offsetMs;
    Path dir = work.resolve(id);
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      lines.append(String.format(Locale.ROOT, "{\"id\":%d,\"task\":\"chat\",\"model\":\"m1\",\"intendedAtMs\":%d,"
          + "\"ttftMs\":100.0,\"e2eMs\":200.0,\"outputTokens\":10,\"ok\":true}%n", i, start + i * 100L));
    }
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("requests.jsonl"), lines);
    RunMeta meta = new RunMeta(id, "Sim", start, start + 2_000, id.endsWith("1") ? "1/2" : "2/2", "ollama",
        "http://127.0.0.1:11434", List.of("m1"), List.of("ttft.p95<50ms"), "constant", List.of(), false, null,
        Map.of());
    meta.write(dir);
    LlmReport.generate(dir, meta, List.of());
    return dir;
  }

  private static Path onlyRun(Path results) throws IOException {
    try (Stream<Path> runs = Files.list(results)) {
      List<Path> all = runs.toList();
      assertThat(all).hasSize(1);
      return all.get(0);
    }
  }
}
