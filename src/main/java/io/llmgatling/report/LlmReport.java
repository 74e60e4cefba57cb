package io.llmgatling.report;

import io.llmgatling.workload.Slo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** STUB (replaced by the report branch). */
public final class LlmReport {
  public static Summary generate(Path runDir, RunMeta meta, List<Slo> slos) throws IOException {
    throw new UnsupportedOperationException();
  }
}
