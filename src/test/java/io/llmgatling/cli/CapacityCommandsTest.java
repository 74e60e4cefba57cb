package io.llmgatling.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.data.Percentage.withPercentage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgatling.capacity.SyntheticServer;
import io.llmgatling.engine.record.RequestRecord;
import io.llmgatling.simulator.ModelSpec;
import io.llmgatling.simulator.SimulatorConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CapacityCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  /** A run folder holding closed-loop runs at 1, 2 and 4 users against 2 slots of 480 ms (4.17 req/s). */
  private Path twoSlotRun() throws IOException {
    List<RequestRecord> records = new ArrayList<>();
    double start = 0;
    for (int users : new int[] {1, 2, 4}) {
      records.addAll(new SyntheticServer(2, 1000, 50, 0).prompts(80).closed(users, 15_000, start));
      start += 80_000;
    }
    Path dir = tmp.resolve("run");
    Files.createDirectories(dir);
    StringBuilder lines = new StringBuilder();
    for (RequestRecord r : records) {
      lines.append(JSON.writeValueAsString(r)).append('\n');
    }
    Files.writeString(dir.resolve("requests.jsonl"), lines);
    return dir;
  }

  /** Runs the CLI; returns the exit code, stdout and stderr. */
  private static String[] cli(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int code = LlmGatlingCli.run(args);
      return new String[] {Integer.toString(code), o.toString(StandardCharsets.UTF_8),
          e.toString(StandardCharsets.UTF_8)};
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void should_predict_twice_the_capacity_with_twice_the_slots_and_write_whatif_json() throws IOException {
    Path run = twoSlotRun();

    String[] result = cli("whatif", run.toString(), "--slots", "4", "--slo", "ttft.p95<2s", "--rate", "3");

    assertThat(result[0]).as(result[2]).isEqualTo("0");
    assertThat(result[1]).contains("2 slots (where requests began to wait)").contains("What-if (4 slots)")
        .contains("At 3 req/s: TTFT p50 0.10 s");
    JsonNode whatif = JSON.readTree(run.resolve("whatif.json").toFile());
    assertThat(whatif.path("asMeasured").path("maxRatePerSec").asDouble()).isCloseTo(2 / 0.48, withPercentage(5));
    assertThat(whatif.path("predicted").path("maxRatePerSec").asDouble()).isCloseTo(4 / 0.48, withPercentage(5));
    assertThat(whatif.path("predicted").path("atRate").path("e2eP50Ms").asDouble()).isCloseTo(480, withPercentage(5));
    assertThat(whatif.path("model").path("slots").asInt()).isEqualTo(2);
  }

  @Test
  void should_write_a_simulator_profile_that_the_simulator_reads() throws IOException {
    Path run = twoSlotRun();

    String[] result = cli("calibrate", run.toString(), "--name", "box", "--out", tmp.resolve("uf").toString());

    assertThat(result[0]).as(result[2]).isEqualTo("0");
    SimulatorConfig config = SimulatorConfig.fromFile(tmp.resolve("uf/simulator-box.json"), null);
    assertThat(config.slots()).isEqualTo(2);
    assertThat(config.jitter()).isZero();
    ModelSpec m = config.model("m1");
    assertThat(m).isNotNull();
    assertThat(m.prefillTokensPerSec()).isCloseTo(1000, withPercentage(10));
    assertThat(m.decodeTokensPerSec()).isCloseTo(50, withPercentage(10));
  }

  @Test
  void should_write_the_servers_slots_tokenizer_and_answer_length_into_the_profile() throws IOException {
    Path run = twoSlotRun(); // every answer runs to its 20-token limit

    String[] result = cli("calibrate", run.toString(), "--name", "box", "--out", tmp.resolve("uf").toString(),
        "--slots", "3", "--chars-per-token", "1.5", "--message-tokens", "28", "--prefix-cache", "prompt", "--jitter",
        "0.1");

    assertThat(result[0]).as(result[2]).isEqualTo("0");
    SimulatorConfig config = SimulatorConfig.fromFile(tmp.resolve("uf/simulator-box.json"), null);
    assertThat(config.slots()).isEqualTo(3);
    assertThat(config.charsPerToken()).isEqualTo(1.5);
    assertThat(config.messageTokens()).isEqualTo(28);
    assertThat(config.minOutputTokens()).isEqualTo(20);
    assertThat(config.maxOutputTokens()).isGreaterThanOrEqualTo(20);
    assertThat(config.models()).allMatch(m -> m.isEmbedding() || "prompt".equals(m.prefixCache()));
    assertThat(config.jitter()).isEqualTo(0.1);
  }

  @Test
  void should_write_the_measured_prefill_table_and_the_template_tokens_the_cache_does_not_serve() throws IOException {
    java.util.Map<String, Double> prefill = new java.util.LinkedHashMap<>(); // keys ascending, as a ModelSpec holds them
    prefill.put("1", 1000.0);
    prefill.put("2", 800.0);
    prefill.put("4", 500.0);
    List<RequestRecord> records = new ArrayList<>();
    double start = 0;
    for (int users : new int[] {1, 2, 4}) {
      // 8 of every 80-token prompt served from the cache
      records.addAll(new SyntheticServer(2, 1000, 50, 0).prompts(80).cached(0.1).prefillTable(prefill)
          .closed(users, 15_000, start));
      start += 80_000;
    }
    Path dir = writeRun("run", records);

    String[] result = cli("calibrate", dir.toString(), "--name", "box", "--out", tmp.resolve("uf").toString(),
        "--slots", "2", "--prompt-token-offset", "20");

    assertThat(result[0]).as(result[2]).isEqualTo("0");
    assertThat(result[1]).contains("prefill table").contains("template: 8 of the 20 tokens");
    ModelSpec m = SimulatorConfig.fromFile(tmp.resolve("uf/simulator-box.json"), null).model("m1");
    assertThat(m.prefillTable()).containsOnlyKeys("1", "2", "4");
    prefill.forEach((n, rate) -> assertThat(m.prefillTable().get(n)).as("prefill at %s", n)
        .isCloseTo(rate, withPercentage(3)));
    assertThat(m.prefillTokensPerSec()).isEqualTo(m.prefillTable().get("1"));
    // the 12 template tokens the cache does not serve, at the rate of one request alone
    assertThat(m.prefillOverheadMs()).isCloseTo(12.0, withPercentage(3));
  }

  @Test
  void should_write_the_spread_of_the_prompt_times_as_the_models_prefill_jitter() throws IOException {
    // every prefill and interval times a uniform draw in [0.7, 1.3]: quartiles 0.85 and 1.15, ln(1.15 / 0.85) / 1.349
    List<RequestRecord> records = new ArrayList<>();
    double start = 0;
    for (int users : new int[] {1, 2, 4}) {
      records.addAll(new SyntheticServer(2, 400, 100, 0.1).noise(0.3, users).reportPromptEval(true)
          .prompts(50, 100, 200, 400).outputs(32).closed(users, 60_000, start));
      start += 120_000;
    }
    Path dir = writeRun("noisy", records);

    String[] result = cli("calibrate", dir.toString(), "--name", "box", "--out", tmp.resolve("uf").toString(),
        "--slots", "2");

    assertThat(result[0]).as(result[2]).isEqualTo("0");
    assertThat(result[1]).contains("prompt times: log-normal spread");
    SimulatorConfig config = SimulatorConfig.fromFile(tmp.resolve("uf/simulator-box.json"), null);
    assertThat(config.model("m1").prefillJitter()).isCloseTo(0.224, within(0.04));
    assertThat(config.jitter()).isZero(); // the token intervals: a batch's streams share their timing
  }

  private Path writeRun(String name, List<RequestRecord> records) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve(name));
    StringBuilder lines = new StringBuilder();
    for (RequestRecord r : records) {
      lines.append(JSON.writeValueAsString(r)).append('\n');
    }
    Files.writeString(dir.resolve("requests.jsonl"), lines);
    return dir;
  }

  @Test
  void should_refuse_bad_input_in_one_line_with_exit_code_2() throws IOException {
    Path run = twoSlotRun();
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    Files.writeString(empty.resolve("requests.jsonl"), "{\"id\":1,\"ok\":false}\n");
    List<String[]> mistakes = List.of(
        cli("whatif", tmp.resolve("missing").toString()),
        cli("whatif", tmp.toString()),
        cli("whatif", empty.toString()),
        cli("whatif", run.toString(), "--slo", "ttft.p95<<2s"),
        cli("whatif", run.toString(), "--slots", "0"),
        cli("whatif", run.toString(), "--rate", "-1"),
        cli("whatif", run.toString(), "--slots", "many"),
        cli("calibrate", tmp.resolve("missing").toString(), "--name", "x"),
        cli("calibrate", empty.toString(), "--name", "x", "--out", tmp.resolve("uf").toString()),
        cli("calibrate", run.toString(), "--name", "../evil", "--out", tmp.resolve("uf").toString()),
        cli("calibrate", run.toString(), "--name", "x", "--out", tmp.resolve("uf").toString(), "--prefix-cache", "all"),
        cli("calibrate", run.toString(), "--name", "x", "--out", tmp.resolve("uf").toString(), "--message-tokens",
            "-1"),
        cli("calibrate", run.toString()));
    for (String[] m : mistakes) {
      assertThat(m[0]).as(m[2]).isEqualTo("2");
      assertThat(m[2].strip().lines()).as(m[2]).hasSize(1);
      assertThat(m[2]).startsWith("error: ").doesNotContain("Exception").doesNotContain("\tat ");
    }
  }
}
