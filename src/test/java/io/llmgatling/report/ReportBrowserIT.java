package io.llmgatling.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgatling.engine.record.RequestRecord;
import io.llmgatling.workload.Slo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opens generated pages in headless Chromium: charts drawn, no script error, nothing fetched. */
class ReportBrowserIT {
  private static final long START = 1_700_000_000_000L;
  private static final Pattern RENDERED = Pattern.compile("data-rendered=\"(\\d+) charts\"");
  private static final Pattern EXPECTED = Pattern.compile("data-expected-charts=\"(\\d+)\"");
  private static final Pattern ERRORS = Pattern.compile("data-errors=\"(\\d+)\"");

  @TempDir
  Path tmp;

  @BeforeEach
  void chromium() {
    HeadlessChromium.requireChromium();
  }

  /** A stairs run with server timings, errors and markup in its names. */
  private Path richRun() throws Exception {
    Path runDir = tmp.resolve("rich");
    List<RequestRecord> records = new ArrayList<>();
    List<LoadStep> steps = new ArrayList<>();
    long id = 0;
    for (int step = 0; step < 4; step++) {
      int rate = 5 * (step + 1);
      long stepStart = START + step * 15_000L;
      steps.add(new LoadStep(stepStart, stepStart + 15_000, rate, 0));
      for (int i = 0; i < rate * 15; i++) {
        long at = stepStart + i * 1000L / rate;
        String task = i % 3 == 0 ? ReportEscapingTest.HOSTILE : "chat";
        if (i % 17 == 0) {
          records.add(SyntheticRuns.ko(++id, task, "m1", at, i % 2 == 0 ? "http_503" : "timeout", "x"));
          continue;
        }
        double ttft = 80 + 40 * step * step + (i % 10) * 5;
        RequestRecord ok = SyntheticRuns.ok(++id, task, i % 2 == 0 ? "m1" : ReportEscapingTest.HOSTILE, at, ttft,
            ttft + 400 + (i % 7) * 30, 20 + i % 30, new double[] {12, 15, 18 + i % 5});
        records.add(new RequestRecord(ok.id(), ok.task(), ok.model(), ok.api(), ok.operation(), ok.stream(),
            ok.intendedAtMs(), ok.clientDelayMs(), ok.headersMs(), ok.ttftMs(), ok.e2eMs(), ok.itlMs(), ok.tpotMs(),
            ok.chunkGapsMs(), ok.promptTokens(), ok.outputTokens(), ok.outputTokensSource(), ok.contentChunks(),
            5.0 + step * 20, 0.5, 30.0, 300.0, 340.0 + step * 20, 200, true, null, null, "stop"));
      }
    }
    SyntheticRuns.write(runDir, records);
    StringBuilder resources = new StringBuilder(); // one sample a second of each source, as a run writes them
    for (int s = 1; s < 60; s++) {
      long t = START + s * 1000L;
      resources.append("{\"t\":").append(t).append(",\"source\":\"process\",\"cpuPercent\":").append(100 + s)
          .append(",\"rssMb\":").append(4000 + s).append("}\n")
          .append("{\"t\":").append(t).append(",\"source\":\"gpu\",\"gpus\":2,\"utilPercent\":").append(s)
          .append(",\"memoryMb\":40000,\"powerW\":").append(200 + s).append("}\n")
          .append("{\"t\":").append(t).append(",\"source\":\"server\",\"busySlots\":").append(s % 5)
          .append(",\"slots\":4,\"requestsDeferred\":").append(s / 15).append(",\"vramMb\":2048}\n");
    }
    Files.writeString(runDir.resolve("resources.jsonl"), resources);
    RunMeta meta = new RunMeta("stairs-run", "StairsSimulation", START, START + 60_000, "1/1", "ollama",
        "http://127.0.0.1:11434", List.of("m1", ReportEscapingTest.HOSTILE), List.of("ttft.p95<300ms"), "stairs",
        steps, true, "gatling/index.html", java.util.Map.of());
    LlmReport.generate(runDir, meta, List.of(new Slo("ttft.p95<300ms", null, "ttft", "p95", true, 300),
        new Slo("errorRate<10%", null, "errorRate", null, true, 10)));
    return runDir.resolve("index.html");
  }

  @Test
  void should_render_every_chart_without_errors_or_network() throws Exception {
    Path page = richRun();
    String dom = HeadlessChromium.dumpDom(page, tmp.resolve("profile"));

    int rendered = intOf(RENDERED, dom);
    assertThat(intOf(ERRORS, dom)).as("page errors: %s", pageErrors(dom)).isZero();
    assertThat(rendered).isGreaterThanOrEqualTo(12).isEqualTo(intOf(EXPECTED, dom));
    assertThat(dom).contains("Latency vs load", "Server side", "Partial run", "Metric definitions",
        "http_503", "Gatling's HTTP report", "Server process CPU", "GPU power (W)", "Server slots and queue",
        "Wh per 1,000 output tokens");
    // markup in the data is shown as text, never parsed
    assertThat(dom).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>alert(1)");
    assertThat(dom.split("<canvas", -1).length - 1).isGreaterThanOrEqualTo(rendered);

    Path screenshot = Path.of("target", "report-screenshot.png");
    HeadlessChromium.screenshot(page, tmp.resolve("profile"), screenshot);
    assertThat(Files.size(screenshot)).isGreaterThan(20_000);
  }

