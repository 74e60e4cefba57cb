package io.llmgatling.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgatling.engine.record.RequestRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareMergeBaselineTest {
  private static final long START = 1_700_000_000_000L;

  @TempDir
  Path tmp;

  /** A 10 s run of {@code count} chat requests with the given TTFT, starting at {@code start}. */
  static Path run(Path dir, String id, long start, int count, double ttft, Map<String, Object> workload)
      throws IOException {
    List<RequestRecord> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      records.add(SyntheticRuns.ok(i, "chat", "m1", start + i * 10_000L / count, ttft, ttft * 2, 10, null));
    }
    SyntheticRuns.write(dir, records);
    RunMeta meta = new RunMeta(id, "Sim", start, start + 10_000, "1/2", "ollama", "http://127.0.0.1:11434",
        List.of("m1"), List.of(), "constant", List.of(), false, null, workload);
    meta.write(dir);
    LlmReport.generate(dir, meta, List.of());
    return dir;
  }

  @Test
  void should_compare_runs_with_deltas_better_side_and_workload_warnings() throws IOException {
    Path fast = run(tmp.resolve("fast"), "fast", START, 100, 100, Map.of("rate", 10));
    Path slow = run(tmp.resolve("slow"), "slow", START, 50, 200, Map.of("rate", 5));
    List<String> warnings = CompareReport.generate(List.of(fast, slow), tmp.resolve("cmp"));

    assertThat(warnings).anyMatch(w -> w.contains("workload setting 'rate' differs (10 / 5)"));
    String page = Files.readString(tmp.resolve("cmp/index.html"));
    assertThat(page).contains("\"kind\":\"compare\"");
    // TTFT p50: fast 100 vs slow 200 -> +100 %, the better side is the first run (index 0)
    assertThat(page).contains("{\"label\":\"TTFT p50\",\"better\":\"lower\",\"unit\":\"ms\",\"values\":[100.0,200.0],"
        + "\"deltasPct\":[0.0,100.0],\"best\":0}");
    assertThat(page).contains("{\"label\":\"requests/s\",\"better\":\"higher\",\"unit\":\"/s\",\"values\":[10.0,5.0],"
        + "\"deltasPct\":[0.0,-50.0],\"best\":0}");
  }

  @Test
  void should_refuse_a_folder_without_summary() throws IOException {
    Path fast = run(tmp.resolve("fast"), "fast", START, 10, 100, Map.of());
    Files.createDirectories(tmp.resolve("empty"));
    assertThatThrownBy(() -> CompareReport.generate(List.of(fast, tmp.resolve("empty")), tmp.resolve("cmp")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no summary.json");
  }

  @Test
  void should_merge_shards_into_one_run() throws IOException {
    Path shard1 = run(tmp.resolve("s1"), "s1", START, 100, 100, Map.of("rate", 10));
    Path shard2 = run(tmp.resolve("s2"), "s2", START + 5_000, 100, 300, Map.of("rate", 10));
    // an interrupted shard: its last line is cut off
    Files.writeString(shard1.resolve("requests.jsonl"), "{\"id\":7,\"ta", java.nio.file.StandardOpenOption.APPEND);
    RunMerger.Result result = RunMerger.merge(List.of(shard1, shard2), tmp.resolve("merged"));

    Summary summary = result.summary();
    assertThat(summary.all().requests()).isEqualTo(200);
    assertThat(summary.run().shard()).isEqualTo("merged 2");
    assertThat(summary.run().durationSec()).isEqualTo(15.0);
    assertThat(summary.all().requestsPerSec()).isEqualTo(13.333);
    assertThat(summary.all().ttftMs().p50()).isCloseTo(100.0, org.assertj.core.api.Assertions.within(0.1));
    RunMeta meta = RunMeta.read(tmp.resolve("merged"));
    assertThat(meta.startEpochMs()).isEqualTo(START);
    assertThat(meta.endEpochMs()).isEqualTo(START + 15_000);
    assertThat(tmp.resolve("merged/index.html")).exists();
    assertThat(Files.readAllLines(tmp.resolve("merged/requests.jsonl"))).hasSize(201);
  }

  @Test
  void should_flag_regressions_beyond_tolerance_only() throws IOException {
    Summary base = Summary.read(run(tmp.resolve("base"), "base", START, 100, 100, Map.of()));
    Summary same = Summary.read(run(tmp.resolve("same"), "same", START, 100, 105, Map.of()));
    Summary worse = Summary.read(run(tmp.resolve("worse"), "worse", START, 80, 150, Map.of()));

    BaselineGate.Result ok = BaselineGate.check(base, same, 0.10, BaselineGate.DEFAULT_METRICS, 0.1);
    assertThat(ok.regressed()).isFalse();
    BaselineGate.Result bad = BaselineGate.check(base, worse, 0.10, BaselineGate.DEFAULT_METRICS, 0.1);
    assertThat(bad.regressed()).isTrue();
    assertThat(bad.checks()).filteredOn(BaselineGate.Check::regression).extracting(BaselineGate.Check::metric)
        .containsExactly("ttft.p95", "itl.p95", "e2e.p95", "requestsPerSec", "outputTokensPerSec");
    assertThat(BaselineGate.table(bad)).contains("REGRESSION", "FAILED");
    // a faster run is no regression
    assertThat(BaselineGate.check(worse, base, 0.10, BaselineGate.DEFAULT_METRICS, 0.1).regressed()).isFalse();
    assertThatThrownBy(() -> BaselineGate.check(base, same, 0.1, List.of("ttft.p42"), 0.1))
        .hasMessageContaining("unknown metric 'ttft.p42'");
  }

  /** A 20 s stairs shard: two steps of {@code rate} and 2 x {@code rate} req/s, chat requests with that TTFT. */
  private Path stairsShard(String id, double rate, double ttft, List<String> slos) throws IOException {
    Path dir = tmp.resolve(id);
    List<RequestRecord> records = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      records.add(SyntheticRuns.ok(i, "chat", "m1", START + i * 20_000L / 60, ttft, ttft * 2, 10, null));
    }
    SyntheticRuns.write(dir, records);
    List<LoadStep> steps = List.of(new LoadStep(START, START + 10_000, rate, 0),
        new LoadStep(START + 10_000, START + 20_000, 2 * rate, 0));
    new RunMeta(id, "Sim", START, START + 20_000, id.endsWith("1") ? "1/2" : "2/2", "ollama",
        "http://127.0.0.1:11434", List.of("m1"), slos, "stairs", steps, false, null, Map.of("rate", rate)).write(dir);
    return dir;
  }

  @Test
  void should_merge_shards_adding_their_steps_and_judging_every_shards_slos_on_all_requests() throws IOException {
    Path shard1 = stairsShard("s1", 2, 100, List.of("e2e.p95<300ms"));
    Path shard2 = stairsShard("s2", 2, 400, List.of("e2e.p95<300ms", "errorRate<1%"));

    RunMerger.Result result = RunMerger.merge(List.of(shard1, shard2), tmp.resolve("merged"));

    RunMeta merged = RunMeta.read(tmp.resolve("merged"));
    assertThat(merged.steps()).containsExactly(new LoadStep(START, START + 10_000, 4, 0),
        new LoadStep(START + 10_000, START + 20_000, 8, 0));
    assertThat(merged.slo()).containsExactly("e2e.p95<300ms", "errorRate<1%");
    // shard 1 alone passes e2e.p95<300ms (200 ms); over both shards' requests the p95 is shard 2's 800 ms
    assertThat(result.summary().slo()).extracting(Summary.SloResult::expr, Summary.SloResult::passed)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("e2e.p95<300ms", false),
            org.assertj.core.groups.Tuple.tuple("errorRate<1%", true));
    assertThat(result.summary().passed()).isFalse();
    assertThat(result.warnings()).isEmpty();
  }

  @Test
  void should_merge_shards_with_different_steps_without_steps() throws IOException {
    Path shard1 = stairsShard("s1", 2, 100, List.of());
    Path shard2 = run(tmp.resolve("s2"), "s2", START, 50, 100, Map.of("rate", 2.0));

    RunMerger.Result result = RunMerger.merge(List.of(shard1, shard2), tmp.resolve("merged"));

    assertThat(RunMeta.read(tmp.resolve("merged")).steps()).isEmpty();
    assertThat(result.summary().all().requests()).isEqualTo(110);
  }

  @Test
  void should_gate_a_rising_error_rate_and_leave_missing_figures_uncompared() throws IOException {
    Summary base = Summary.read(run(tmp.resolve("base"), "base", START, 100, 100, Map.of()));
    Path failingDir = tmp.resolve("failing");
    List<RequestRecord> records = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      // the same latency, but one request in five refused; and no first token at all (embeddings only)
      records.add(i % 5 == 0 ? SyntheticRuns.ko(i, "embeddings", "m1", START + i * 100L, "http_503", "busy")
          : SyntheticRuns.ok(i, "embeddings", "m1", START + i * 100L, null, 200, null, null));
    }
    SyntheticRuns.write(failingDir, records);
    RunMeta meta = new RunMeta("failing", "Sim", START, START + 10_000, "1/1", "ollama", "http://127.0.0.1:11434",
        List.of("m1"), List.of(), "constant", List.of(), false, null, Map.of());
    meta.write(failingDir);
    Summary failing = LlmReport.generate(failingDir, meta, List.of());

    BaselineGate.Result result = BaselineGate.check(base, failing, 0.10, List.of("ttft.p95", "errorRate"), 0.1);

    assertThat(result.checks()).extracting(BaselineGate.Check::metric, BaselineGate.Check::current,
            BaselineGate.Check::regression)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("ttft.p95", null, false),
            org.assertj.core.groups.Tuple.tuple("errorRate", 20.0, true));
    assertThat(result.regressed()).isTrue();
    assertThat(BaselineGate.table(result)).contains("not compared", "REGRESSION");
    // the other way round, fewer errors and a figure the baseline lacked: nothing to flag
    assertThat(BaselineGate.check(failing, base, 0.10, List.of("ttft.p95", "errorRate"), 0.1).regressed()).isFalse();
  }
}
