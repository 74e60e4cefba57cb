package io.llmgatling.report;

import io.llmgatling.capacity.Pct;
import io.llmgatling.json.Json;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code resources.jsonl} (one JSON object per sample: {@code t} epoch ms, {@code source} process | gpu |
 * server, numeric quantities; lines without {@code source} are the process's, as older runs wrote them) into
 * {@code summary.json → resources} and into the page's resource charts, on the time axis of the "over time"
 * charts (seconds since the run start).
 */
final class ResourceSummary {
  /** Points per chart line at most: a 10-hour run sampled each second is thinned, not dropped. */
  static final int MAX_POINTS = 1500;

  /** The summary part (null when nothing was sampled) and the chart series by source. */
  record Read(Summary.Resources summary, Map<String, Map<String, List<Double>>> series) {
  }

  private ResourceSummary() {
  }

  /**
   * @param runDir       the run folder
   * @param startEpochMs the run start (time origin of the charts)
   * @param outputTokens output tokens of the OK requests, for the energy per 1,000 tokens
   */
  static Read read(Path runDir, long startEpochMs, long outputTokens) throws IOException {
    Path file = runDir.resolve(RunAggregator.RESOURCES_FILE);
    if (!Files.isRegularFile(file)) {
      return new Read(null, Map.of());
    }
    Map<String, List<JsonNode>> bySource = new LinkedHashMap<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        JsonNode node;
        try {
          node = Json.MAPPER.readTree(line);
        } catch (IOException e) {
          continue;
        }
        if (node != null && node.isObject()) {
          bySource.computeIfAbsent(node.path("source").asText("process"), s -> new ArrayList<>()).add(node);
        }
      }
    }
    if (bySource.isEmpty()) {
      return new Read(null, Map.of());
    }
    List<JsonNode> process = bySource.getOrDefault("process", List.of());
    Map<String, Pct> processPcts = pcts(process, name -> true);
    Summary.Gpu gpu = gpu(bySource.getOrDefault("gpu", List.of()), outputTokens);
    Summary.Gauges server = server(bySource.getOrDefault("server", List.of()));
    Map<String, Map<String, List<Double>>> series = new LinkedHashMap<>();
    bySource.forEach((source, lines) -> series.put(source, series(lines, startEpochMs)));
    return new Read(new Summary.Resources(process.size(), processPcts, gpu, server), series);
  }

  private static Summary.Gpu gpu(List<JsonNode> lines, long outputTokens) {
    if (lines.isEmpty()) {
      return null;
    }
    Map<String, Pct> pcts = pcts(lines, name -> !name.equals("gpus"));
    long[] t = new long[lines.size()];
    double[] w = new double[lines.size()];
    int n = 0;
    int gpus = 0;
    for (JsonNode line : lines) {
      gpus = Math.max(gpus, line.path("gpus").asInt(0));
      if (line.path("powerW").isNumber()) {
        t[n] = line.path("t").asLong();
        w[n] = line.path("powerW").asDouble();
        n++;
      }
    }
    Double wh = n >= 2 ? MetricRecorder.round3(wattHours(java.util.Arrays.copyOf(t, n), java.util.Arrays.copyOf(w, n)))
        : null;
    Double perThousand = wh == null || outputTokens <= 0 ? null : MetricRecorder.round3(wh * 1000.0 / outputTokens);
    return new Summary.Gpu(lines.size(), gpus > 0 ? gpus : null, pcts.get("utilPercent"), pcts.get("memoryMb"),
        pcts.get("powerW"), wh, perThousand);
  }

  private static Summary.Gauges server(List<JsonNode> lines) {
    if (lines.isEmpty()) {
      return null;
    }
    Map<String, Pct> gauges = pcts(lines, name -> !name.endsWith("Total"));
    Map<String, Double> first = new LinkedHashMap<>();
    Map<String, Double> last = new LinkedHashMap<>();
    Map<String, Double> vramByModel = new LinkedHashMap<>();
    for (JsonNode line : lines) {
      line.path(Summary.Gauges.VRAM_BY_MODEL).fields()
          .forEachRemaining(e -> vramByModel.merge(e.getKey(), e.getValue().asDouble(), Math::max));
      for (Iterator<Map.Entry<String, JsonNode>> it = line.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        if (f.getKey().endsWith("Total") && f.getValue().isNumber()) {
          first.putIfAbsent(f.getKey(), f.getValue().asDouble());
          last.put(f.getKey(), f.getValue().asDouble());
        }
      }
    }
    Map<String, Double> counters = new LinkedHashMap<>();
    // a counter that went down was reset (server restarted): its increase is then unknown, so it is left out
    first.forEach((name, v) -> {
      double increase = last.get(name) - v;
      if (increase >= 0) {
        counters.put(name.substring(0, name.length() - "Total".length()), increase);
      }
    });
    return new Summary.Gauges(lines.size(), gauges, counters, vramByModel);
  }

  /**
   * Energy in watt-hours from power samples: the trapezoid rule over consecutive samples (1 s apart in a run,
   * where a board's draw moves by tens of watts between samples at most, so the rule is within a percent).
   *
   * @param tMs    sample instants, ms, ascending
   * @param powerW power at each instant, W
   * @return ∫ P dt, in Wh
   */
  static double wattHours(long[] tMs, double[] powerW) {
    double joules = 0;
    for (int i = 1; i < tMs.length; i++) {
      joules += (powerW[i] + powerW[i - 1]) / 2 * (tMs[i] - tMs[i - 1]) / 1000.0;
    }
    return joules / 3600.0;
  }

  private static Map<String, Pct> pcts(List<JsonNode> lines, java.util.function.Predicate<String> wanted) {
    Map<String, MetricRecorder> quantities = new LinkedHashMap<>();
    for (JsonNode line : lines) {
      for (Iterator<Map.Entry<String, JsonNode>> it = line.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        String name = f.getKey();
        if (f.getValue().isNumber() && quantity(name) && wanted.test(name)) {
          quantities.computeIfAbsent(name, k -> new MetricRecorder(3, 1000)).record(f.getValue().asDouble());
        }
      }
    }
    Map<String, Pct> pcts = new LinkedHashMap<>();
    quantities.forEach((name, recorder) -> pcts.put(name, recorder.toPct()));
    return pcts;
  }

  private static boolean quantity(String name) {
    return !name.equals("t") && !name.toLowerCase(java.util.Locale.ROOT).contains("epoch");
  }

  /** {@code t} (seconds since the run start) and one list per quantity, null where a sample lacks it. */
  private static Map<String, List<Double>> series(List<JsonNode> lines, long startEpochMs) {
    int stride = Math.max(1, (lines.size() + MAX_POINTS - 1) / MAX_POINTS);
    Map<String, List<Double>> series = new LinkedHashMap<>();
    List<Double> t = new ArrayList<>();
    series.put("t", t);
    for (int i = 0; i < lines.size(); i += stride) {
      JsonNode line = lines.get(i);
      int index = t.size();
      t.add(MetricRecorder.round3((line.path("t").asLong() - startEpochMs) / 1000.0));
      for (Iterator<Map.Entry<String, JsonNode>> it = line.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        if (f.getValue().isNumber() && quantity(f.getKey())) {
          List<Double> values = series.computeIfAbsent(f.getKey(), k -> new ArrayList<>());
          while (values.size() < index) {
            values.add(null);
          }
          values.add(f.getValue().asDouble());
        }
      }
    }
    series.values().forEach(values -> {
      while (values.size() < t.size()) {
        values.add(null);
      }
    });
    return series;
  }
}