  @Test
  void should_render_a_capacity_search_with_its_verdict_and_bracket() throws Exception {
    Path runDir = tmp.resolve("capacity");
    List<RequestRecord> records = new ArrayList<>();
    List<SearchStep> judged = new ArrayList<>();
    List<LoadStep> steps = new ArrayList<>();
    double[] rates = {1, 2, 4, 8, 6, 5, 4.5};
    long id = 0;
    for (int k = 0; k < rates.length; k++) {
      long start = START + k * 15_000L;
      boolean held = rates[k] <= 4;
      double achieved = Math.min(rates[k], 4.17);
      for (int i = 0; i < achieved * 10; i++) {
        double ttft = held ? 100 + i : 400 + 60 * i;
        records.add(SyntheticRuns.ok(++id, "chat", "m1", start + (long) (i * 1000 / achieved) - 500, ttft,
            ttft + 380, 20, null));
      }
      steps.add(new LoadStep(start, start + 10_000, rates[k], 0));
      judged.add(new SearchStep(start - 3_000, start, start + 10_000, rates[k], rates[k] / 1.35, rates[k], achieved,
          (long) (achieved * 10), held, held ? List.of() : List.of("throughput", "queue")));
    }
    SyntheticRuns.write(runDir, records);
    new SearchStep.Outcome(1.35, 4.0, 4.5, "bracket [4, 4.5] req/s within 10 %", judged, 2).write(runDir);
    RunMeta meta = new RunMeta("capacity-run", "MultiTaskSimulation", START - 3_000, START + 110_000, "1/1",
        "openai", "http://127.0.0.1:8080", List.of("m1"), List.of("ttft.p95<2s"), "capacity", steps, false, null,
        java.util.Map.of());
    LlmReport.generate(runDir, meta, List.of(new Slo("ttft.p95<2s", null, "ttft", "p95", true, 2000)));
    String dom = HeadlessChromium.dumpDom(runDir.resolve("index.html"), tmp.resolve("profile"));

    assertThat(intOf(ERRORS, dom)).as("page errors: %s", pageErrors(dom)).isZero();
    assertThat(intOf(RENDERED, dom)).isEqualTo(intOf(EXPECTED, dom));
    assertThat(dom).contains("CAPACITY FOUND", "Sustains 3.9 req/s", "Achieved vs offered (req/s)",
        "Latency p95 vs offered (ms)", "[4.00, 4.50]", "did not hold: throughput, queue");
    HeadlessChromium.screenshot(runDir.resolve("index.html"), tmp.resolve("profile"),
        Path.of("target", "capacity-report-screenshot.png"));
  }

  @Test
  void should_detect_a_page_that_tries_to_fetch() throws Exception {
    // the negative control: the same page with a request added must report it
    Path page = richRun();
    Path leaky = page.resolveSibling("leaky.html");
    Files.writeString(leaky, Files.readString(page).replace("<main id=\"report\"></main>",
        "<main id=\"report\"></main><img src=\"http://127.0.0.1:9/pixel.png\">"
            + "<script>fetch('http://127.0.0.1:9/data').catch(function () {});</script>"));
    String dom = HeadlessChromium.dumpDom(leaky, tmp.resolve("profile"));

    assertThat(intOf(ERRORS, dom)).isGreaterThanOrEqualTo(2);
    assertThat(pageErrors(dom)).contains("blocked request", "127.0.0.1:9");
  }

  @Test
  void should_render_a_comparison_of_two_runs() throws Exception {
    Path first = richRun().getParent();
    Path second = tmp.resolve("second");
    Files.createDirectories(second);
    ReportEscapingTest.hostileRun(second);
    Path out = tmp.resolve("compare");
    CompareReport.generate(List.of(first, second), out);
    String dom = HeadlessChromium.dumpDom(out.resolve("index.html"), tmp.resolve("profile"));

    assertThat(intOf(ERRORS, dom)).as("page errors: %s", pageErrors(dom)).isZero();
    assertThat(intOf(RENDERED, dom)).isGreaterThanOrEqualTo(8).isEqualTo(intOf(EXPECTED, dom));
    assertThat(dom).contains("Side by side", "stairs-run").doesNotContain("<script>alert(1)");
    HeadlessChromium.screenshot(out.resolve("index.html"), tmp.resolve("profile"),
        Path.of("target", "compare-screenshot.png"));
  }

  private static int intOf(Pattern pattern, String dom) {
    Matcher m = pattern.matcher(dom);
    assertThat(m.find()).as("%s in the DOM", pattern).isTrue();
    return Integer.parseInt(m.group(1));
  }

  private static String pageErrors(String dom) {
    Matcher m = Pattern.compile("<pre id=\"page-errors\"[^>]*>([^<]*)</pre>").matcher(dom);
    return m.find() ? m.group(1) : "";
  }
}
