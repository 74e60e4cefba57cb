package io.llmgatling.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgatling.capacity.CapacityAnalysis;
import io.llmgatling.engine.record.RequestRecord;
import io.llmgatling.json.Json;
import io.llmgatling.report.Summary;
import io.llmgatling.workload.Slo;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A finished run's requests and SLOs, read for the model fit ({@code whatif}, {@code calibrate}). */
final class RunRecords {
  static final ObjectMapper JSON = Json.MAPPER;

  private RunRecords() {
  }

  /**
   * Every request of {@code runDir/requests.jsonl} except warm-up ones; a line that is not a record is skipped.
   *
   * @throws IllegalArgumentException with one line when the folder or its requests.jsonl is missing
   */
  static List<RequestRecord> read(Path runDir) throws IOException {
    RunFolders.requireExisting(List.of(runDir));
    Path file = runDir.resolve("requests.jsonl");
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("no requests.jsonl in " + runDir + " (is it a run folder?)");
    }
    List<RequestRecord> records = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        try {
          JsonNode node = JSON.readTree(line);
          if (node == null || !node.isObject() || node.path("warmup").asBoolean(false)) {
            continue;
          }
          records.add(JSON.treeToValue(node, RequestRecord.class));
        } catch (IOException | RuntimeException e) {
          // a torn last line of an interrupted run: the others still make a model
        }
      }
    }
    return records;
  }

  /** The run's SLOs as its summary.json lists them (none when there is no summary). */
  static List<Slo> slos(Path runDir) {
    try {
      Summary summary = Summary.read(runDir);
      List<Slo> slos = new ArrayList<>();
      if (summary.slo() != null) {
        for (Summary.SloResult r : summary.slo()) {
          try {
            slos.add(Slo.parse(r.expr()));
          } catch (IllegalArgumentException e) {
            // an expression this version cannot read is not a reason to refuse the what-if
          }
        }
      }
      return slos;
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  /**
   * What the server said about itself, as the run's summary kept it: the slot count of {@code capacity.model} when
   * it came from the server ({@code slotsFrom: server}, llama-server {@code /props}).
   */
  static CapacityAnalysis.ServerHints hints(Path runDir) {
    try {
      JsonNode model = JSON.readTree(runDir.resolve(Summary.FILE_NAME).toFile()).path("capacity").path("model");
      if ("server".equals(model.path("slotsFrom").asText()) && model.path("slots").asInt() > 0) {
        return new CapacityAnalysis.ServerHints(model.path("slots").asInt());
      }
    } catch (IOException | RuntimeException e) {
      // no summary, or none with a model: nothing known
    }
    return CapacityAnalysis.ServerHints.NONE;
  }

  /** The run's load profile from run.json, or null. */
  static String profile(Path runDir) {
    try {
      return JSON.readTree(runDir.resolve("run.json").toFile()).path("profile").asText(null);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
