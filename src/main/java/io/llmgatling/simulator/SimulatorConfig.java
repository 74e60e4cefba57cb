package io.llmgatling.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgatling.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every knob of the simulator in one immutable record. Start from {@link #defaults()} or
 * {@link #forProfile(String)}, change knobs with {@link #toBuilder()}, or read a JSON file whose keys are
 * the component names (missing keys keep the profile's defaults; {@code models}, when given, replaces the
 * whole list).
 *
 * @param host                address to bind (127.0.0.1 unless told otherwise)
 * @param port                TCP port, 0 for any free one
 * @param profile             {@code ollama | lmstudio | llamacpp}: the server whose defaults and quirks to play
 * @param seed                seed of every random draw (jitter, answer lengths, words, faults)
 * @param slots               parallel generation slots per loaded model ({@code OLLAMA_NUM_PARALLEL},
 *                            llama-server {@code --parallel}); 0 or less = no limit
 * @param maxQueue            requests allowed to wait for a slot (all models together); one more gets 503
 * @param maxLoadedModels     models kept loaded at once; asking for another evicts the least recently used
 *                            idle one
 * @param loadTimeMs          cold load time of a model that is not loaded (unless the model sets its own)
 * @param keepAliveMs         how long an idle model stays loaded; negative = forever, 0 = unload at once.
 *                            A request's {@code keep_alive} overrides it for that model
 * @param preloadModels       all models are loaded at start (llama-server loads its model before serving)
 * @param jitter              relative spread of every duration: each is multiplied by a seeded uniform draw in
 *                            [1 − jitter, 1 + jitter]
 * @param minOutputTokens     shortest natural answer (a seeded length in [min, max] ends with {@code stop})
 * @param maxOutputTokens     longest natural answer; a smaller {@code num_predict}/{@code max_tokens} ends
 *                            with {@code length}
 * @param charsPerToken       prompt tokens are estimated as characters / charsPerToken
 * @param zeroLatency         no delays at all (load, queue aside, prefill, decode): for request-rate benchmarks
 * @param flushIntervalMs     0 = every token is written and flushed when it falls due (faithful); N &gt; 0 = tokens
 *                            are written on a grid of N ms, several per write (fewer syscalls, for capacity
 *                            benchmarks; inter-token gaps become bursty)
 * @param headersOnFirstToken stream headers go out with the first chunk (Ollama) instead of at admission
 * @param llamacppTimings     add llama-server's {@code timings} object to /v1 answers
 * @param acceptAnyModel      an unknown model name is served by the first chat model (llama-server ignores
 *                            the name) instead of 404
 * @param serverVersion       version reported by /api/version
 * @param ioThreads           event-loop threads, 0 = Netty's default (2 × cores)
 * @param maxBodyBytes        largest accepted request body
 * @param truthLimit          truth records kept (the oldest are dropped beyond it); 0 = keep none
 * @param keepAliveTimeoutMs  HTTP keep-alive: a connection idle this long after its last response is closed by
 *                            the server (llama-server and Node: 5000); 0 = kept open (Ollama, Go's default).
 *                            Not to be confused with {@code keepAliveMs}, the model's idle time
 * @param keepAliveMax        HTTP keep-alive: the max-th response on a connection says {@code Connection: close}
 *                            and the connection is closed after it (llama-server: 100); 0 = no limit
 * @param keepAliveHeader     with a keep-alive knob set, answers announce {@code Keep-Alive: timeout=<s>[, max=<m>]}
 *                            (seconds rounded down, as Node does); false closes idle connections silently, as a Go
 *                            server with an IdleTimeout or nginx (its default) do
 * @param models              the models served, listed in this order
 * @param faults              fault injection (off by default)
 * @param lmstudioApi         {@code v1} (default): LM Studio's REST v1 ({@code /api/v1/chat}, {@code /api/v1/models})
 *                            is served; {@code v0}: the simulator plays an LM Studio before 0.4.0, which answers
 *                            every {@code /api/v1} path with HTTP 200 and its unknown-endpoint error
 * @param messageTokens       template tokens each chat message adds to the prompt (its role markers and separators:
 *                            ChatML's {@code <|im_start|>role\n ... <|im_end|>\n}, 5 with a tokenizer that has them
 *                            as special tokens; fitted 42.4 on the real-engine test model, whose vocabulary spells them out);
 *                            0 (default) counts the messages' text alone
 */
public record SimulatorConfig(
    String host,
    int port,
    String profile,
    long seed,
    int slots,
    int maxQueue,
    int maxLoadedModels,
    long loadTimeMs,
    long keepAliveMs,
    boolean preloadModels,
    double jitter,
    int minOutputTokens,
    int maxOutputTokens,
    double charsPerToken,
    boolean zeroLatency,
    long flushIntervalMs,
    boolean headersOnFirstToken,
    boolean llamacppTimings,
    boolean acceptAnyModel,
    String serverVersion,
    int ioThreads,
    int maxBodyBytes,
    int truthLimit,
    long keepAliveTimeoutMs,
    int keepAliveMax,
    boolean keepAliveHeader,
    List<ModelSpec> models,
    Faults faults,
    String lmstudioApi,
    double messageTokens) {

  /** The profiles, in the order the help lists them. */
  public static final List<String> PROFILES = List.of("ollama", "lmstudio", "llamacpp");

  private static final ObjectMapper JSON = Json.STRICT;

  public SimulatorConfig {
    host = host == null || host.isBlank() ? "127.0.0.1" : host;
    profile = profile == null ? "ollama" : profile.toLowerCase(Locale.ROOT);
    if (!PROFILES.contains(profile)) {
      throw new IllegalArgumentException("unknown profile '" + profile + "', expected one of: "
          + String.join(", ", PROFILES));
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
    }
    if (maxQueue < 0 || maxLoadedModels < 1 || loadTimeMs < 0) {
      throw new IllegalArgumentException("maxQueue must be >= 0, maxLoadedModels >= 1, loadTimeMs >= 0");
    }
    if (jitter < 0 || jitter >= 1) {
      throw new IllegalArgumentException("jitter must be in [0, 1), got " + jitter);
    }
    if (minOutputTokens < 1 || maxOutputTokens < minOutputTokens) {
      throw new IllegalArgumentException("need 1 <= minOutputTokens <= maxOutputTokens");
    }
    if (flushIntervalMs < 0) {
      throw new IllegalArgumentException("flushIntervalMs must be >= 0");
    }
    if (keepAliveTimeoutMs < 0 || keepAliveMax < 0) {
      throw new IllegalArgumentException("keepAliveTimeoutMs and keepAliveMax must be >= 0 (0 = no limit)");
    }
    if (charsPerToken <= 0) {
      throw new IllegalArgumentException("charsPerToken must be > 0");
    }
    if (!(messageTokens >= 0)) {
      throw new IllegalArgumentException("messageTokens must be >= 0");
    }
    if (models == null || models.isEmpty()) {
      throw new IllegalArgumentException("the simulator needs at least one model");
    }
    models = List.copyOf(models);
    faults = faults == null ? Faults.NONE : faults;
    serverVersion = serverVersion == null ? "0.11.10" : serverVersion;
    maxBodyBytes = maxBodyBytes <= 0 ? 64 * 1024 * 1024 : maxBodyBytes;
    lmstudioApi = lmstudioApi == null ? "v1" : lmstudioApi.toLowerCase(Locale.ROOT);
    if (!lmstudioApi.equals("v1") && !lmstudioApi.equals("v0")) {
      throw new IllegalArgumentException("lmstudioApi must be v1 or v0, not '" + lmstudioApi + "'");
    }
  }

  /** A config serving LM Studio's REST v1 (every knob but {@code lmstudioApi}). */
  public SimulatorConfig(String host, int port, String profile, long seed, int slots, int maxQueue,
      int maxLoadedModels, long loadTimeMs, long keepAliveMs, boolean preloadModels, double jitter,
      int minOutputTokens, int maxOutputTokens, double charsPerToken, boolean zeroLatency, long flushIntervalMs,
      boolean headersOnFirstToken, boolean llamacppTimings, boolean acceptAnyModel, String serverVersion,
      int ioThreads, int maxBodyBytes, int truthLimit, long keepAliveTimeoutMs, int keepAliveMax,
      boolean keepAliveHeader, List<ModelSpec> models, Faults faults) {
    this(host, port, profile, seed, slots, maxQueue, maxLoadedModels, loadTimeMs, keepAliveMs, preloadModels, jitter,
        minOutputTokens, maxOutputTokens, charsPerToken, zeroLatency, flushIntervalMs, headersOnFirstToken,
        llamacppTimings, acceptAnyModel, serverVersion, ioThreads, maxBodyBytes, truthLimit, keepAliveTimeoutMs,
        keepAliveMax, keepAliveHeader, models, faults, "v1");
  }

  /** A config counting the messages' text alone (every knob but {@code messageTokens}). */
  public SimulatorConfig(String host, int port, String profile, long seed, int slots, int maxQueue,
      int maxLoadedModels, long loadTimeMs, long keepAliveMs, boolean preloadModels, double jitter,
      int minOutputTokens, int maxOutputTokens, double charsPerToken, boolean zeroLatency, long flushIntervalMs,
      boolean headersOnFirstToken, boolean llamacppTimings, boolean acceptAnyModel, String serverVersion,
      int ioThreads, int maxBodyBytes, int truthLimit, long keepAliveTimeoutMs, int keepAliveMax,
      boolean keepAliveHeader, List<ModelSpec> models, Faults faults, String lmstudioApi) {
    this(host, port, profile, seed, slots, maxQueue, maxLoadedModels, loadTimeMs, keepAliveMs, preloadModels, jitter,
        minOutputTokens, maxOutputTokens, charsPerToken, zeroLatency, flushIntervalMs, headersOnFirstToken,
        llamacppTimings, acceptAnyModel, serverVersion, ioThreads, maxBodyBytes, truthLimit, keepAliveTimeoutMs,
        keepAliveMax, keepAliveHeader, models, faults, lmstudioApi, 0);
  }

  /** Whether LM Studio's REST v1 is served ({@code lmstudioApi} v1), else the simulator plays an older LM Studio. */
  public boolean servesLmStudioV1() {
    return "v1".equals(lmstudioApi);
  }

  /** The Ollama profile: what {@code ollama serve} looks like with default settings. */
  public static SimulatorConfig defaults() {
    return forProfile("ollama");
  }

  /** The defaults and quirks of one server: {@code ollama}, {@code lmstudio} or {@code llamacpp}. */
  public static SimulatorConfig forProfile(String profile) {
    String p = profile == null ? "" : profile.toLowerCase(Locale.ROOT);
    return switch (p) {
      case "ollama" -> new SimulatorConfig("127.0.0.1", 11434, "ollama", 42, 4, 512, 3, 3000, 300_000, false, 0.1,
          24, 320, 4.0, false, 0, true, false, false, "0.11.10", 0, 0, 100_000, 0, 0, true, List.of(
          ModelSpec.llm("llama3.2:3b", "llama", "3.2B", 2_019_393_189L, 140, 131_072, 3072),
          ModelSpec.llm("qwen2.5:7b", "qwen2", "7.6B", 4_683_087_332L, 100, 32_768, 3584),
          ModelSpec.embedding("nomic-embed-text:latest", "nomic-bert", "137M", 274_302_450L, 768, 8192),
          reasoningModel("qwen3:4b")),
          Faults.NONE);
      case "lmstudio" -> new SimulatorConfig("127.0.0.1", 1234, "lmstudio", 42, 4, 512, 3, 3000, 3_600_000, false,
          0.1, 24, 320, 4.0, false, 0, false, false, false, "0.3.27", 0, 0, 100_000, 5000, 0, true, List.of(
          ModelSpec.llm("llama-3.2-3b-instruct", "llama", "3B", 2_019_377_696L, 140, 131_072, 3072),
          ModelSpec.llm("qwen2.5-7b-instruct", "qwen2", "7B", 4_683_073_952L, 100, 32_768, 3584),
          ModelSpec.embedding("text-embedding-nomic-embed-text-v1.5", "nomic-bert", "137M", 84_106_624L, 768,
              2048),
          reasoningModel("qwen/qwen3-4b")),
          Faults.NONE);
      case "llamacpp" -> new SimulatorConfig("127.0.0.1", 8080, "llamacpp", 42, 4, 100_000, 3, 3000, -1, true, 0.1,
          24, 320, 4.0, false, 0, false, true, true, "b6500", 0, 0, 100_000, 5000, 100, true, List.of(
          ModelSpec.llm("qwen2.5-7b-instruct-q4_k_m.gguf", "qwen2", "7.6B", 4_683_073_952L, 100, 32_768, 3584),
          ModelSpec.llm("llama-3.2-3b-instruct-q4_k_m.gguf", "llama", "3.2B", 2_019_377_696L, 140, 131_072, 3072),
          ModelSpec.embedding("nomic-embed-text-v1.5.f16.gguf", "nomic-bert", "137M", 274_290_560L, 768, 8192),
          reasoningModel("qwen3-4b-q4_k_m.gguf")),
          Faults.NONE);
      default -> throw new IllegalArgumentException("unknown profile '" + profile + "', expected one of: "
          + String.join(", ", PROFILES));
    };
  }

  /**
   * The profiles' reasoning model (Qwen3 4B): thinks 64..256 tokens before each answer (Qwen3 thinks a few hundred
   * tokens on a short chat question), listed after the others so the default models and their figures stay.
   */
  private static ModelSpec reasoningModel(String name) {
    return ModelSpec.llm(name, "qwen3", "4.0B", 2_497_281_120L, 120, 40_960, 2560).withReasoning(64, 256);
  }

  /**
   * Reads a JSON config file over the defaults of its {@code profile} (or the given fallback profile).
   *
   * @throws IllegalArgumentException with one readable line when the file is missing or wrong
   */
  public static SimulatorConfig fromFile(Path file, String fallbackProfile) {
    try {
      return fromJson(Files.readString(file), fallbackProfile);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("simulator config file not found: " + file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read simulator config " + file + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("simulator config " + file + ": " + e.getMessage());
    }
  }

  /** Parses a JSON config over the defaults of its {@code profile} (or the given fallback profile). */
  public static SimulatorConfig fromJson(String json, String fallbackProfile) {
    try {
      JsonNode overrides = JSON.readTree(json);
      if (overrides == null || !overrides.isObject()) {
        throw new IllegalArgumentException("expected a JSON object");
      }
      String profile = overrides.path("profile").asText(fallbackProfile == null ? "ollama" : fallbackProfile);
      ObjectNode base = JSON.valueToTree(forProfile(profile));
      merge(base, (ObjectNode) overrides);
      return JSON.treeToValue(base, SimulatorConfig.class);
    } catch (JsonProcessingException e) {
      // a value our constructors refuse arrives wrapped by Jackson: show our sentence, not Jackson's
      Throwable cause = e.getCause();
      if (cause instanceof IllegalArgumentException) {
        throw new IllegalArgumentException(firstLine(cause.getMessage()));
      }
      throw new IllegalArgumentException(firstLine(e.getOriginalMessage()));
    } catch (IllegalArgumentException e) {
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      throw new IllegalArgumentException(firstLine(root.getMessage()));
    }
  }

  private static String firstLine(String s) {
    return s == null ? "invalid value" : s.lines().findFirst().orElse(s);
  }

  /** Deep merge of objects (nested records such as faults keep their other keys); arrays are replaced. */
  private static void merge(ObjectNode target, ObjectNode source) {
    Iterator<Map.Entry<String, JsonNode>> fields = source.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      JsonNode existing = target.get(field.getKey());
      if (existing instanceof ObjectNode obj && field.getValue() instanceof ObjectNode src) {
        merge(obj, src);
      } else {
        target.set(field.getKey(), field.getValue());
      }
    }
  }

  /** This config as JSON (the format {@link #fromJson} reads). */
  public String toJson() {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The model a client's name designates, or null. */
  public ModelSpec model(String requested) {
    for (ModelSpec m : models) {
      if (m.matches(requested)) {
        return m;
      }
    }
    return null;
  }

  /** Cold load time of a model in nanoseconds (0 in zero-latency mode). */
  public long loadNanos(ModelSpec model) {
    if (zeroLatency) {
      return 0;
    }
    long ms = model.loadTimeMs() != null ? model.loadTimeMs() : loadTimeMs;
    return ms * 1_000_000L;
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  public static Builder builder() {
    return defaults().toBuilder();
  }

  /** Mutable copy of a config; {@link #build()} validates. */
  public static final class Builder {
    private String host;
    private int port;
    private String profile;
    private long seed;
    private int slots;
    private int maxQueue;
    private int maxLoadedModels;
    private long loadTimeMs;
    private long keepAliveMs;
    private boolean preloadModels;
    private double jitter;
    private int minOutputTokens;
    private int maxOutputTokens;
    private double charsPerToken;
    private double messageTokens;
    private boolean zeroLatency;
    private long flushIntervalMs;
    private boolean headersOnFirstToken;
    private boolean llamacppTimings;
    private boolean acceptAnyModel;
    private String serverVersion;
    private int ioThreads;
    private int maxBodyBytes;
    private int truthLimit;
    private long keepAliveTimeoutMs;
    private int keepAliveMax;
    private boolean keepAliveHeader;
    private List<ModelSpec> models;
    private Faults faults;
    private String lmstudioApi;

    private Builder(SimulatorConfig c) {
      host = c.host;
      port = c.port;
      profile = c.profile;
      seed = c.seed;
      slots = c.slots;
      maxQueue = c.maxQueue;
      maxLoadedModels = c.maxLoadedModels;
      loadTimeMs = c.loadTimeMs;
      keepAliveMs = c.keepAliveMs;
      preloadModels = c.preloadModels;
      jitter = c.jitter;
      minOutputTokens = c.minOutputTokens;
      maxOutputTokens = c.maxOutputTokens;
      charsPerToken = c.charsPerToken;
      messageTokens = c.messageTokens;
      zeroLatency = c.zeroLatency;
      flushIntervalMs = c.flushIntervalMs;
      headersOnFirstToken = c.headersOnFirstToken;
      llamacppTimings = c.llamacppTimings;
      acceptAnyModel = c.acceptAnyModel;
      serverVersion = c.serverVersion;
      ioThreads = c.ioThreads;
      maxBodyBytes = c.maxBodyBytes;
      truthLimit = c.truthLimit;
      keepAliveTimeoutMs = c.keepAliveTimeoutMs;
      keepAliveMax = c.keepAliveMax;
      keepAliveHeader = c.keepAliveHeader;
      models = new ArrayList<>(c.models);
      faults = c.faults;
      lmstudioApi = c.lmstudioApi;
    }

    public Builder host(String v) { host = v; return this; }
    public Builder port(int v) { port = v; return this; }
    public Builder seed(long v) { seed = v; return this; }
    public Builder slots(int v) { slots = v; return this; }
    public Builder maxQueue(int v) { maxQueue = v; return this; }
    public Builder maxLoadedModels(int v) { maxLoadedModels = v; return this; }
    public Builder loadTimeMs(long v) { loadTimeMs = v; return this; }
    public Builder keepAliveMs(long v) { keepAliveMs = v; return this; }
    public Builder preloadModels(boolean v) { preloadModels = v; return this; }
    public Builder jitter(double v) { jitter = v; return this; }
    public Builder minOutputTokens(int v) { minOutputTokens = v; return this; }
    public Builder maxOutputTokens(int v) { maxOutputTokens = v; return this; }
    /** Every answer has exactly this many tokens unless capped by the request. */
    public Builder outputTokens(int v) { minOutputTokens = v; maxOutputTokens = v; return this; }
    public Builder charsPerToken(double v) { charsPerToken = v; return this; }
    public Builder messageTokens(double v) { messageTokens = v; return this; }
    public Builder zeroLatency(boolean v) { zeroLatency = v; return this; }
    public Builder flushIntervalMs(long v) { flushIntervalMs = v; return this; }
    public Builder headersOnFirstToken(boolean v) { headersOnFirstToken = v; return this; }
    public Builder llamacppTimings(boolean v) { llamacppTimings = v; return this; }
    public Builder acceptAnyModel(boolean v) { acceptAnyModel = v; return this; }
    public Builder serverVersion(String v) { serverVersion = v; return this; }
    public Builder ioThreads(int v) { ioThreads = v; return this; }
    public Builder maxBodyBytes(int v) { maxBodyBytes = v; return this; }
    public Builder truthLimit(int v) { truthLimit = v; return this; }
    public Builder keepAliveTimeoutMs(long v) { keepAliveTimeoutMs = v; return this; }
    public Builder keepAliveMax(int v) { keepAliveMax = v; return this; }
    public Builder keepAliveHeader(boolean v) { keepAliveHeader = v; return this; }
    public Builder models(List<ModelSpec> v) { models = new ArrayList<>(v); return this; }
    public Builder faults(Faults v) { faults = v; return this; }
    public Builder lmstudioApi(String v) { lmstudioApi = v; return this; }

    /** Sets the rates of every chat model (decode ≤ 0 leaves decode as is). */
    public Builder rates(double prefillTokensPerSec, double decodeTokensPerSec, double batchSlowdown) {
      models.replaceAll(m -> m.isEmbedding() ? m : m.withRates(
          prefillTokensPerSec > 0 ? prefillTokensPerSec : m.prefillTokensPerSec(),
          decodeTokensPerSec > 0 ? decodeTokensPerSec : m.decodeTokensPerSec(),
          batchSlowdown >= 0 ? batchSlowdown : m.batchSlowdown()));
      return this;
    }

    public SimulatorConfig build() {
      return new SimulatorConfig(host, port, profile, seed, slots, maxQueue, maxLoadedModels, loadTimeMs,
          keepAliveMs, preloadModels, jitter, minOutputTokens, maxOutputTokens, charsPerToken, zeroLatency,
          flushIntervalMs, headersOnFirstToken, llamacppTimings, acceptAnyModel, serverVersion, ioThreads, maxBodyBytes, truthLimit,
          keepAliveTimeoutMs, keepAliveMax, keepAliveHeader, models, faults, lmstudioApi, messageTokens);
    }
  }
}
