package io.llmgatling.report;

import com.fasterxml.jackson.databind.ObjectWriter;
import io.llmgatling.engine.record.RequestRecord;
import io.llmgatling.json.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Synthetic runs for tests and the benchmark. As a program:
 * {@code SyntheticRuns <runDir> <requests>} writes a realistic run (run.json + requests.jsonl) of that size.
 */
public final class SyntheticRuns {
  private static final ObjectWriter WRITER = Json.MAPPER.writerFor(RequestRecord.class);

  private SyntheticRuns() {
  }

  static RequestRecord ok(long id, String task, String model, long intendedAtMs, Double ttftMs, double e2eMs,
                          Integer outputTokens, double[] gaps) {
    Double itl = ttftMs == null || outputTokens == null || outputTokens < 2 ? null
        : (e2eMs - ttftMs) / (outputTokens - 1);
    return new RequestRecord(id, task, model, "openai", ttftMs == null ? "embed" : "chat", ttftMs != null,
        intendedAtMs, 0.5, 5.0, ttftMs, e2eMs, itl, itl, gaps, 20, outputTokens, "server", outputTokens,
        null, null, null, null, null, 200, true, null, null, "stop");
  }

  static RequestRecord ko(long id, String task, String model, long intendedAtMs, String cause, String message) {
    return new RequestRecord(id, task, model, "openai", "chat", true, intendedAtMs, 0.5, null, null, 3.0,
        null, null, null, null, null, null, null, null, null, null, null, null,
        cause.startsWith("http_") ? Integer.parseInt(cause.substring(5)) : null, false, cause, message, null);
  }

  static RunMeta meta(String id, long startMs, long endMs, List<LoadStep> steps, String profile) {
    return new RunMeta(id, "SyntheticSimulation", startMs, endMs, "1/1", "openai", "http://127.0.0.1:8080",
        List.of("m1"), List.of(), profile, steps, false, "gatling/index.html", Map.of("rate", 10));
  }

  static void write(Path runDir, Iterable<RequestRecord> records) throws IOException {
    Files.createDirectories(runDir);
    try (BufferedWriter out = Files.newBufferedWriter(runDir.resolve("requests.jsonl"), StandardCharsets.UTF_8)) {
      for (RequestRecord r : records) {
        out.write(WRITER.writeValueAsString(r));
        out.write('\n');
      }
    }
  }

  /** A run resembling a real mix: chat (streamed, gaps), completion, long-context, embeddings and some errors. */
  public static void main(String[] args) throws IOException {
    Path runDir = Path.of(args[0]);
    int count = Integer.parseInt(args[1]);
    double ratePerSec = 200;
    long start = 1_700_000_000_000L;
    long end = start + (long) (count / ratePerSec * 1000) + 30_000;
    meta(runDir.getFileName().toString(), start, end, List.of(), "constant").write(runDir);
    SplittableRandom random = new SplittableRandom(42);
    String[] tasks = {"chat", "chat", "chat", "completion", "long-context", "embeddings"};
    String[] models = {"llama3.2:1b", "qwen2.5:0.5b"};
    Files.createDirectories(runDir);
    try (BufferedWriter out = Files.newBufferedWriter(runDir.resolve("requests.jsonl"), StandardCharsets.UTF_8)) {
      for (int i = 1; i <= count; i++) {
        long intended = start + (long) (i / ratePerSec * 1000);
        String task = tasks[random.nextInt(tasks.length)];
        String model = models[random.nextInt(models.length)];
        RequestRecord r;
        if (random.nextInt(100) < 2) {
          r = ko(i, task, model, intended, random.nextBoolean() ? "http_503" : "timeout", "synthetic failure");
        } else if (task.equals("embeddings")) {
          r = ok(i, task, model, intended, null, 5 + random.nextDouble(20), null, null);
        } else {
          int tokens = 16 + random.nextInt(112);
          double ttft = 50 + random.nextDouble(400) * (task.equals("long-context") ? 5 : 1);
          double[] gaps = new double[tokens - 1];
          double sum = 0;
          for (int g = 0; g < gaps.length; g++) {
            gaps[g] = Math.round((8 + random.nextDouble(20)) * 1000) / 1000.0;
            sum += gaps[g];
          }
          r = ok(i, task, model, intended, Math.round(ttft * 1000) / 1000.0, ttft + sum, tokens, gaps);
        }
        out.write(WRITER.writeValueAsString(r));
        out.write('\n');
      }
    }
  }
}
