package io.llmgatling.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code llm.compare} and the {@code compare} / {@code merge} commands make of the runs' resource samples. */
class CompareResourcesTest {
  private static final long START = 1_700_000_000_000L;

  @TempDir
  Path tmp;

  @Test
  void should_put_costs_side_by_side_and_warn_when_the_machine_load_differs() throws IOException {
    Path quiet = sampledRun("quiet", 100, 0.5);
    Path busy = sampledRun("busy", 300, 6.0);

    List<String> warnings = CompareReport.generate(List.of(quiet, busy), tmp.resolve("cmp"));

    assertThat(warnings).anyMatch(w -> w.startsWith("quiet vs busy: machine load differs (load average p50 0.50 / 6.00)"));
    String page = Files.readString(tmp.resolve("cmp/index.html"));
    assertThat(page).contains("{\"label\":\"server CPU p50\",\"better\":\"lower\",\"unit\":\"%\",\"values\":[100.0,300.0],"
        + "\"deltasPct\":[0.0,200.0],\"best\":0}");
    assertThat(page).contains("{\"label\":\"chat · TTFT p50\",\"better\":\"lower\",\"unit\":\"ms\",\"values\":[100.0,100.0]");
  }

  @Test
  void should_not_warn_about_settings_that_name_the_target() throws IOException {
    Path a = CompareMergeBaselineTest.run(tmp.resolve("a"), "a", START, 10, 100,
        Map.of("llm.target", "ollama", "llm.baseUrl", "http://127.0.0.1:11434", "llm.rate", 2));
    Path b = CompareMergeBaselineTest.run(tmp.resolve("b"), "b", START, 10, 100,
        Map.of("llm.target", "lmstudio", "llm.baseUrl", "http://127.0.0.1:1234", "llm.rate", 2));

    assertThat(CompareReport.generate(List.of(a, b), tmp.resolve("cmp"))).isEmpty();
  }

  @Test
  void should_keep_one_shards_resource_samples_in_a_merged_run() throws IOException {
    Path s1 = sampledRun("s1", 100, 1);
    Path s2 = sampledRun("s2", 200, 1);

    RunMerger.Result result = RunMerger.merge(List.of(s1, s2), tmp.resolve("merged"));

    assertThat(result.summary().resources().quantities().get("cpuPercent").p50()).isEqualTo(100.0);
    assertThat(result.warnings()).anyMatch(w -> w.contains("the samples of s1 stand for the merged run"));
  }

  private Path sampledRun(String id, double cpuPercent, double loadAverage) throws IOException {
    Path dir = CompareMergeBaselineTest.run(tmp.resolve(id), id, START, 20, 100, Map.of("rate", 2));
    StringBuilder samples = new StringBuilder();
    for (int s = 1; s <= 5; s++) {
      samples.append("{\"t\":").append(START + s * 1000L).append(",\"source\":\"process\",\"cpuPercent\":")
          .append(cpuPercent).append(",\"rssMb\":900,\"loadAvg1\":").append(loadAverage).append("}\n");
    }
    Files.writeString(dir.resolve("resources.jsonl"), samples);
    LlmReport.generate(dir, RunMeta.read(dir), List.of());
    return dir;
  }
}
