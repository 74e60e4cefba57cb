package io.llmgatling.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgatling.engine.record.RequestRecord;
import io.llmgatling.workload.Slo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportEscapingTest {
  static final String HOSTILE = "<script>alert(1)</script>";
  private static final long START = 1_700_000_000_000L;

  @TempDir
  Path runDir;

  /** A run whose model, task, error message, SLO, run id and link carry markup. */
  static Summary hostileRun(Path runDir) throws IOException {
    List<RequestRecord> records = new java.util.ArrayList<>();
    for (int i = 0; i < 50; i++) {
      records.add(SyntheticRuns.ok(i, HOSTILE, HOSTILE + "\u2028model", START + i * 100L, 100.0 + i, 900.0 + i,
          20, new double[] {10, 12, 15}));
      records.add(SyntheticRuns.ok(100 + i, "chat", "m1", START + i * 100L, 50.0 + i, 500.0 + i, 20, null));
    }
    records.add(SyntheticRuns.ko(999, HOSTILE, HOSTILE, START + 2000, "http_503", HOSTILE + "</script><!--"));
    SyntheticRuns.write(runDir, records);
    RunMeta meta = new RunMeta("run-" + HOSTILE, HOSTILE, START, START + 10_000, "1/1", "openai",
        "http://127.0.0.1:1/" + HOSTILE, List.of(HOSTILE), List.of(HOSTILE), "constant", List.of(), true,
        "javascript:alert(1)", Map.of("note", HOSTILE));
    return LlmReport.generate(runDir, meta,
        List.of(new Slo(HOSTILE + ":ttft.p95<2s", HOSTILE, "ttft", "p95", true, 2000)));
  }

  @Test
  void should_never_write_markup_from_data_unescaped() throws IOException {
    Summary summary = hostileRun(runDir);
    assertThat(summary.tasks()).containsKey(HOSTILE);

    String page = Files.readString(runDir.resolve("index.html"));
    assertThat(page).doesNotContain("<script>alert(1)").doesNotContain("alert(1)</script>")
        .doesNotContain("javascript:alert").doesNotContain("\u2028").doesNotContain("<!--\"");
    assertThat(page).contains("\\u003Cscript\\u003Ealert(1)\\u003C/script\\u003E");
    // the data blob closes exactly where the template closes it
    int blob = page.indexOf("id=\"report-data\">");
    int close = page.indexOf("</script>", blob);
    assertThat(page.substring(blob, close)).doesNotContain("<").doesNotContain(">\u0000");
    assertThat(page.substring(close)).startsWith("</script>\n<script>");
  }

  @Test
  void should_keep_the_summary_json_faithful_to_the_data() throws IOException {
    hostileRun(runDir);
    assertThat(Summary.read(runDir).target().models()).containsExactly(HOSTILE);
    assertThat(Summary.read(runDir).models()).containsKey(HOSTILE + "\u2028model");
  }

  @Test
  void should_drop_links_that_are_not_plain_relative_paths() {
    assertThat(LlmReport.safeRelativeLink("gatling/run-1/index.html")).isEqualTo("gatling/run-1/index.html");
    assertThat(LlmReport.safeRelativeLink("javascript:alert(1)")).isNull();
    assertThat(LlmReport.safeRelativeLink("//evil.example/x")).isNull();
    assertThat(LlmReport.safeRelativeLink("/etc/passwd")).isNull();
    assertThat(LlmReport.safeRelativeLink(null)).isNull();
  }
}
