package io.llmgatling.cli;

import io.llmgatling.simulator.Faults;
import io.llmgatling.simulator.LlmSimulator;
import io.llmgatling.simulator.SimulatorConfig;
import io.netty.util.ResourceLeakDetector;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code simulator}: serves the simulated Ollama / LM Studio / llama-server APIs on one port until Ctrl-C.
 * Flags override the profile's defaults and the config file.
 */
@Command(name = "simulator", mixinStandardHelpOptions = true,
    description = "Serve a simulated Ollama / LM Studio / llama-server (all API families on one port) until "
        + "stopped.",
    sortOptions = false)
public final class SimulatorCommand implements Callable<Integer> {
  private static volatile boolean serving;

  @Option(names = "--port", description = "TCP port (0 = any free port). Default: the profile's (11434, 1234, "
      + "8080).")
  Integer port;

  @Option(names = "--host", description = "Address to bind. Default: 127.0.0.1.")
  String host;

  @Option(names = "--profile", description = "Server to play: ollama, lmstudio, llamacpp. Default: ollama.")
  String profile;

  @Option(names = "--config", description = "JSON file of SimulatorConfig keys (e.g. user-files/simulator.json).")
  Path config;

  @Option(names = "--seed", description = "Seed of every random draw.")
  Long seed;

  @Option(names = "--slots", description = "Parallel slots per model; 0 = no limit.")
  Integer slots;

  @Option(names = "--max-queue", description = "Requests allowed to wait for a slot; past it: 503.")
  Integer maxQueue;

  @Option(names = "--max-loaded-models", description = "Models loaded at once (LRU eviction).")
  Integer maxLoadedModels;

  @Option(names = "--load-time-ms", description = "Cold load time of a model.")
  Long loadTimeMs;

  @Option(names = "--keep-alive-ms", description = "Idle time before a model unloads; -1 = never.")
  Long keepAliveMs;

  @Option(names = "--keep-alive-timeout-ms", description = "HTTP keep-alive: close a connection idle this long "
      + "after its last answer (llama-server, Node: 5000); 0 = never. Default: 0 / 5000 / 5000.")
  Long keepAliveTimeoutMs;

  @Option(names = "--keep-alive-max", description = "HTTP keep-alive: the max-th answer on a connection says "
      + "Connection: close (llama-server: 100); 0 = no limit. Default: 0 / 0 / 100.")
  Integer keepAliveMax;

  @Option(names = "--keep-alive-header", negatable = true, description = "Announce the keep-alive limits in a "
      + "Keep-Alive header (default); --no-keep-alive-header closes idle connections silently (nginx, Go).")
  Boolean keepAliveHeader;

  @Option(names = "--lmstudio-api", description = "v1 (default): serve LM Studio's REST v1 (/api/v1/chat, "
      + "/api/v1/models); v0: play an LM Studio before 0.4.0, which answers /api/v1 paths with HTTP 200 and an error.")
  String lmstudioApi;

  @Option(names = "--prefill-rate", description = "Prompt tokens/s of every chat model.")
  Double prefillRate;

  @Option(names = "--decode-rate", description = "Single-stream output tokens/s of every chat model.")
  Double decodeRate;

  @Option(names = "--batch-slowdown", description = "Per extra concurrent stream, fractional decode slowdown.")
  Double batchSlowdown;

  @Option(names = "--output-tokens", description = "Fixed answer length (tokens) unless the request caps it.")
  Integer outputTokens;

  @Option(names = "--jitter", description = "Relative spread of every duration, in [0, 1).")
  Double jitter;

  @Option(names = "--zero-latency", description = "No delays at all (request-rate benchmarks).")
  boolean zeroLatency;

  @Option(names = "--flush-interval-ms", description = "Write tokens on a grid of N ms (0 = each token when "
      + "due). For capacity benchmarks.")
  Long flushIntervalMs;

  @Option(names = "--io-threads", description = "Event-loop threads (0 = Netty's default).")
  Integer ioThreads;

  @Option(names = "--error-rate", description = "Fault: share of requests answered 500.")
  Double errorRate;

  @Option(names = "--busy-rate", description = "Fault: share of requests answered 503.")
  Double busyRate;

  @Option(names = "--disconnect-rate", description = "Fault: share of streams cut mid-way.")
  Double disconnectRate;

  @Option(names = "--error-line-rate", description = "Fault: share of streams ending with an error line.")
  Double errorLineRate;

  @Option(names = "--malformed-rate", description = "Fault: share of streams with one malformed chunk.")
  Double malformedRate;

  @Option(names = "--stall-rate", description = "Fault: share of streams stalling for --stall-ms.")
  Double stallRate;

  @Option(names = "--stall-ms", description = "Fault: length of a stall.")
  Long stallMs;

  @Option(names = "--slow-headers-rate", description = "Fault: share of requests delayed --slow-headers-ms.")
  Double slowHeadersRate;

  @Option(names = "--slow-headers-ms", description = "Fault: delay before a slow request starts.")
  Long slowHeadersMs;

