package io.llmgatling.report;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.capacity.Pct;
import io.llmgatling.capacity.ServerModel;
import io.llmgatling.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code results/<run>/summary.json}: the schema of the SPEC ("summary.json"), times in milliseconds,
 * rates per second. {@code partial}, {@code capacity} and {@code resources} appear only when they apply;
 * {@code errorSamples} (per error cause, its most frequent server messages) is empty when nothing failed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"schema", "partial", "run", "target", "warmup", "all", "tasks", "models", "slo", "passed",
    "capacity", "resources", "errorSamples"})
public record Summary(int schema, Boolean partial, Run run, Target target, Stats all, Map<String, Stats> tasks,
                      Map<String, Stats> models, List<SloResult> slo, boolean passed, Capacity capacity,
                      Resources resources, Map<String, List<ErrorSample>> errorSamples, Warmup warmup) {

  /** A summary of a run without warm-up. */
  public Summary(int schema, Boolean partial, Run run, Target target, Stats all, Map<String, Stats> tasks,
      Map<String, Stats> models, List<SloResult> slo, boolean passed, Capacity capacity, Resources resources,
      Map<String, List<ErrorSample>> errorSamples) {
    this(schema, partial, run, target, all, tasks, models, slo, passed, capacity, resources, errorSamples, null);
  }

  /**
   * The warm-up ({@code llm.warmup}): requests sent before the measured load, in no other figure. Present only when
   * the run had one.
   *
   * @param requests   warm-up requests recorded
   * @param ko         of them, failed
   * @param coldLoadMs the model load time the warm-up met: the longest load time the server reported (Ollama
   *                   {@code load_duration}, LM Studio's model load), else the most a model's first warm-up request
   *                   took beyond that model's measured median (TTFT, or E2E when not streamed); null when neither
   *                   can tell
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  @JsonPropertyOrder({"requests", "ko", "coldLoadMs"})
  public record Warmup(long requests, long ko, Double coldLoadMs) {
  }

  /** The schema version written by this code. */
  public static final int SCHEMA = 1;
  /** The file name inside a run folder. */
  public static final String FILE_NAME = "summary.json";

  /**
   * @param start       ISO-8601 instant
   * @param end         ISO-8601 instant
   * @param durationSec end − start, seconds
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  @JsonPropertyOrder({"id", "simulation", "start", "end", "durationSec", "shard"})
  public record Run(String id, String simulation, String start, String end, double durationSec, String shard) {
  }

  /**
   * One distinct server message of an error cause ({@code errorSamples}): how often it came, from which task and
   * model, first and last seen (ISO-8601 instants of the requests' intended start).
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  @JsonPropertyOrder({"message", "count", "task", "model", "first", "last"})
  public record ErrorSample(String message, long count, String task, String model, String first, String last) {
  }

  /** The server under test; {@code baseUrl} never carries credentials. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  @JsonPropertyOrder({"api", "baseUrl", "models"})
  public record Target(String api, String baseUrl, List<String> models) {
  }

  /**
   * One SLO verdict; {@code actual} is null when nothing was measured: "no data", which fails unless the SLO's
   * scope (its task, or the run) sent no request at all.
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  @JsonPropertyOrder({"expr", "actual", "passed"})
  public record SloResult(String expr, Double actual, boolean passed) {
  }

  /**
   * The outcome of a capacity run (an adaptive search, SPEC "Additions → Capacity").
   *
   * @param maxRatePerSec          highest request rate that held in steady state: the best held step's offered rate,
   *                               or its achieved completion rate when lower (null if no step held)
   * @param maxUsersPerSec         virtual users per second carrying {@code maxRatePerSec}
   * @param maxUsers               closed model: the most concurrent users that held (absent for the open model)
   * @param bracket                {@code [lastGood, firstBad]} offered rates (requests/s; closed model: users),
   *                               either null when unknown
   * @param limitedBy              why the first bad step did not hold (an SLO, {@code throughput}, {@code queue},
   *                               {@code errors}, {@code no data}), or null when none failed
   * @param predictedMaxRatePerSec the fitted model's highest rate meeting the SLOs, or null
   * @param model                  the fitted model of the server, or null
   * @param verdict                one or two plain sentences
   * @param searchEnded            why the search stopped
   * @param predicted              the model's latency against offered rate (may be empty)
   * @param steps                  every judged step's figures, in the order played
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  @JsonPropertyOrder({"maxRatePerSec", "maxUsersPerSec", "maxUsers", "bracket", "limitedBy", "predictedMaxRatePerSec",
      "model", "verdict", "searchEnded", "predicted", "steps"})
  public record Capacity(Double maxRatePerSec, Double maxUsersPerSec,
                         @JsonInclude(JsonInclude.Include.NON_NULL) Integer maxUsers, List<Double> bracket,
                         String limitedBy,
                         Double predictedMaxRatePerSec, ServerModel model, String verdict, String searchEnded,
                         List<PredictedPoint> predicted, List<StepStats> steps) {
  }

  /** One point of the model's predicted curve: latency p95 at an offered request rate (null when unknown). */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  @JsonPropertyOrder({"offeredPerSec", "ttftP95Ms", "e2eP95Ms"})
  public record PredictedPoint(double offeredPerSec, Double ttftP95Ms, Double e2eP95Ms) {
  }

  /**
   * Figures of one load step: for stairs, requests meant to start within it; for a capacity search, requests
   * completed within its judged window.
   *
   * @param ratePerSec     offered rate, or null for a closed-model step
   * @param users          concurrency, or 0 for an open-model step
   * @param passed         whether the step met every run-wide SLO (capacity: whether it held, = {@code steady})
   * @param offeredPerSec  capacity: the request rate the search offered
   * @param usersPerSec    capacity: the virtual users per second carrying it
   * @param arrivalsPerSec capacity: requests sent per second in the judged window
   * @param achievedPerSec capacity: requests completed per second in the judged window
   * @param steady         capacity: whether the step held (kept up, no latency trend, errors and SLOs within limits)
   * @param concurrentUsers capacity, closed model: the step's concurrent users
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  @JsonPropertyOrder({"start", "end", "ratePerSec", "users", "offeredPerSec", "usersPerSec", "arrivalsPerSec",
      "achievedPerSec", "steady", "concurrentUsers", "requests", "requestsPerSec", "errorRate", "outputTokensPerSec", "ttftP50Ms",
      "ttftP95Ms", "itlP95Ms", "e2eP50Ms", "e2eP95Ms", "passed", "failed"})
  public record StepStats(String start, String end, Double ratePerSec, int users, long requests,
                          double requestsPerSec, Double errorRate, double outputTokensPerSec, Double ttftP50Ms,
                          Double ttftP95Ms, Double itlP95Ms, Double e2eP50Ms, Double e2eP95Ms, boolean passed,
                          List<String> failed,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Double offeredPerSec,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Double usersPerSec,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Double arrivalsPerSec,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Double achievedPerSec,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Boolean steady,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Integer concurrentUsers) {
  }

  /**
   * Resource samples of the run ({@code resources.jsonl}): {@code samples} plus one PCT per sampled quantity of
   * the monitored process (e.g. {@code cpuPercent}, {@code rssMb}); {@code gpu} (nvidia-smi) and {@code server}
   * (the target's own gauges) when they were sampled.
   */
  public static final class Resources {
    private final long samples;
    private final Map<String, Pct> quantities;
    private final Gpu gpu;
    private final Gauges server;

    public Resources(long samples, Map<String, Pct> quantities) {
      this(samples, quantities, null, null);
    }

    public Resources(long samples, Map<String, Pct> quantities, Gpu gpu, Gauges server) {
      this.samples = samples;
      this.quantities = new LinkedHashMap<>(quantities);
      this.gpu = gpu;
      this.server = server;
    }

    /** How many samples of the process were taken. */
    public long getSamples() {
      return samples;
    }

    /** One PCT per sampled quantity of the process, in sampling order. */
    public Map<String, Pct> quantities() {
      return quantities;
    }

    /** GPU figures, or null. */
    public Gpu gpu() {
      return gpu;
    }

    /** The target's gauges, or null. */
    public Gauges server() {
      return server;
    }

    @JsonValue
    Map<String, Object> toJson() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("samples", samples);
      json.putAll(quantities);
      if (gpu != null) {
        json.put("gpu", gpu);
      }
      if (server != null) {
        json.put("server", server);
      }
      return json;
    }

    @JsonCreator
    static Resources fromJson(Map<String, JsonNode> json) {
      Map<String, Pct> quantities = new LinkedHashMap<>();
      json.forEach((name, node) -> {
        if (node.isObject() && !name.equals("gpu") && !name.equals("server")) {
          quantities.put(name, Json.MAPPER.convertValue(node, Pct.class));
        }
      });
      JsonNode samples = json.get("samples");
      Gpu gpu = json.containsKey("gpu") ? Json.MAPPER.convertValue(json.get("gpu"), Gpu.class) : null;
      Gauges server = json.containsKey("server") ? Json.MAPPER.convertValue(json.get("server"), Gauges.class) : null;
      return new Resources(samples == null ? 0 : samples.asLong(), quantities, gpu, server);
    }
  }

  /**
   * GPU figures from nvidia-smi: utilisation (mean over the GPUs), memory used and board power (sums over the
   * GPUs), each a PCT over the samples; {@code energyWh} = ∫ power dt over the run, and per 1,000 output tokens.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonPropertyOrder({"samples", "gpus", "utilPercent", "memoryMb", "powerW", "energyWh", "energyWhPer1kOutputTokens"})
  public record Gpu(long samples, Integer gpus, Pct utilPercent, Pct memoryMb, Pct powerW, Double energyWh,
                    Double energyWhPer1kOutputTokens) {
  }

  /**
   * The target's own gauges ({@code /metrics}, {@code /slots}, {@code /api/ps}, {@code /api/v1/models}):
   * {@code samples}, one PCT per gauge (e.g. {@code busySlots}, {@code requestsDeferred}, {@code vramMb}) and,
   * for each counter ({@code promptTokensTotal} ...), its increase during the run under the name without
   * {@code Total} (e.g. {@code promptTokens}).
   */
  public static final class Gauges {
    /** The most VRAM each model held while loaded (Ollama {@code /api/ps}), MiB. */
    public static final String VRAM_BY_MODEL = "vramMbByModel";
    private final long samples;
    private final Map<String, Pct> gauges;
    private final Map<String, Double> counters;
    private final Map<String, Double> vramMbByModel;

    public Gauges(long samples, Map<String, Pct> gauges, Map<String, Double> counters) {
      this(samples, gauges, counters, Map.of());
    }

    public Gauges(long samples, Map<String, Pct> gauges, Map<String, Double> counters,
        Map<String, Double> vramMbByModel) {
      this.samples = samples;
      this.gauges = new LinkedHashMap<>(gauges);
      this.counters = new LinkedHashMap<>(counters);
      this.vramMbByModel = new LinkedHashMap<>(vramMbByModel);
    }

    /** The most VRAM each loaded model held, MiB (Ollama); empty when the server does not say. */
    public Map<String, Double> vramMbByModel() {
      return vramMbByModel;
    }

    public long samples() {
      return samples;
    }

    /** One PCT per gauge. */
    public Map<String, Pct> gauges() {
      return gauges;
    }

    /** Counter increases during the run. */
    public Map<String, Double> counters() {
      return counters;
    }

    @JsonValue
    Map<String, Object> toJson() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("samples", samples);
      json.putAll(gauges);
      json.putAll(counters);
      if (!vramMbByModel.isEmpty()) {
        json.put(VRAM_BY_MODEL, vramMbByModel);
      }
      return json;
    }

    @JsonCreator
    static Gauges fromJson(Map<String, JsonNode> json) {
      Map<String, Pct> gauges = new LinkedHashMap<>();
      Map<String, Double> counters = new LinkedHashMap<>();
      Map<String, Double> vram = new LinkedHashMap<>();
      json.forEach((name, node) -> {
        if (name.equals(VRAM_BY_MODEL)) {
          node.fields().forEachRemaining(e -> vram.put(e.getKey(), e.getValue().asDouble()));
        } else if (node.isObject()) {
          gauges.put(name, Json.MAPPER.convertValue(node, Pct.class));
        } else if (node.isNumber() && !name.equals("samples")) {
          counters.put(name, node.asDouble());
        }
      });
      JsonNode samples = json.get("samples");
      return new Gauges(samples == null ? 0 : samples.asLong(), gauges, counters, vram);
    }
  }

  /** Reads a summary.json file, or {@code dir/summary.json} when given a folder. */
  public static Summary read(Path fileOrRunDir) throws IOException {
    Path file = Files.isDirectory(fileOrRunDir) ? fileOrRunDir.resolve(FILE_NAME) : fileOrRunDir;
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "no summary.json");
    }
    return Json.MAPPER.readValue(file.toFile(), Summary.class);
  }

  /** Writes {@code runDir/summary.json} (pretty-printed). */
  public void write(Path runDir) throws IOException {
    Files.createDirectories(runDir);
    Json.PRETTY.writeValue(runDir.resolve(FILE_NAME).toFile(), this);
  }
}
