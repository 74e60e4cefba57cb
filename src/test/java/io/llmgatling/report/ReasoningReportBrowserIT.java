package io.llmgatling.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgatling.engine.record.RequestRecord;
import io.llmgatling.json.Json;
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

/** A run against a reasoning model in headless Chromium: first token vs first answer, the reasoning-only warning. */
class ReasoningReportBrowserIT {
  private static final long START = 1_700_000_000_000L;

  @TempDir
  Path tmp;

  @BeforeEach
  void chromium() {
    HeadlessChromium.requireChromium();
  }

  /** A request that thought {@code reasoning} tokens (ttft 100 ms, first answer 10 ms a thinking token later). */
  static RequestRecord thinking(long id, String task, long at, int reasoning, boolean answered) {
    double ttft = 100 + id % 7;
    Double ttfa = answered ? ttft + 10.0 * reasoning : null;
    int output = reasoning + (answered ? 40 : 0);
    return new RequestRecord(id, task, "qwen3:4b", "ollama", "chat", true, at, 0.5, 90.0, ttft,
        (answered ? ttfa : ttft + 10.0 * reasoning) + 400, 10.0, 10.0, null, 20, output, "server", output, null, null,
        null, null, null, 200, true, answered ? null : RequestRecord.BUDGET_EXHAUSTED, answered ? null : "limit",
        answered ? "stop" : "length", false, null, false, ttfa, reasoning, answered ? 40 : 0, null, false, null);
  }

  @Test
  void should_show_first_token_against_first_answer_and_warn_of_reasoning_only_requests() throws Exception {
    Path runDir = tmp.resolve("reasoning");
    List<RequestRecord> records = new ArrayList<>();
    for (int i = 1; i <= 60; i++) {
      records.add(thinking(i, i % 2 == 0 ? "chat" : "code", START + i * 500L, 60 + i, i % 10 != 0));
    }
    records.add(SyntheticRuns.ok(61, "chat", "llama3.2:3b", START + 31_000, 80.0, 500.0, 30, null));
    SyntheticRuns.write(runDir, records);
    RunMeta meta = new RunMeta("reasoning-run", "MultiTaskSimulation", START, START + 32_000, "1/1", "ollama",
        "http://127.0.0.1:11434", List.of("qwen3:4b"), List.of("ttfa.p95<5s"), "constant", List.of(), false, null,
        java.util.Map.of());
    Summary summary = LlmReport.generate(runDir, meta, List.of(Slo.parse("ttfa.p95<5s")));

    assertThat(summary.all().reasoningOnly()).isEqualTo(6);
    assertThat(summary.all().reasoningTokens()).isEqualTo(records.stream().limit(60)
        .mapToLong(RequestRecord::reasoningTokens).sum());
    assertThat(summary.all().answerTokens()).isEqualTo(54 * 40 + 30);
    assertThat(summary.all().ko()).isZero();
    assertThat(summary.all().ttfaMs().p95()).isGreaterThan(summary.all().ttftMs().p95());
    assertThat(summary.slo()).singleElement().satisfies(s -> assertThat(s.actual()).isEqualTo(
        summary.all().ttfaMs().p95()));
    assertThat(Json.MAPPER.readTree(runDir.resolve("summary.json").toFile()).at("/tasks/chat/reasoningOnly").asLong())
        .as("every tenth request, all of them even: chat").isEqualTo(6);

    String dom = HeadlessChromium.dumpDom(runDir.resolve("index.html"), tmp.resolve("profile"));
    assertThat(intOf("data-errors=\"(\\d+)\"", dom)).as(dom.length() > 3000 ? "page errors" : dom).isZero();
    assertThat(intOf("data-rendered=\"(\\d+) charts\"", dom)).isEqualTo(intOf("data-expected-charts=\"(\\d+)\"", dom));
    assertThat(dom).contains("Reasoning", "First answer (TTFA) p95", "First answer token, TTFA (ms)",
        "6 request(s) reached their token limit while still reasoning");
    HeadlessChromium.screenshot(runDir.resolve("index.html"), tmp.resolve("profile"),
        Path.of("target", "reasoning-report-screenshot.png"));
  }

  private static int intOf(String pattern, String dom) {
    Matcher m = Pattern.compile(pattern).matcher(dom);
    assertThat(m.find()).as("%s in the DOM", pattern).isTrue();
    return Integer.parseInt(m.group(1));
  }
}
