package io.llmgatling.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConsoleSummaryTraceTest {

  @Test
  void should_print_the_replay_lag_of_a_trace_run() throws Exception {
    JsonNode summary = new ObjectMapper().readTree("""
        {"all": {"requests": 167, "ko": 0},
         "trace": {"file": "t.jsonl", "requests": 167, "sessions": 8, "skippedLines": 1,
           "lagMs": {"p50": 0.84, "p90": 1.5, "p95": 2, "p99": 4.2, "max": 12.5, "mean": 1}, "late": 1},
         "slo": [], "passed": true}
        """);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    ConsoleSummary.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), summary, Path.of("results/r1"));

    assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("trace replay: 167 requests (8 sessions); lag (sent"
        + " − recorded) p50/p99/max 0.84/4.20/12.5 ms, 1 sent over 10 ms late; 1 malformed lines skipped");
  }

  @Test
  void should_print_no_trace_line_for_other_runs() {
    assertThat(ConsoleSummary.traceLine(new ObjectMapper().createObjectNode().path("trace"))).isNull();
  }
}
