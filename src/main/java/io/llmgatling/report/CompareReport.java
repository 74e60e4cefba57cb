package io.llmgatling.report;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.llmgatling.capacity.Pct;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Two or more runs on one page ({@code compare RUN_DIR RUN_DIR... --out DIR}): a table with deltas against the
 * first run and the better side per metric, charts overlaid, and warnings where the workloads differ.
 * Each run's requests.jsonl (when present) is re-aggregated in bounded memory for the overlaid charts.
 */
public final class CompareReport {

  /** A compared metric: its name, how to read it from {@link Stats}, and which direction is better. */
  private record MetricSpec(String label, String metric, String stat, boolean lowerIsBetter, String unit) {
  }

  private static final List<MetricSpec> METRICS = List.of(
      new MetricSpec("requests/s", "requestsPerSec", null, false, "/s"),
      new MetricSpec("output tokens/s", "outputTokensPerSec", null, false, "/s"),
      new MetricSpec("goodput/s", "goodputPerSec", null, false, "/s"),
      new MetricSpec("error rate", "errorRate", null, true, "%"),
      new MetricSpec("TTFT p50", "ttft", "p50", true, "ms"),
      new MetricSpec("TTFT p95", "ttft", "p95", true, "ms"),
      new MetricSpec("TTFT p99", "ttft", "p99", true, "ms"),
      new MetricSpec("ITL p50", "itl", "p50", true, "ms"),
      new MetricSpec("ITL p95", "itl", "p95", true, "ms"),
      new MetricSpec("TPOT p50", "tpot", "p50", true, "ms"),
      new MetricSpec("E2E p50", "e2e", "p50", true, "ms"),
      new MetricSpec("E2E p95", "e2e", "p95", true, "ms"),
      new MetricSpec("E2E p99", "e2e", "p99", true, "ms"),
      new MetricSpec("queue p95", "queue", "p95", true, "ms"),
      new MetricSpec("client delay p95", "clientDelay", "p95", true, "ms"));

  private CompareReport() {
  }

  /**
   * Writes {@code outDir/index.html} comparing the runs, the first being the reference for deltas.
   *
   * @return the warnings about differing workloads (also shown on the page)
   * @throws IllegalArgumentException when a folder is not a run folder (no summary.json)
   */
  public static List<String> generate(List<Path> runDirs, Path outDir) throws IOException {
    if (runDirs.size() < 2) {
      throw new IllegalArgumentException("compare needs at least two run folders");
    }
    List<CompareRun> runs = new ArrayList<>();
    List<RunMeta> metas = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    Set<String> labels = new HashSet<>();
    for (Path runDir : runDirs) {
      if (!Files.isRegularFile(runDir.resolve(Summary.FILE_NAME))) {
        throw new IllegalArgumentException("not a run folder (no summary.json): " + runDir);
      }
      Summary summary = Summary.read(runDir);
      RunMeta meta = Files.isRegularFile(runDir.resolve(RunMeta.FILE_NAME)) ? RunMeta.read(runDir) : null;
      String label = uniqueLabel(summary.run().id() == null ? runDir.getFileName().toString() : summary.run().id(),
          labels);
      if (meta == null) {
        warnings.add(label + ": no run.json, so its workload settings cannot be compared");
      }
      RunAggregator.RunAggregate aggregate = null;
      if (Files.isRegularFile(runDir.resolve(RunAggregator.REQUESTS_FILE))) {
        aggregate = RunAggregator.aggregate(runDir, meta != null ? meta : metaFrom(summary), List.of());
      } else {
        warnings.add(label + ": no requests.jsonl, so it has no over-time or distribution charts");
      }
      metas.add(meta);
      runs.add(new CompareRun(label, meta == null ? null : meta.profile(), summary,
          aggregate == null ? null : aggregate.series(), aggregate == null ? null : aggregate.distributions()));
    }
    warnings.addAll(0, workloadWarnings(runs, metas));
    warnings.addAll(conditionWarnings(runs, runDirs.stream().map(CompareReport::cacheHitRate).toList()));
    List<Row> rows = rows(runs);
    List<Section> sections = new ArrayList<>();
    addSection(sections, "tasks", "Latency and throughput per task", taskRows(runs));
    addSection(sections, "errors", "Errors by cause (requests)", errorRows(runs));
    addSection(sections, "capacity", "Capacity (llm.profile=capacity)", capacityRows(runs));
    addSection(sections, "cost", "Cost: server process, machine, GPU, server gauges", costRows(runs));
    HtmlPage.write(outDir.resolve(LlmReport.INDEX_FILE), new ComparePage("compare", runs, rows, sections, warnings));
    return warnings;
  }

