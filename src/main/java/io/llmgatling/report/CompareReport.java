package io.llmgatling.report;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
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
    List<Row> rows = rows(runs);
    HtmlPage.write(outDir.resolve(LlmReport.INDEX_FILE), new ComparePage("compare", runs, rows, warnings));
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

  private static List<Row> rows(List<CompareRun> runs) {
    List<Row> rows = new ArrayList<>();
    for (MetricSpec spec : METRICS) {
      List<Double> values = new ArrayList<>();
      for (CompareRun run : runs) {
        Double v = run.summary().all().metric(spec.metric(), spec.stat());
        values.add(v == null ? null : MetricRecorder.round3(v));
      }
      if (values.stream().allMatch(Objects::isNull)) {
        continue;
      }
      List<Double> deltas = new ArrayList<>();
      Double reference = values.get(0);
      Integer best = null;
      for (int i = 0; i < values.size(); i++) {
        Double v = values.get(i);
        deltas.add(reference == null || v == null || reference == 0 ? null
            : MetricRecorder.round3((v - reference) / reference * 100));
        if (v != null && (best == null
            || (spec.lowerIsBetter() ? v < values.get(best) : v > values.get(best)))) {
          best = i;
        }
      }
      if (best != null && values.stream().filter(Objects::nonNull).distinct().count() == 1) {
        best = null; // a tie has no better side
      }
      rows.add(new Row(spec.label(), spec.lowerIsBetter() ? "lower" : "higher", spec.unit(), values, deltas, best));
    }
    return rows;
  }

  /** One run on the comparison page. */
  @JsonPropertyOrder({"label", "profile", "summary", "series", "distributions"})
  record CompareRun(String label, String profile, Summary summary, TimeSeriesAggregator.Series series,
                    Map<String, MetricRecorder.Distribution> distributions) {
  }

  /** A metric across runs; {@code best} is the index of the better run, null on a tie. */
  record Row(String label, String better, String unit, List<Double> values, List<Double> deltasPct, Integer best) {
  }

  record ComparePage(String kind, List<CompareRun> runs, List<Row> rows, List<String> warnings) {
  }
}
