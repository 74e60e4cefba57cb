package io.llmgatling.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.capacity.Pct;
import io.llmgatling.engine.record.RequestRecord;
import io.llmgatling.json.Json;
import io.llmgatling.workload.Slo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlmReportTest {
  private static final long START = 1_700_000_000_000L;
  private static final long END = START + 100_000; // 100 s

  @TempDir
  Path runDir;

  /** 1000 OK chat requests with TTFT 1..1000 ms, 15 failures, 100 OK embeddings on another model. */
  private List<RequestRecord> knownRun() {
    List<RequestRecord> records = new ArrayList<>();
    for (int i = 1; i <= 1000; i++) {
      records.add(SyntheticRuns.ok(i, "chat", "m1", START + i * 50L, (double) i, i + 1000.0, 11,
          new double[] {10, 20, 30}));
    }
    for (int i = 0; i < 10; i++) {
      records.add(SyntheticRuns.ko(2000 + i, "chat", "m1", START + 60_000, "http_503", "busy"));
    }
    for (int i = 0; i < 5; i++) {
      records.add(SyntheticRuns.ko(3000 + i, "chat", "m1", START + 61_000, "timeout", "slow"));
    }
    for (int i = 0; i < 100; i++) {
      records.add(SyntheticRuns.ok(4000 + i, "embeddings", "emb", START + 70_000 + i, null, 20, null, null));
    }
    return records;
  }

  private static final List<Slo> SLOS = List.of(
      new Slo("ttft.p95<2s", null, "ttft", "p95", true, 2000),
      new Slo("ttft.p99<500ms", null, "ttft", "p99", true, 500),
      new Slo("errorRate<1%", null, "errorRate", null, true, 1),
      new Slo("embeddings:e2e.p99<100ms", "embeddings", "e2e", "p99", true, 100),
      new Slo("chat:e2e.p50<1200ms", "chat", "e2e", "p50", true, 1200),
      new Slo("code:ttft.p95<1s", "code", "ttft", "p95", true, 1000));

  @Test
  void should_compute_percentiles_within_hdr_precision() throws IOException {
    SyntheticRuns.write(runDir, knownRun());
    Summary summary = LlmReport.generate(runDir, SyntheticRuns.meta("r1", START, END, List.of(), "constant"), SLOS);

    Pct ttft = summary.tasks().get("chat").ttftMs();
    assertThat(ttft.p50()).isCloseTo(500, within(0.5));
    assertThat(ttft.p90()).isCloseTo(900, within(0.9));
    assertThat(ttft.p99()).isCloseTo(990, within(1.0));
    assertThat(ttft.max()).isEqualTo(1000.0);
    assertThat(ttft.mean()).isEqualTo(500.5);
    // failures and embeddings have no TTFT, so the run-wide TTFT equals chat's
    assertThat(summary.all().ttftMs()).isEqualTo(ttft);
    assertThat(summary.all().itlMs().p50()).isNotNull();
  }

  @Test
  void should_count_requests_errors_tokens_and_rates() throws IOException {
    SyntheticRuns.write(runDir, knownRun());
    Summary summary = LlmReport.generate(runDir, SyntheticRuns.meta("r1", START, END, List.of(), "constant"), SLOS);

    Stats all = summary.all();
    assertThat(all.requests()).isEqualTo(1115);
    assertThat(all.ok()).isEqualTo(1100);
    assertThat(all.ko()).isEqualTo(15);
    assertThat(all.errors()).containsExactly(java.util.Map.entry("http_503", 10L), java.util.Map.entry("timeout", 5L));
    assertThat(all.outputTokens()).isEqualTo(11_000);
    assertThat(all.requestsPerSec()).isEqualTo(11.15);
    assertThat(all.outputTokensPerSec()).isEqualTo(110.0);
    assertThat(summary.run().durationSec()).isEqualTo(100.0);
    assertThat(summary.run().start()).isEqualTo("2023-11-14T22:13:20Z");
    assertThat(summary.tasks()).containsOnlyKeys("chat", "embeddings");
    assertThat(summary.models()).containsOnlyKeys("m1", "emb");
    assertThat(summary.models().get("emb").requests()).isEqualTo(100);
    assertThat(summary.tasks().get("chat").ko()).isEqualTo(15);
  }

  @Test
  void should_count_goodput_with_run_wide_and_task_slos() throws IOException {
    SyntheticRuns.write(runDir, knownRun());
    List<Slo> slos = List.of(new Slo("ttft.p95<500ms", null, "ttft", "p95", true, 500),
        new Slo("embeddings:e2e.p99<10ms", "embeddings", "e2e", "p99", true, 10));
    Summary summary = LlmReport.generate(runDir, SyntheticRuns.meta("r1", START, END, List.of(), "constant"), slos);

    // chat: TTFT 1..499 meet ttft<500 (499 requests); embeddings (e2e 20 ms) all breach their own e2e<10ms
    assertThat(summary.tasks().get("chat").goodputPerSec()).isEqualTo(4.99);
    assertThat(summary.tasks().get("embeddings").goodputPerSec()).isEqualTo(0.0);
    assertThat(summary.all().goodputPerSec()).isEqualTo(4.99);
  }

  @Test
  void should_judge_slos_on_the_run_or_on_their_task() throws IOException {
    SyntheticRuns.write(runDir, knownRun());
    Summary summary = LlmReport.generate(runDir, SyntheticRuns.meta("r1", START, END, List.of(), "constant"), SLOS);

    assertThat(summary.slo()).extracting(Summary.SloResult::expr, Summary.SloResult::passed).containsExactly(
        org.assertj.core.groups.Tuple.tuple("ttft.p95<2s", true),
        org.assertj.core.groups.Tuple.tuple("ttft.p99<500ms", false),
        org.assertj.core.groups.Tuple.tuple("errorRate<1%", false),
        org.assertj.core.groups.Tuple.tuple("embeddings:e2e.p99<100ms", true),
        org.assertj.core.groups.Tuple.tuple("chat:e2e.p50<1200ms", false),
        org.assertj.core.groups.Tuple.tuple("code:ttft.p95<1s", true));
    assertThat(summary.slo().get(0).actual()).isCloseTo(950, within(1.0));
    assertThat(summary.slo().get(2).actual()).isCloseTo(15 * 100.0 / 1115, within(0.001));
    assertThat(summary.slo().get(3).actual()).isEqualTo(20.0);
    assertThat(summary.slo().get(5).actual()).isNull();
    assertThat(summary.passed()).isFalse();
  }

  @Test
  void should_write_null_percentiles_where_there_is_no_sample() throws IOException {
    SyntheticRuns.write(runDir, knownRun());
    LlmReport.generate(runDir, SyntheticRuns.meta("r1", START, END, List.of(), "constant"), SLOS);

    JsonNode embeddings = Json.MAPPER.readTree(runDir.resolve("summary.json").toFile()).at("/tasks/embeddings");
    for (String field : List.of("ttftMs", "itlMs", "tpotMs", "queueMs")) {
      JsonNode pct = embeddings.get(field);
      assertThat(fieldNames(pct)).as(field).containsExactlyInAnyOrder("p50", "p90", "p95", "p99", "max", "mean");
      pct.elements().forEachRemaining(value -> assertThat(value.isNull()).as(field).isTrue());
    }
    assertThat(embeddings.at("/e2eMs/p50").asDouble()).isEqualTo(20.0);
  }

  @Test
  void should_write_summary_json_with_exactly_the_spec_fields() throws IOException {
    SyntheticRuns.write(runDir, knownRun());
    LlmReport.generate(runDir, SyntheticRuns.meta("r1", START, END, List.of(), "constant"), SLOS);

    JsonNode root = Json.MAPPER.readTree(runDir.resolve("summary.json").toFile());
    assertThat(fieldNames(root)).containsExactlyInAnyOrder("schema", "run", "target", "all", "tasks", "models",
        "slo", "passed", "errorSamples");
    assertThat(root.get("schema").asInt()).isEqualTo(1);
    assertThat(fieldNames(root.get("run")))
        .containsExactlyInAnyOrder("id", "simulation", "start", "end", "durationSec", "shard");
    assertThat(fieldNames(root.get("target"))).containsExactlyInAnyOrder("api", "baseUrl", "models");
    Set<String> stats = Set.of("requests", "ok", "ko", "errors", "staleRetries", "requestsPerSec", "outputTokens",
        "outputTokensPerSec", "goodputPerSec", "promptTokens", "cachedTokens", "cacheHitRate", "ttftMs", "itlMs", "tpotMs", "e2eMs", "queueMs", "clientDelayMs");
    assertThat(fieldNames(root.get("all"))).isEqualTo(stats);
    assertThat(fieldNames(root.at("/tasks/chat"))).isEqualTo(stats);
    assertThat(fieldNames(root.at("/models/m1"))).isEqualTo(stats);
    assertThat(fieldNames(root.at("/all/e2eMs"))).isEqualTo(Set.of("p50", "p90", "p95", "p99", "max", "mean"));
    assertThat(fieldNames(root.at("/slo/0"))).isEqualTo(Set.of("expr", "actual", "passed"));
    assertThat(Summary.read(runDir)).isEqualTo(Summary.read(runDir.resolve("summary.json")));
  }

  @Test
  void should_mark_partial_runs_and_summarise_capacity_steps() throws IOException {
    List<RequestRecord> records = new ArrayList<>();
    // step 1 (10/s): TTFT 100 ms; step 2 (20/s): TTFT 300 ms; step 3 (30/s): TTFT 900 ms
    double[] ttfts = {100, 300, 900};
    for (int step = 0; step < 3; step++) {
      int rate = 10 * (step + 1);
      for (int i = 0; i < rate * 10; i++) {
        records.add(SyntheticRuns.ok(step * 1000 + i, "chat", "m1", START + step * 10_000L + i * 1000L / rate,
            ttfts[step], ttfts[step] + 100, 10, null));
      }
    }
    SyntheticRuns.write(runDir, records);
    List<LoadStep> steps = List.of(new LoadStep(START, START + 10_000, 10, 0),
        new LoadStep(START + 10_000, START + 20_000, 20, 0), new LoadStep(START + 20_000, START + 30_000, 30, 0));
    RunMeta meta = SyntheticRuns.meta("cap", START, START + 30_000, steps, "capacity");
    meta = new RunMeta(meta.id(), meta.simulation(), meta.startEpochMs(), meta.endEpochMs(), meta.shard(),
        meta.api(), meta.baseUrl(), meta.models(), meta.slo(), meta.profile(), meta.steps(), true,
        meta.gatlingReport(), meta.workload());
    Summary summary = LlmReport.generate(runDir, meta, List.of(new Slo("ttft.p95<500ms", null, "ttft", "p95", true, 500)));

    assertThat(summary.partial()).isTrue();
    Summary.Capacity capacity = summary.capacity();
    assertThat(capacity.steps()).extracting(Summary.StepStats::passed).containsExactly(true, true, false);
    assertThat(capacity.maxRatePerSec()).isEqualTo(20.0);
    assertThat(capacity.limitedBy()).isEqualTo("ttft.p95<500ms");
    // TTFT p95 300 at 20/s, 900 at 30/s: 500 is crossed at 20 + 10 * 200/600
    assertThat(capacity.predictedMaxRatePerSec()).isCloseTo(23.33, within(0.1));
    JsonNode root = Json.MAPPER.readTree(runDir.resolve("summary.json").toFile());
    assertThat(root.get("partial").asBoolean()).isTrue();
    assertThat(fieldNames(root.get("capacity"))).containsExactlyInAnyOrder("maxRatePerSec", "maxUsersPerSec",
        "bracket", "limitedBy", "predictedMaxRatePerSec", "model", "verdict", "searchEnded", "predicted", "steps");
  }

  @Test
  void should_summarise_an_adaptive_search_from_its_judged_windows_by_completion_time() throws IOException {
    // two windows of 10 s: 4 req/s held, 8 req/s did not (completions fell behind); requests meant to start
    // before a window but completed in it count for it
    List<RequestRecord> records = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      records.add(SyntheticRuns.ok(i, "chat", "m1", START + i * 250L - 400, 100.0, 500, 10, null));
    }
    for (int i = 0; i < 45; i++) {
      records.add(SyntheticRuns.ok(100 + i, "chat", "m1", START + 12_000 + i * 125L, 2000.0, 2600, 10, null));
    }
    SyntheticRuns.write(runDir, records);
    new SearchStep.Outcome(2.0, 4.0, 8.0, "bracket [4, 8] req/s within 10 %", List.of(
        new SearchStep(START - 3_000, START, START + 10_000, 4, 2, 4, 4.2, 42, true, List.of()),
        new SearchStep(START + 10_000, START + 13_000, START + 23_000, 8, 4, 8, 4.5, 45, false,
            List.of("throughput", "ttft.p95<1s"))), null).write(runDir);
    List<LoadStep> steps = List.of(new LoadStep(START, START + 10_000, 4, 0),
        new LoadStep(START + 13_000, START + 23_000, 8, 0));
    Summary summary = LlmReport.generate(runDir, SyntheticRuns.meta("search", START - 3_000, START + 25_000, steps,
        "capacity"), List.of(new Slo("ttft.p95<1s", null, "ttft", "p95", true, 1000)));

    Summary.Capacity capacity = summary.capacity();
    assertThat(capacity.maxRatePerSec()).isEqualTo(4.0);
    assertThat(capacity.maxUsersPerSec()).isEqualTo(2.0);
    assertThat(capacity.bracket()).containsExactly(4.0, 8.0);
    assertThat(capacity.limitedBy()).isEqualTo("throughput");
    // the fitted model's figures are proven in CapacityAnalysisTest and ServerModelIT; here: they reach the summary
    assertThat(capacity.predictedMaxRatePerSec()).isNotNull();
    assertThat(capacity.model()).isNotNull();
    assertThat(capacity.verdict()).contains("The model fitted from this run predicts");
    assertThat(capacity.verdict()).startsWith("Sustains 4 req/s (≈ 2 chat users/s) with ttft.p95<1s. Beyond that"
        + " (8 req/s) completions fall behind arrivals");
    assertThat(capacity.steps()).extracting(Summary.StepStats::steady).containsExactly(true, false);
    assertThat(capacity.steps()).extracting(Summary.StepStats::achievedPerSec).containsExactly(4.2, 4.5);
    assertThat(capacity.steps().get(0).requests()).isEqualTo(40); // completed in [START, START + 10 s)
    assertThat(capacity.steps().get(1).failed()).containsExactly("throughput", "ttft.p95<1s");
    assertThat(summary.passed()).as("a search that found a capacity passes").isTrue();
  }

  @Test
  void should_report_an_slo_without_sample_as_no_data_and_failed() throws IOException {
    List<RequestRecord> records = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      records.add(SyntheticRuns.ko(i, "long-context", "m1", START + i * 100L, "http_400", "context too small"));
    }
    records.add(SyntheticRuns.ok(10, "chat", "m1", START, 100.0, 500, 10, null));
    SyntheticRuns.write(runDir, records);
    Summary summary = LlmReport.generate(runDir, SyntheticRuns.meta("nodata", START, END, List.of(), "constant"),
        Slo.parseList("long-context:ttft.p95<20s, embeddings:e2e.p95<1s"));

    assertThat(summary.slo()).containsExactly(new Summary.SloResult("long-context:ttft.p95<20s", null, false),
        new Summary.SloResult("embeddings:e2e.p95<1s", null, true)); // embeddings sent nothing
    assertThat(summary.passed()).isFalse();
  }

  @Test
  void should_summarise_monitored_resources() throws IOException {
    SyntheticRuns.write(runDir, knownRun());
    Files.writeString(runDir.resolve("resources.jsonl"),
        "{\"epochMs\":1,\"cpuPercent\":50,\"rssMb\":100}\n{\"epochMs\":2,\"cpuPercent\":150,\"rssMb\":300}\n");
    Summary summary = LlmReport.generate(runDir, SyntheticRuns.meta("r1", START, END, List.of(), "constant"), SLOS);

    assertThat(summary.resources().getSamples()).isEqualTo(2);
    assertThat(summary.resources().quantities()).containsOnlyKeys("cpuPercent", "rssMb");
    assertThat(summary.resources().quantities().get("rssMb").max()).isEqualTo(300.0);
    JsonNode resources = Json.MAPPER.readTree(runDir.resolve("summary.json").toFile()).get("resources");
    List<String> order = new ArrayList<>();
    resources.fieldNames().forEachRemaining(order::add);
    assertThat(order).containsExactly("samples", "cpuPercent", "rssMb");
    assertThat(Summary.read(runDir).resources().quantities().get("cpuPercent").max()).isEqualTo(150.0);
  }

  @Test
  void should_skip_a_truncated_last_line_and_cope_without_requests() throws IOException {
    SyntheticRuns.write(runDir, knownRun().subList(0, 10));
    Files.writeString(runDir.resolve("requests.jsonl"), "{\"id\":99,\"task\":\"ch",
        StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
    Summary summary = LlmReport.generate(runDir, SyntheticRuns.meta("r1", START, END, List.of(), "constant"), SLOS);
    assertThat(summary.all().requests()).isEqualTo(10);
    assertThat(Files.readString(runDir.resolve("index.html"))).contains("\"skippedLines\":1");

    Path empty = runDir.resolve("empty");
    Summary none = LlmReport.generate(empty, SyntheticRuns.meta("r2", START, END, List.of(), "constant"), SLOS);
    assertThat(none.all().requests()).isZero();
    assertThat(none.all().e2eMs()).isEqualTo(Pct.EMPTY);
    assertThat(none.tasks()).isEmpty();
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new TreeSet<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }

  @Test
  void should_count_resent_requests_per_group_and_read_older_summaries_without_the_count() throws Exception {
    RequestRecord ok = SyntheticRuns.ok(1, "chat", "m1", START + 10, 5.0, 50.0, 3, new double[] {1, 2});
    RequestRecord resent = new RequestRecord(2, "chat", "m1", "openai", "chat", true, START + 20, 0.7, 1.0, 5.0,
        50.0, 1.0, 1.0, new double[] {1, 2}, 20, 3, "server", 3, null, null, null, null, null, 200, true, null, null,
        "stop", true);
    SyntheticRuns.write(runDir, List.of(ok, resent));
    Summary summary = LlmReport.generate(runDir, SyntheticRuns.meta("r1", START, END, List.of(), "constant"),
        List.of());

    assertThat(summary.all().staleRetries()).isEqualTo(1);
    assertThat(summary.all().ko()).isZero();
    assertThat(summary.tasks().get("chat").staleRetries()).isEqualTo(1);
    String older = Files.readString(runDir.resolve("summary.json")).replace("\"staleRetries\" : 1,", "");
    assertThat(older).doesNotContain("staleRetries");
    Files.writeString(runDir.resolve("older.json"), older);
    assertThat(Summary.read(runDir.resolve("older.json")).all().staleRetries()).isZero();
  }

  /** An OK chat request whose server reported {@code prompt} tokens, {@code cached} of them from its cache. */
  private static RequestRecord cached(long id, String model, int prompt, Integer cached) {
    return new RequestRecord(id, "chat", model, "llamacpp", "chat", true, START + id, 0.5, 1.0, 5.0, 50.0, 1.0,
        1.0, new double[] {1, 2}, prompt, 3, "server", 3, null, null, null, null, null, 200, true, null, null,
        "stop", false, cached, false);
  }

  @Test
  void should_sum_prompt_and_cached_tokens_and_rate_the_cache_over_requests_that_report_it() throws Exception {
    SyntheticRuns.write(runDir, List.of(cached(1, "m1", 400, 300), cached(2, "m1", 100, 0),
        cached(3, "m2", 50, null)));
    Summary summary = LlmReport.generate(runDir, SyntheticRuns.meta("r1", START, END, List.of(), "constant"),
        List.of());

    assertThat(summary.all().promptTokens()).isEqualTo(550);
    assertThat(summary.all().cachedTokens()).isEqualTo(300);
    assertThat(summary.all().cacheHitRate()).as("300 / (400 + 100): m2 said nothing").isEqualTo(0.6);
    assertThat(summary.models().get("m2").cachedTokens()).isNull();
    assertThat(summary.models().get("m2").cacheHitRate()).as("unknown, not 0").isNull();
    assertThat(summary.all().metric("cacheHitRate", null)).isEqualTo(0.6);
  }

  @Test
  void should_leave_warm_up_requests_out_of_every_figure_and_count_them_apart() throws Exception {
    List<RequestRecord> records = new ArrayList<>(knownRun());
    RequestRecord coldLoad = new RequestRecord(9001, "chat", "m1", "ollama", "chat", true, START - 5_000, 0.5, 3010.0,
        3020.0, 3100.0, 1.0, 1.0, new double[] {1, 2}, 20, 3, "server", 3, null, 3001.5, null, null, null, 200, true,
        null, null, "stop").asWarmup();
    RequestRecord failed = SyntheticRuns.ko(9002, "chat", "m1", START - 4_000, "http_503", "busy").asWarmup();
    records.add(coldLoad);
    records.add(failed);
    SyntheticRuns.write(runDir, records);
    Summary withWarmup = LlmReport.generate(runDir, SyntheticRuns.meta("r1", START, END, List.of(), "constant"),
        SLOS);
    SyntheticRuns.write(runDir, knownRun());
    Summary without = LlmReport.generate(runDir, SyntheticRuns.meta("r1", START, END, List.of(), "constant"), SLOS);

    assertThat(withWarmup.all()).isEqualTo(without.all());
    assertThat(withWarmup.tasks()).isEqualTo(without.tasks());
    assertThat(withWarmup.slo()).isEqualTo(without.slo());
    assertThat(withWarmup.errorSamples()).isEqualTo(without.errorSamples());
    assertThat(withWarmup.warmup()).isEqualTo(new Summary.Warmup(2, 1, 3001.5));
    assertThat(without.warmup()).isNull();
  }

  @Test
  void should_take_the_cold_load_from_the_first_warm_up_requests_excess_when_no_load_time_is_reported()
      throws Exception {
    List<RequestRecord> records = new ArrayList<>(knownRun());
    records.add(SyntheticRuns.ok(9001, "chat", "m1", START - 5_000, 3500.5, 3600, 11, null).asWarmup());
    records.add(SyntheticRuns.ok(9002, "chat", "m1", START - 4_000, 40.0, 200, 11, null).asWarmup());
    SyntheticRuns.write(runDir, records);
    Summary summary = LlmReport.generate(runDir, SyntheticRuns.meta("r1", START, END, List.of(), "constant"), SLOS);

    // the measured chat TTFTs are 1..1000 ms: median 500
    assertThat(summary.warmup().coldLoadMs()).isCloseTo(3000.5, within(1.0));
  }
}
