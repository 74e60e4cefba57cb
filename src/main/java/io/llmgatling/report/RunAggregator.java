package io.llmgatling.report;

import com.fasterxml.jackson.databind.ObjectReader;
import io.llmgatling.capacity.Pct;
import io.llmgatling.engine.record.RequestRecord;
import io.llmgatling.json.Json;
import io.llmgatling.workload.Slo;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a run's {@code requests.jsonl} line by line (never all in memory) and aggregates everything the summary
 * and the pages need: stats per run/task/model/step, time buckets, distributions and server timings.
 * Memory is bounded by the number of groups and buckets, not by the number of requests.
 * A line that does not parse (the last line of an interrupted run) is skipped and counted.
 */
final class RunAggregator {
  static final String REQUESTS_FILE = "requests.jsonl";
  static final String RESOURCES_FILE = "resources.jsonl";
  private static final ObjectReader RECORD_READER = Json.MAPPER.readerFor(RequestRecord.class);

  private final RunMeta meta;
  private final List<Slo> slos;
  private final SloEvaluator evaluator;
  private final GroupAggregator all = new GroupAggregator();
  private final Map<String, GroupAggregator> tasks = new TreeMap<>();
  private final Map<String, GroupAggregator> models = new TreeMap<>();
  private final List<GroupAggregator> steps = new ArrayList<>();
  private final TimeSeriesAggregator series;
  private final ErrorSamples errorSamples = new ErrorSamples();
  private final MetricRecorder chunkGaps = new MetricRecorder(3, 1000);
  private final MetricRecorder outputTokens = new MetricRecorder(3, 1);
  private final Map<String, MetricRecorder> server = new LinkedHashMap<>();
  private long skippedLines;
  /** Capacity runs: the search's own verdicts ({@code capacity.json}); steps then group requests by completion. */
  private SearchStep.Outcome search;
  /** Capacity runs: every record, for the fitted model (a search's few thousand requests). */
  private final List<RequestRecord> capacityRecords = new ArrayList<>();
  /** The warm-up's requests ({@code llm.warmup}), kept apart. */
  private final List<RequestRecord> warmupRecords = new ArrayList<>();
  private long firstMs = Long.MAX_VALUE;
  private long lastMs = Long.MIN_VALUE;

  RunAggregator(RunMeta meta, List<Slo> slos) {
    this.meta = meta;
    this.slos = slos == null ? List.of() : List.copyOf(slos);
    this.evaluator = new SloEvaluator(this.slos);
    this.series = new TimeSeriesAggregator(meta.startEpochMs(), meta.endEpochMs() - meta.startEpochMs());
    meta.steps().forEach(s -> steps.add(new GroupAggregator()));
    for (String name : List.of("queueMs", "loadMs", "promptEvalMs", "evalMs", "serverTotalMs")) {
      server.put(name, new MetricRecorder(3, 1000));
    }
  }

