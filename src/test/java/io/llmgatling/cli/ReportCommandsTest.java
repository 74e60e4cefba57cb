package io.llmgatling.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgatling.report.LlmReport;
import io.llmgatling.report.RunMeta;
import io.llmgatling.report.Summary;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCommandsTest {
  private static final long START = 1_700_000_000_000L;

  @TempDir
  Path tmp;

  private Path run(String id, int count, double ttft) throws IOException {
    Path dir = tmp.resolve(id);
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < count; i++) {
      lines.append(String.format(java.util.Locale.ROOT, "{\"id\":%d,\"task\":\"chat\",\"model\":\"m1\","
          + "\"intendedAtMs\":%d,\"ttftMs\":%.1f,\"e2eMs\":%.1f,\"outputTokens\":10,\"ok\":true}%n",
          i, START + i * 100L, ttft, ttft * 2));
    }
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("requests.jsonl"), lines);
    RunMeta meta = new RunMeta(id, "Sim", START, START + 10_000, "1/1", "ollama", "http://127.0.0.1:11434",
        List.of("m1"), List.of(), "constant", List.of(), false, null, Map.of());
    meta.write(dir);
    LlmReport.generate(dir, meta, List.of());
    return dir;
  }

  private static int cli(String... args) {
    PrintStream out = System.out;
    try {
      System.setOut(new PrintStream(new ByteArrayOutputStream()));
      return LlmGatlingCli.run(args);
    } finally {
      System.setOut(out);
    }
  }

  @Test
  void should_exit_1_on_a_regression_and_0_otherwise() throws IOException {
    Path base = run("base", 100, 100);
    Path slower = run("slower", 100, 130);
    String baseline = base.resolve("summary.json").toString();
    assertThat(cli("baseline", slower.toString(), "--baseline", baseline)).isEqualTo(1);
    assertThat(cli("baseline", slower.toString(), "--baseline", baseline, "--tolerance", "40%")).isZero();
    assertThat(cli("baseline", slower.toString(), "--baseline", baseline, "--metrics", "requestsPerSec,errorRate"))
        .isZero();
    assertThat(cli("baseline", base.toString(), "--baseline", baseline)).isZero();
  }

  @Test
  void should_exit_2_on_user_mistakes() throws IOException {
    Path base = run("base", 10, 100);
    assertThat(cli("baseline", tmp.resolve("missing").toString(), "--baseline", base + "/summary.json")).isEqualTo(2);
    assertThat(cli("baseline", base.toString(), "--baseline", tmp.resolve("nope.json").toString())).isEqualTo(2);
    assertThat(cli("baseline", base.toString(), "--baseline", base + "/summary.json", "--tolerance", "lots"))
        .isEqualTo(2);
    assertThat(cli("compare", base.toString(), tmp.resolve("missing").toString(), "--out", tmp.resolve("c").toString()))
        .isEqualTo(2);
    assertThat(cli("merge", tmp.resolve("missing").toString(), "--out", tmp.resolve("m").toString())).isEqualTo(2);
  }

  @Test
  void should_compare_and_merge_from_the_command_line() throws IOException {
    Path a = run("a", 50, 100);
    Path b = run("b", 50, 200);
    assertThat(cli("compare", a.toString(), b.toString(), "--out", tmp.resolve("cmp").toString())).isZero();
    assertThat(tmp.resolve("cmp/index.html")).exists();
    assertThat(cli("merge", a.toString(), b.toString(), "--out", tmp.resolve("merged").toString())).isZero();
    assertThat(Summary.read(tmp.resolve("merged")).all().requests()).isEqualTo(100);
  }
}
