package io.llmgatling.report;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.llmgatling.workload.Slo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The LLM report of one run: {@code summary.json} and the self-contained {@code index.html}.
 *
 * <pre>{@code
 * Summary summary = LlmReport.generate(Path.of("results/run-1"), meta, slos);
 * if (!summary.passed()) { ... }
 * }</pre>
 */
public final class LlmReport {
  /** The page's file name inside a run folder. */
  public static final String INDEX_FILE = "index.html";
  // a link to Gatling's report must stay a plain relative path: no scheme (javascript:), no absolute path
  private static final Pattern SAFE_RELATIVE_PATH = Pattern.compile("[A-Za-z0-9._~\\-][A-Za-z0-9._~\\-/]*");

  private LlmReport() {
  }

  /**
   * Reads runDir/requests.jsonl (streaming, line by line; never all in memory), aggregates, writes
   * runDir/summary.json and runDir/index.html.
   *
   * @param runDir the run folder (holds requests.jsonl; a missing file counts as no requests)
   * @param meta   what the records do not tell: times, target, profile, steps
   * @param slos   the SLOs to judge (run-wide and task-scoped)
   * @return the summary that was written
   */
  public static Summary generate(Path runDir, RunMeta meta, List<Slo> slos) throws IOException {
    RunAggregator.RunAggregate aggregate = RunAggregator.aggregate(runDir, meta, slos);
    aggregate.summary().write(runDir);
    HtmlPage.write(runDir.resolve(INDEX_FILE), RunPage.of(meta, aggregate));
    return aggregate.summary();
  }

  /** Null unless {@code path} is a harmless relative path. */
  static String safeRelativeLink(String path) {
    return path != null && SAFE_RELATIVE_PATH.matcher(path).matches() && !path.contains("//") ? path : null;
  }

  /** The data of a run's page. */
  @JsonPropertyOrder({"kind", "profile", "gatlingReport", "skippedLines", "summary", "series", "distributions",
      "server", "steps", "resources"})
  record RunPage(String kind, String profile, String gatlingReport, long skippedLines, Summary summary,
                 TimeSeriesAggregator.Series series, Map<String, MetricRecorder.Distribution> distributions,
                 Map<String, RunAggregator.ServerMetric> server, List<Summary.StepStats> steps,
                 Map<String, Map<String, List<Double>>> resources) {

    static RunPage of(RunMeta meta, RunAggregator.RunAggregate a) {
      return new RunPage("run", meta.profile(), safeRelativeLink(meta.gatlingReport()), a.skippedLines(),
          a.summary(), a.series(), a.distributions(), a.server(), a.steps(), a.resources());
    }
  }
}