  /** True while a standalone simulator keeps the JVM alive. */
  static boolean isServing() {
    return serving;
  }

  private static final String LEAK_DETECTION_PROPERTY = "io.netty.leakDetection.level";

  @Override
  public Integer call() throws InterruptedException {
    SimulatorConfig cfg;
    try {
      cfg = buildConfig();
    } catch (IllegalArgumentException e) {
      System.err.println("simulator: " + e.getMessage());
      return 2;
    }
    if (System.getProperty(LEAK_DETECTION_PROPERTY) == null) {
      // a standalone simulator is a load target: Netty's sampled leak tracking (a stack trace per 128
      // buffers, one buffer per token) cost 7-13 % of its streaming capacity. The tests, which run it
      // in-process, keep it; -Dio.netty.leakDetection.level=simple brings it back here.
      ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }
    LlmSimulator sim;
    try {
      sim = LlmSimulator.start(cfg);
    } catch (IllegalStateException e) {
      System.err.println("simulator: " + e.getMessage());
      return 2;
    }
    serving = true;
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      sim.close();
      stopped.countDown();
    }, "llm-sim-stop"));
    System.out.println("LLM simulator (" + cfg.profile() + ") listening on " + sim.baseUrl()
        + "  models: " + String.join(", ", cfg.models().stream().map(m -> m.name()).toList())
        + "  (Ctrl-C to stop)");
    System.out.flush();
    stopped.await();
    return 0;
  }

  /** Profile defaults, then the config file, then the flags. */
  SimulatorConfig buildConfig() {
    SimulatorConfig base = config != null
        ? SimulatorConfig.fromFile(config, profile)
        : SimulatorConfig.forProfile(profile == null ? "ollama" : profile);
    if (config != null && profile != null && !profile.equalsIgnoreCase(base.profile())) {
      throw new IllegalArgumentException("--profile " + profile + " disagrees with the config file's profile "
          + base.profile());
    }
    // the truth timeline is an in-process API that nobody can read from a standalone server; keeping it
    // would hold 100,000 records in the heap and make every young collection copy them
    SimulatorConfig.Builder b = base.toBuilder().truthLimit(0);
    if (port != null) {
      b.port(port);
    }
    if (host != null) {
      b.host(host);
    }
    if (seed != null) {
      b.seed(seed);
    }
    if (slots != null) {
      b.slots(slots);
    }
    if (maxQueue != null) {
      b.maxQueue(maxQueue);
    }
    if (maxLoadedModels != null) {
      b.maxLoadedModels(maxLoadedModels);
    }
    if (loadTimeMs != null) {
      b.loadTimeMs(loadTimeMs);
    }
    if (keepAliveMs != null) {
      b.keepAliveMs(keepAliveMs);
    }
    if (keepAliveTimeoutMs != null) {
      b.keepAliveTimeoutMs(keepAliveTimeoutMs);
    }
    if (keepAliveMax != null) {
      b.keepAliveMax(keepAliveMax);
    }
    if (keepAliveHeader != null) {
      b.keepAliveHeader(keepAliveHeader);
    }
    if (lmstudioApi != null) {
      b.lmstudioApi(lmstudioApi);
    }
    if (prefillRate != null || decodeRate != null || batchSlowdown != null) {
      if ((prefillRate != null && prefillRate <= 0) || (decodeRate != null && decodeRate <= 0)
          || (batchSlowdown != null && batchSlowdown < 0)) {
        throw new IllegalArgumentException("rates must be > 0 and --batch-slowdown >= 0");
      }
      b.rates(prefillRate == null ? 0 : prefillRate, decodeRate == null ? 0 : decodeRate,
          batchSlowdown == null ? -1 : batchSlowdown);
    }
    if (outputTokens != null) {
      b.outputTokens(outputTokens);
    }
    if (jitter != null) {
      b.jitter(jitter);
    }
    if (zeroLatency) {
      b.zeroLatency(true);
    }
    if (flushIntervalMs != null) {
      b.flushIntervalMs(flushIntervalMs);
    }
    if (ioThreads != null) {
      b.ioThreads(ioThreads);
    }
    Faults f = base.faults();
    if (errorRate != null || busyRate != null || disconnectRate != null || errorLineRate != null
        || malformedRate != null || stallRate != null || stallMs != null || slowHeadersRate != null
        || slowHeadersMs != null) {
      b.faults(new Faults(
          or(errorRate, f.errorRate()), or(busyRate, f.busyRate()),
          or(slowHeadersRate, f.slowHeadersRate()), slowHeadersMs == null ? f.slowHeadersMs() : slowHeadersMs,
          or(stallRate, f.stallRate()), stallMs == null ? f.stallMs() : stallMs,
          or(disconnectRate, f.disconnectRate()), or(errorLineRate, f.errorLineRate()),
          or(malformedRate, f.malformedRate())));
    }
    return b.build();
  }

  private static double or(Double v, double fallback) {
    return v == null ? fallback : v;
  }
}
