package io.llmgatling.report;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.llmgatling.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything about a run that is not in requests.jsonl; written by the run code as
 * {@code results/<run>/run.json} (Jackson).
 *
 * @param id            run id (the results folder name)
 * @param simulation    simulation class or name
 * @param startEpochMs  run start, epoch millis
 * @param endEpochMs    run end, epoch millis (the rates of the summary are over end − start)
 * @param shard         {@code i/n}, or {@code merged n} for a merged run
 * @param api           API family targeted: ollama | openai | lmstudio | llamacpp
 * @param baseUrl       server root, never with credentials
 * @param models        models asked for
 * @param slo           raw SLO expressions, run-wide and task-scoped
 * @param profile       constant | ramp | poisson | stairs | closed | capacity
 * @param steps         load steps for stairs/capacity runs (latency vs load); may be empty
 * @param partial       whether the run was interrupted
 * @param gatlingReport path of Gatling's index.html relative to the run folder, or null
 * @param workload      the resolved workload settings, compared by {@code compare} to warn about differences
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunMeta(String id, String simulation, long startEpochMs, long endEpochMs, String shard,
                      String api, String baseUrl, List<String> models,
                      List<String> slo,
                      String profile,
                      List<LoadStep> steps,
                      boolean partial, String gatlingReport,
                      Map<String, Object> workload) {

  /** The file name inside a run folder. */
  public static final String FILE_NAME = "run.json";

  public RunMeta {
    models = models == null ? List.of() : List.copyOf(models);
    slo = slo == null ? List.of() : List.copyOf(slo);
    steps = steps == null ? List.of() : List.copyOf(steps);
    workload = workload == null ? Map.of() : workload;
  }

  /** Reads {@code runDir/run.json}. */
  public static RunMeta read(Path runDir) throws IOException {
    return Json.MAPPER.readValue(runDir.resolve(FILE_NAME).toFile(), RunMeta.class);
  }

  /** Writes {@code runDir/run.json}, creating the folder if needed. */
  public void write(Path runDir) throws IOException {
    Files.createDirectories(runDir);
    Json.PRETTY.writeValue(runDir.resolve(FILE_NAME).toFile(), this);
  }

  /** Run length in seconds (0 when the times are missing or reversed). */
  public double durationSec() {
    return Math.max(0, endEpochMs - startEpochMs) / 1000.0;
  }
}