  private static String uniqueLabel(String base, Set<String> taken) {
    String label = base;
    for (int i = 2; !taken.add(label); i++) {
      label = base + " #" + i;
    }
    return label;
  }

  static RunMeta metaFrom(Summary summary) {
    Summary.Run run = summary.run();
    return new RunMeta(run.id(), run.simulation(), Instant.parse(run.start()).toEpochMilli(),
        Instant.parse(run.end()).toEpochMilli(), run.shard(), summary.target().api(), summary.target().baseUrl(),
        summary.target().models(), List.of(), null, List.of(), Boolean.TRUE.equals(summary.partial()), null, null);
  }

  private static List<String> workloadWarnings(List<CompareRun> runs, List<RunMeta> metas) {
    List<String> warnings = new ArrayList<>();
    CompareRun first = runs.get(0);
    for (int i = 1; i < runs.size(); i++) {
      CompareRun other = runs.get(i);
      String pair = first.label() + " vs " + other.label() + ": ";
      if (!Objects.equals(first.profile(), other.profile()) && first.profile() != null && other.profile() != null) {
        warnings.add(pair + "load profiles differ (" + first.profile() + " / " + other.profile() + ")");
      }
      if (!new TreeSet<>(first.summary().target().models()).equals(new TreeSet<>(other.summary().target().models()))) {
        warnings.add(pair + "models differ (" + first.summary().target().models() + " / "
            + other.summary().target().models() + ")");
      }
      if (!first.summary().tasks().keySet().equals(other.summary().tasks().keySet())) {
        warnings.add(pair + "task mixes differ (" + first.summary().tasks().keySet() + " / "
            + other.summary().tasks().keySet() + ")");
      }
      double d1 = first.summary().run().durationSec();
      double d2 = other.summary().run().durationSec();
      if (Math.abs(d1 - d2) > 0.1 * Math.max(d1, d2)) {
        warnings.add(pair + String.format(java.util.Locale.ROOT, "durations differ (%.1f s / %.1f s)", d1, d2));
      }
      RunMeta m1 = metas.get(0);
      RunMeta m2 = metas.get(i);
      if (m1 != null && m2 != null) {
        Set<String> keys = new TreeSet<>(m1.workload().keySet());
        keys.addAll(m2.workload().keySet());
        keys.removeAll(TARGET_SETTINGS);
        for (String key : keys) {
          Object v1 = m1.workload().get(key);
          Object v2 = m2.workload().get(key);
          if (!Objects.equals(String.valueOf(v1), String.valueOf(v2))) {
            warnings.add(pair + "workload setting '" + key + "' differs (" + v1 + " / " + v2 + ")");
          }
        }
      }
    }
    for (CompareRun run : runs) {
      if (Boolean.TRUE.equals(run.summary().partial())) {
        warnings.add(run.label() + ": partial run (interrupted)");
      }
    }
    return warnings;
  }

  /**
   * Settings that name the target rather than the workload: comparing targets is the point, so their differing
   * is no warning (differing models are warned about on their own).
   */
  private static final Set<String> TARGET_SETTINGS = Set.of("llm.target", "llm.api", "llm.baseUrl", "llm.model",
      "llm.embeddingModels", "llm.monitor.pid", "llm.monitor");

  /**
   * Warnings about the conditions the runs met rather than their settings: the machine's load average (from the
   * resource samples, {@code loadAvg1}) and the share of prompt tokens served from cache ({@code cacheHitRate},
   * when the summaries have it), each far apart making the comparison unfair.
   */
  private static List<String> conditionWarnings(List<CompareRun> runs, List<Double> cacheHitRates) {
    List<String> warnings = new ArrayList<>();
    CompareRun first = runs.get(0);
    for (int i = 1; i < runs.size(); i++) {
      CompareRun other = runs.get(i);
      String pair = first.label() + " vs " + other.label() + ": ";
      Double l1 = loadAverage(first.summary());
      Double l2 = loadAverage(other.summary());
      // a load average moves by about one per busy core: beyond one and a half apart, one run shared the machine
      if (l1 != null && l2 != null && Math.abs(l1 - l2) > Math.max(1.5, 0.5 * Math.max(l1, l2))) {
        warnings.add(pair + String.format(java.util.Locale.ROOT,
            "machine load differs (load average p50 %.2f / %.2f): something else ran beside one of them", l1, l2));
      }
      Double c1 = cacheHitRates.get(0);
      Double c2 = cacheHitRates.get(i);
      if (c1 != null && c2 != null && Math.abs(c1 - c2) > 0.2) {
        warnings.add(pair + String.format(java.util.Locale.ROOT,
            "cache hit rates far apart (%.0f %% / %.0f %%): prefill work differs", c1 * 100, c2 * 100));
      }
    }
    return warnings;
  }

