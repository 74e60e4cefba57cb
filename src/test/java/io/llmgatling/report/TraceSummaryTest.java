package io.llmgatling.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgatling.engine.record.RequestRecord;
import io.llmgatling.workload.Slo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code summary.json → trace} of a trace replay: the replay lag from the requests' client delay. */
class TraceSummaryTest {
  private static final long START = 1_700_000_000_000L;

  @TempDir
  Path runDir;

  private static RequestRecord sentLate(long id, double lagMs) {
    RequestRecord r = SyntheticRuns.ok(id, "chat", "m1", START + id * 100, 50.0, 200, 11, null);
    return new RequestRecord(r.id(), r.task(), r.model(), r.api(), r.operation(), r.stream(), r.intendedAtMs(),
        lagMs, r.headersMs(), r.ttftMs(), r.e2eMs(), r.itlMs(), r.tpotMs(), r.chunkGapsMs(), r.promptTokens(),
        r.outputTokens(), r.outputTokensSource(), r.contentChunks(), r.queueMs(), r.loadMs(), r.promptEvalMs(),
        r.evalMs(), r.serverTotalMs(), r.status(), r.ok(), r.cause(), r.message(), r.finishReason());
  }

  @Test
  void should_summarise_the_replay_lag_and_the_trace_of_a_trace_run() throws IOException {
    List<RequestRecord> records = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      records.add(sentLate(i, i <= 97 ? 1.0 : 40.0 + i)); // 3 requests over 10 ms late
    }
    SyntheticRuns.write(runDir, records);
    RunMeta meta = new RunMeta("r1", "MultiTaskSimulation", START, START + 20_000, "1/1", "ollama", "http://x",
        List.of("m1"), List.of(), "trace", List.of(), false, null, Map.of("trace", Map.of("file",
        "user-files/traces/sample.jsonl", "requests", 100, "sessions", 4, "skippedLines", 2)));

    Summary summary = LlmReport.generate(runDir, meta, List.of(Slo.parseList("errorRate<1%").get(0)));

    Summary.Trace trace = summary.trace();
    assertThat(trace.file()).isEqualTo("user-files/traces/sample.jsonl");
    assertThat(trace.requests()).isEqualTo(100);
    assertThat(trace.sessions()).isEqualTo(4);
    assertThat(trace.skippedLines()).isEqualTo(2);
    assertThat(trace.lagMs()).isEqualTo(summary.all().clientDelayMs());
    assertThat(trace.lagMs().p50()).isEqualTo(1.0);
    assertThat(trace.lagMs().max()).isEqualTo(140.0);
    assertThat(trace.late()).isEqualTo(3);
    assertThat(Summary.read(runDir).trace()).isEqualTo(trace);
    assertThat(Files.readString(runDir.resolve("index.html"))).contains("\"lagMs\"");
  }

  @Test
  void should_write_no_trace_for_other_profiles() throws IOException {
    SyntheticRuns.write(runDir, List.of(sentLate(1, 50)));

    Summary summary = LlmReport.generate(runDir, SyntheticRuns.meta("r1", START, START + 1000, List.of(),
        "constant"), List.of());

    assertThat(summary.trace()).isNull();
  }
}
