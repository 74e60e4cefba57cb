package io.llmgatling.report;

import java.nio.file.Path;
import java.util.List;

/** Benchmark entry: {@code ReportBench <runDir>} generates the run's report from its run.json and prints the time. */
public final class ReportBench {
  private ReportBench() {
  }

  public static void main(String[] args) throws Exception {
    Path runDir = Path.of(args[0]);
    RunMeta meta = RunMeta.read(runDir);
    long start = System.nanoTime();
    Summary summary = LlmReport.generate(runDir, meta, List.of());
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;
    System.out.printf("requests=%d generateMs=%d%n", summary.all().requests(), elapsedMs);
  }
}