  private static Double loadAverage(Summary summary) {
    Pct load = summary.resources() == null ? null : summary.resources().quantities().get("loadAvg1");
    return load == null ? null : load.p50();
  }

  /** {@code all.cacheHitRate} of a run's summary.json, as a fraction, when it has one. */
  private static Double cacheHitRate(Path runDir) {
    try {
      com.fasterxml.jackson.databind.JsonNode rate = io.llmgatling.json.Json.MAPPER
          .readTree(runDir.resolve(Summary.FILE_NAME).toFile()).path("all").path("cacheHitRate");
      if (!rate.isNumber()) {
        return null;
      }
      double value = rate.asDouble();
      return value > 1 ? value / 100 : value; // a percentage or a fraction
    } catch (IOException e) {
      return null;
    }
  }

  private static List<Row> rows(List<CompareRun> runs) {
    List<Row> rows = new ArrayList<>();
    for (MetricSpec spec : METRICS) {
      List<Double> values = new ArrayList<>();
      for (CompareRun run : runs) {
        Double v = run.summary().all().metric(spec.metric(), spec.stat());
        values.add(v == null ? null : MetricRecorder.round3(v));
      }
      Row row = row(spec.label(), spec.lowerIsBetter() ? "lower" : "higher", spec.unit(), values);
      if (row != null) {
        rows.add(row);
      }
    }
    return rows;
  }

  private static void addSection(List<Section> sections, String id, String title, List<Row> rows) {
    if (!rows.isEmpty()) {
      sections.add(new Section(id, title, rows));
    }
  }

  /** Latency per task: TTFT, ITL and E2E p50 and p95 of each task any run has. */
  private static List<Row> taskRows(List<CompareRun> runs) {
    Set<String> tasks = new java.util.LinkedHashSet<>();
    runs.forEach(run -> tasks.addAll(run.summary().tasks().keySet()));
    List<Row> rows = new ArrayList<>();
    for (String task : tasks) {
      for (String metric : List.of("ttft", "itl", "e2e")) {
        for (String stat : List.of("p50", "p95")) {
          List<Double> values = new ArrayList<>();
          for (CompareRun run : runs) {
            Stats stats = run.summary().tasks().get(task);
            Double v = stats == null ? null : stats.metric(metric, stat);
            values.add(v == null ? null : MetricRecorder.round3(v));
          }
          Row row = row(task + " · " + metric.toUpperCase(java.util.Locale.ROOT) + " " + stat, "lower", "ms", values);
          if (row != null) {
            rows.add(row);
          }
        }
      }
      List<Double> rates = new ArrayList<>();
      for (CompareRun run : runs) {
        Stats stats = run.summary().tasks().get(task);
        rates.add(stats == null ? null : MetricRecorder.round3(stats.outputTokensPerSec()));
      }
      Row row = row(task + " · output tokens/s", "higher", "/s", rates);
      if (row != null) {
        rows.add(row);
      }
    }
    return rows;
  }

  /** Errors by cause: requests per cause in each run (zero where a run had none of that cause). */
  private static List<Row> errorRows(List<CompareRun> runs) {
    Set<String> causes = new TreeSet<>();
    runs.forEach(run -> causes.addAll(run.summary().all().errors().keySet()));
    List<Row> rows = new ArrayList<>();
    for (String cause : causes) {
      List<Double> values = new ArrayList<>();
      for (CompareRun run : runs) {
        values.add(run.summary().all().errors().getOrDefault(cause, 0L).doubleValue());
      }
      rows.add(row("errors: " + cause, "lower", "", values));
    }
    return rows;
  }

  /** A capacity search's results ({@code llm.profile=capacity}), when any run has one. */
  private static List<Row> capacityRows(List<CompareRun> runs) {
    List<Row> rows = new ArrayList<>();
    if (runs.stream().noneMatch(run -> run.summary().capacity() != null)) {
      return rows;
    }
    rows.add(row("capacity: max requests/s", "higher", "/s", runs.stream().map(run -> run.summary().capacity() == null
        ? null : run.summary().capacity().maxRatePerSec()).toList()));
    rows.add(row("capacity: max users/s", "higher", "/s", runs.stream().map(run -> run.summary().capacity() == null
        ? null : run.summary().capacity().maxUsersPerSec()).toList()));
    rows.add(row("capacity: predicted max requests/s", "higher", "/s", runs.stream()
        .map(run -> run.summary().capacity() == null ? null : run.summary().capacity().predictedMaxRatePerSec())
        .toList()));
    rows.removeIf(Objects::isNull);
    return rows;
  }