  /** Aggregates {@code runDir/requests.jsonl} (a missing file counts as a run without requests). */
  static RunAggregate aggregate(Path runDir, RunMeta meta, List<Slo> slos) throws IOException {
    RunAggregator aggregator = new RunAggregator(meta, slos);
    if ("capacity".equals(meta.profile())) {
      aggregator.search = SearchStep.Outcome.read(runDir);
    }
    Path file = runDir.resolve(REQUESTS_FILE);
    if (Files.isRegularFile(file)) {
      try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          aggregator.addLine(line);
        }
      }
    }
    return aggregator.finish(runDir);
  }

  void addLine(String line) {
    if (line.isBlank()) {
      return;
    }
    RequestRecord r;
    try {
      r = RECORD_READER.readValue(line);
    } catch (IOException | RuntimeException e) {
      skippedLines++;
      return;
    }
    add(r);
  }

  void add(RequestRecord r) {
    if (r.warmup()) {
      warmupRecords.add(r); // a few dozen: in no figure, only in summary.warmup
      return;
    }
    boolean good = evaluator.isGood(r);
    all.add(r, good);
    tasks.computeIfAbsent(String.valueOf(r.task()), t -> new GroupAggregator()).add(r, good);
    models.computeIfAbsent(r.model() == null ? "(not resolved)" : r.model(), m -> new GroupAggregator()).add(r, good);
    double end = r.intendedAtMs() + nz(r.clientDelayMs()) + nz(r.e2eMs());
    // a capacity search judges the requests completed in its windows; stairs the requests meant to start in a step
    double at = search != null ? end : r.intendedAtMs();
    for (int i = 0; i < steps.size(); i++) {
      LoadStep step = meta.steps().get(i);
      if (at >= step.startEpochMs() && at < step.endEpochMs()) {
        steps.get(i).add(r, good);
        break;
      }
    }
    if (search != null) {
      capacityRecords.add(r);
    }
    series.add(r);
    errorSamples.add(r);
    firstMs = Math.min(firstMs, r.intendedAtMs());
    lastMs = Math.max(lastMs, (long) Math.ceil(end));
    if (r.ok()) {
      if (r.chunkGapsMs() != null) {
        for (double gap : r.chunkGapsMs()) {
          chunkGaps.record(gap);
        }
      }
      if (r.outputTokens() != null) {
        outputTokens.record(r.outputTokens());
      }
      server.get("queueMs").record(r.queueMs());
      server.get("loadMs").record(r.loadMs());
      server.get("promptEvalMs").record(r.promptEvalMs());
      server.get("evalMs").record(r.evalMs());
      server.get("serverTotalMs").record(r.serverTotalMs());
    }
  }

  private static double nz(Double value) {
    return value == null ? 0 : Math.max(0, value);
  }

  RunAggregate finish(Path runDir) throws IOException {
    long startMs = meta.startEpochMs();
    long endMs = meta.endEpochMs();
    if (endMs <= startMs && all.requests() > 0) {
      // run.json without usable times: fall back to the span of the requests
      startMs = firstMs;
      endMs = Math.max(lastMs, firstMs + 1);
    }
    double durationSec = Math.max(0, endMs - startMs) / 1000.0;
    Stats allStats = all.toStats(durationSec);
    Map<String, Stats> taskStats = toStats(tasks, durationSec);
    Map<String, Stats> modelStats = toStats(models, durationSec);
    List<Summary.SloResult> verdicts = new ArrayList<>();
    for (Slo slo : slos) {
      verdicts.add(SloEvaluator.evaluate(slo, allStats, taskStats));
    }
    boolean passed = verdicts.stream().allMatch(Summary.SloResult::passed);
    List<Summary.StepStats> stepStats = stepStats();
    Summary.Capacity capacity = !"capacity".equals(meta.profile()) ? null
        : search != null ? CapacitySummary.of(search, stepStats, slos, capacityRecords, taskStats.keySet())
        : stepStats.isEmpty() ? null : capacity(stepStats);
    if (capacity != null) {
      // a capacity search goes on until a step breaks the SLOs, so the run-wide verdicts fail by design: the
      // search succeeds when it found a sustained rate, i.e. when at least its first step held
      passed = capacity.maxRatePerSec() != null;
    }
    ResourceSummary.Read resources = ResourceSummary.read(runDir, meta.startEpochMs(), allStats.outputTokens());
    Summary summary = new Summary(Summary.SCHEMA, meta.partial() ? Boolean.TRUE : null,
        new Summary.Run(meta.id(), meta.simulation(), Instant.ofEpochMilli(startMs).toString(),
            Instant.ofEpochMilli(endMs).toString(), durationSec, meta.shard()),
        new Summary.Target(meta.api(), meta.baseUrl(), meta.models()),
        allStats, taskStats, modelStats, verdicts, passed, capacity, resources.summary(),
        errorSamples.toSamples(), warmup());

    Map<String, MetricRecorder.Distribution> distributions = new LinkedHashMap<>();
    distributions.put("ttftMs", all.ttft.distribution(20, 0.01));
    distributions.put("chunkGapMs", chunkGaps.distribution(20, 0.01));
    distributions.put("e2eMs", all.e2e.distribution(20, 0.01));
    distributions.put("outputTokens", outputTokens.distribution(20, 1));
    Map<String, ServerMetric> serverMetrics = new LinkedHashMap<>();
    server.forEach((name, recorder) -> {
      if (recorder.count() > 0) {
        serverMetrics.put(name, new ServerMetric(recorder.count(), recorder.toPct()));
      }
    });
    return new RunAggregate(summary, series.toSeries(endMs), distributions, serverMetrics, stepStats,
        skippedLines, resources.series());
  }

  /** {@code summary.warmup}, or null without warm-up requests. */
  private Summary.Warmup warmup() {
    if (warmupRecords.isEmpty()) {
      return null;
    }
    long ko = warmupRecords.stream().filter(r -> !r.ok()).count();
    Double reported = warmupRecords.stream().map(RequestRecord::loadMs).filter(ms -> ms != null && ms > 0)
        .max(Double::compare).orElse(null);
    Double coldLoad = reported != null ? reported : firstRequestExcess();
    return new Summary.Warmup(warmupRecords.size(), ko, coldLoad == null ? null : MetricRecorder.round3(coldLoad));
  }

  /**
   * The most a model's first warm-up request took beyond that model's measured median (TTFT, else E2E), when the
   * server reports no load time; null when no model has both.
   */
  private Double firstRequestExcess() {
    Map<String, RequestRecord> first = new LinkedHashMap<>();
    warmupRecords.stream().filter(RequestRecord::ok).sorted(java.util.Comparator.comparingLong(RequestRecord::intendedAtMs))
        .forEach(r -> first.putIfAbsent(String.valueOf(r.model()), r));
    Double excess = null;
    for (Map.Entry<String, RequestRecord> e : first.entrySet()) {
      GroupAggregator measured = models.get(e.getKey());
      if (measured == null) {
        continue;
      }
      RequestRecord r = e.getValue();
      Double median = r.ttftMs() != null ? measured.ttft.toPct().p50() : measured.e2e.toPct().p50();
      Double took = r.ttftMs() != null ? r.ttftMs() : r.e2eMs();
      if (median != null && took != null) {
        double over = Math.max(0, took - median);
        excess = excess == null ? over : Math.max(excess, over);
      }
    }
    return excess;
  }

  private static Map<String, Stats> toStats(Map<String, GroupAggregator> groups, double durationSec) {
    Map<String, Stats> stats = new TreeMap<>();
    groups.forEach((name, group) -> stats.put(name, group.toStats(durationSec)));
    return stats;
  }

  private List<Summary.StepStats> stepStats() {
    List<Summary.StepStats> result = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      LoadStep step = meta.steps().get(i);
      Stats s = steps.get(i).toStats(Math.max(0, step.endEpochMs() - step.startEpochMs()) / 1000.0);
      List<String> failed = SloEvaluator.failedRunWide(slos, s);
      Double rate = Double.isNaN(step.ratePerSec()) ? null : step.ratePerSec();
      Double errorRate = s.errorRatePercent() == null ? null : MetricRecorder.round3(s.errorRatePercent());
      SearchStep judged = search != null && search.steps().size() == steps.size() ? search.steps().get(i) : null;
      if (judged != null) {
        // the search's verdict, taken while it ran on the same window (with its throughput and trend checks)
        failed = judged.reasons();
      }
      result.add(new Summary.StepStats(Instant.ofEpochMilli(step.startEpochMs()).toString(),
          Instant.ofEpochMilli(step.endEpochMs()).toString(), rate, step.users(), s.requests(),
          s.requestsPerSec(), errorRate, s.outputTokensPerSec(), s.ttftMs().p50(), s.ttftMs().p95(),
          s.itlMs().p95(), s.e2eMs().p50(), s.e2eMs().p95(), failed.isEmpty(), failed,
          judged == null ? null : judged.offeredPerSec(), judged == null ? null : judged.usersPerSec(),
          judged == null ? null : judged.arrivalsPerSec(), judged == null ? null : judged.achievedPerSec(),
          judged == null ? null : judged.steady(), judged == null ? null : judged.users()));
    }
    return result;
  }

  /**
   * A capacity run without the search's {@code capacity.json} (a run folder of an older version, or merged shards):
   * the highest step that passed, what stopped the next one, and where the limit would lie.
   */
  private Summary.Capacity capacity(List<Summary.StepStats> stepStats) {
    int lastPass = -1;
    int firstFailAfter = -1;
    for (int i = 0; i < stepStats.size(); i++) {
      if (stepStats.get(i).passed()) {
        lastPass = i;
        firstFailAfter = -1;
      } else if (firstFailAfter < 0) {
        firstFailAfter = i;
      }
    }
    Double maxRate = lastPass < 0 ? null : stepStats.get(lastPass).requestsPerSec();
    if (firstFailAfter < 0) {
      return new Summary.Capacity(maxRate, null, null, null, null, null, null, null, null, List.of(), stepStats);
    }
    String limitedBy = stepStats.get(firstFailAfter).failed().get(0);
    Double predicted = null;
    if (lastPass >= 0) {
      Slo slo = slos.stream().filter(s -> s.expr().equals(limitedBy)).findFirst().orElse(null);
      Stats pass = steps.get(lastPass).toStats(stepSeconds(lastPass));
      Stats fail = steps.get(firstFailAfter).toStats(stepSeconds(firstFailAfter));
      Double a1 = slo == null ? null : pass.metric(slo.metric(), slo.stat());
      Double a2 = slo == null ? null : fail.metric(slo.metric(), slo.stat());
      double r1 = pass.requestsPerSec();
      double r2 = fail.requestsPerSec();
      if (a1 != null && a2 != null && a2.doubleValue() != a1.doubleValue()) {
        double crossing = r1 + (slo.threshold() - a1) * (r2 - r1) / (a2 - a1);
        predicted = Double.isFinite(crossing) ? MetricRecorder.round3(crossing) : null;
      }
    }
    return new Summary.Capacity(maxRate, null, null, null, limitedBy, predicted, null, null, null, List.of(),
        stepStats);
  }

  private double stepSeconds(int i) {
    LoadStep step = meta.steps().get(i);
    return Math.max(0, step.endEpochMs() - step.startEpochMs()) / 1000.0;
  }

  /** A server-reported timing: how many OK requests carried it and its percentiles. */
  record ServerMetric(long samples, Pct pct) {
  }

  /** Everything aggregated from one run. */
  record RunAggregate(Summary summary, TimeSeriesAggregator.Series series,
                      Map<String, MetricRecorder.Distribution> distributions, Map<String, ServerMetric> server,
                      List<Summary.StepStats> steps, long skippedLines,
                      Map<String, Map<String, List<Double>>> resources) {
  }
}