  /**
   * What each run cost: the server process (CPU, memory), the GPUs (utilisation, memory, power, energy per 1,000
   * output tokens) and the server's own gauges; lower is better for the first two, gauges are shown unjudged.
   */
  private static List<Row> costRows(List<CompareRun> runs) {
    List<Row> rows = new ArrayList<>();
    rows.add(row("server CPU p50", "lower", "%", pick(runs, r -> pct(r.quantities().get("cpuPercent"), "p50"))));
    rows.add(row("server CPU max", "lower", "%", pick(runs, r -> pct(r.quantities().get("cpuPercent"), "max"))));
    rows.add(row("server memory max (MiB)", "lower", "", pick(runs, r -> pct(r.quantities().get("rssMb"), "max"))));
    rows.add(row("machine load average p50", null, "", pick(runs, r -> pct(r.quantities().get("loadAvg1"), "p50"))));
    rows.add(row("GPU utilisation p50", null, "%", pick(runs, r -> r.gpu() == null ? null
        : pct(r.gpu().utilPercent(), "p50"))));
    rows.add(row("GPU memory max (MiB)", "lower", "", pick(runs, r -> r.gpu() == null ? null
        : pct(r.gpu().memoryMb(), "max"))));
    rows.add(row("GPU power p50 (W)", "lower", "", pick(runs, r -> r.gpu() == null ? null
        : pct(r.gpu().powerW(), "p50"))));
    rows.add(row("GPU energy per 1k output tokens (Wh)", "lower", "", pick(runs, r -> r.gpu() == null ? null
        : r.gpu().energyWhPer1kOutputTokens())));
    Set<String> gauges = new java.util.LinkedHashSet<>();
    runs.forEach(run -> {
      if (run.summary().resources() != null && run.summary().resources().server() != null) {
        gauges.addAll(run.summary().resources().server().gauges().keySet());
      }
    });
    for (String gauge : gauges) {
      rows.add(row("server gauge " + gauge + " p50", null, "", pick(runs, r -> r.server() == null ? null
          : pct(r.server().gauges().get(gauge), "p50"))));
      rows.add(row("server gauge " + gauge + " max", null, "", pick(runs, r -> r.server() == null ? null
          : pct(r.server().gauges().get(gauge), "max"))));
    }
    rows.removeIf(Objects::isNull);
    return rows;
  }

  private static List<Double> pick(List<CompareRun> runs, java.util.function.Function<Summary.Resources, Double> f) {
    List<Double> values = new ArrayList<>();
    for (CompareRun run : runs) {
      Summary.Resources resources = run.summary().resources();
      Double v = resources == null ? null : f.apply(resources);
      values.add(v == null ? null : MetricRecorder.round3(v));
    }
    return values;
  }

  private static Double pct(Pct pct, String stat) {
    if (pct == null) {
      return null;
    }
    return "max".equals(stat) ? pct.max() : pct.p50();
  }

  /**
   * A compared row, or null when no run has a value; {@code better} null shows the values unjudged.
   */
  private static Row row(String label, String better, String unit, List<Double> values) {
    if (values.stream().allMatch(Objects::isNull)) {
      return null;
    }
    if (better == null) {
      return new Row(label, null, unit, values, deltas(values), null);
    }
    boolean lowerIsBetter = better.equals("lower");
    Integer best = null;
    for (int i = 0; i < values.size(); i++) {
      Double v = values.get(i);
      if (v != null && (best == null || (lowerIsBetter ? v < values.get(best) : v > values.get(best)))) {
        best = i;
      }
    }
    if (best != null && values.stream().filter(Objects::nonNull).distinct().count() == 1) {
      best = null; // a tie has no better side
    }
    return new Row(label, better, unit, values, deltas(values), best);
  }

  private static List<Double> deltas(List<Double> values) {
    List<Double> deltas = new ArrayList<>();
    Double reference = values.get(0);
    for (Double v : values) {
      deltas.add(reference == null || v == null || reference == 0 ? null
          : MetricRecorder.round3((v - reference) / reference * 100));
    }
    return deltas;
  }

  /** One run on the comparison page. */
  @JsonPropertyOrder({"label", "profile", "summary", "series", "distributions"})
  record CompareRun(String label, String profile, Summary summary, TimeSeriesAggregator.Series series,
                    Map<String, MetricRecorder.Distribution> distributions) {
  }

  /** A metric across runs; {@code best} is the index of the better run, null on a tie. */
  record Row(String label, String better, String unit, List<Double> values, List<Double> deltasPct, Integer best) {
  }

  /** More rows under a heading: per task, errors by cause, capacity, cost. */
  record Section(String id, String title, List<Row> rows) {
  }

  record ComparePage(String kind, List<CompareRun> runs, List<Row> rows, List<Section> sections,
                     List<String> warnings) {
  }
}
