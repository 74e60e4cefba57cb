package io.llmgatling.workload;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.llmgatling.engine.ApiFlavor;
import io.llmgatling.engine.BaseUrl;
import io.llmgatling.engine.Operation;
import io.llmgatling.engine.Timeouts;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Everything a run needs to know, resolved from the workload file in {@code user-files/} and the
 * {@code llm.*} system properties ({@code -D} wins), validated before any load is sent. Every key, its
 * default and accepted values are documented in {@code docs/workload.md}.
 *
 * @param target             the kind of server
 * @param api                the wire API spoken
 * @param baseUrl            server root (no trailing slash, no /v1; prints its credentials masked); null for the
 *                           embedded simulator
 * @param apiKey             bearer token or null; never printed (see {@link #toString()})
 * @param chatModels         models for chat, completion, long-context and code; tasks spread over them
 * @param embeddingModels    models for embeddings; empty means the chat models embed (Ollama can)
 * @param mix                tasks and weights
 * @param profile            the load profile of the whole run, before the shard's share
 * @param maxTokens          {@code llm.maxTokens}, overriding every task's default; null for per task
 * @param stream             {@code llm.stream}, overriding every task's default; null for per task
 * @param taskMaxTokens      {@code llm.maxTokens.<task>}, winning over {@code maxTokens}
 * @param taskStream         {@code llm.stream.<task>}, winning over {@code stream}
 * @param slos               the objectives: {@code llm.slo}, or the default ones of the mix's tasks
 * @param shard              this injector's share
 * @param monitorPid         local process to sample (CPU, memory), or null
 * @param monitor            {@code llm.monitor} (default on): resources sampled (local process found by port, GPU, server gauges)
 * @param seed               seed of every random choice (prompts, Poisson arrivals), for repeatable runs
 * @param insecureTls        accept any TLS certificate (self-signed servers)
 * @param timeouts           client-side limits per request
 * @param promptPaths        {@code llm.prompts.<task>}: prompt files replacing the built-in ones
 * @param options            {@code llm.option.<name>} (under the key {@link #ALL_TASKS}) and
 *                           {@code llm.option.<task>.<name>}: request options, e.g. Ollama's {@code num_ctx}
 * @param embeddingBatchSize texts per embeddings request
 * @param userFilesDir       the user-files directory
 * @param workloadFile       the workload file that was read, or null
 */
public record WorkloadConfig(
    Target target,
    ApiFlavor api,
    BaseUrl baseUrl,
    String apiKey,
    List<String> chatModels,
    List<String> embeddingModels,
    TaskMix mix,
    LoadProfile profile,
    Integer maxTokens,
    Boolean stream,
    Map<String, Integer> taskMaxTokens,
    Map<String, Boolean> taskStream,
    List<Slo> slos,
    Shard shard,
    Long monitorPid,
    boolean monitor,
    long seed,
    boolean insecureTls,
    Timeouts timeouts,
    Map<String, Path> promptPaths,
    Map<String, Map<String, JsonNode>> options,
    int embeddingBatchSize,
    Path userFilesDir,
    Path workloadFile) {

  public static final String TARGET = "llm.target";
  public static final String API = "llm.api";
  public static final String BASE_URL = "llm.baseUrl";
  public static final String API_KEY = "llm.apiKey";
  public static final String MODEL = "llm.model";
  public static final String EMBEDDING_MODELS = "llm.embeddingModels";
  public static final String MIX = "llm.mix";
  public static final String PROFILE = "llm.profile";
  public static final String RATE = "llm.rate";
  public static final String USERS = "llm.users";
  public static final String DURATION = "llm.duration";
  public static final String RAMP_UP = "llm.rampUp";
  public static final String RAMP_FROM = "llm.ramp.from";
  public static final String STAIRS_STEP = "llm.stairs.step";
  public static final String STAIRS_STEPS = "llm.stairs.steps";
  public static final String STAIRS_STEP_DURATION = "llm.stairs.stepDuration";
  public static final String CAPACITY_MAX_RATE = "llm.capacity.maxRate";
  public static final String CAPACITY_PRECISION = "llm.capacity.precision";
  public static final String CAPACITY_MIN_REQUESTS = "llm.capacity.minRequests";
  public static final String CAPACITY_WINDOW = "llm.capacity.window";
  public static final String CAPACITY_MAX_WINDOW = "llm.capacity.maxWindow";
  public static final String MAX_TOKENS = "llm.maxTokens";
  public static final String STREAM = "llm.stream";
  public static final String SLO = "llm.slo";
  public static final String SHARD = "llm.shard";
  public static final String MONITOR_PID = "llm.monitor.pid";
  public static final String MONITOR = "llm.monitor";
  public static final String SEED = "llm.seed";
  public static final String WORKLOAD = "llm.workload";
  public static final String INSECURE_TLS = "llm.insecureTls";
  public static final String TIMEOUT_CONNECT = "llm.timeout.connect";
  public static final String TIMEOUT_FIRST_TOKEN = "llm.timeout.firstToken";
  public static final String TIMEOUT_IDLE = "llm.timeout.idle";
  public static final String TIMEOUT_TOTAL = "llm.timeout.total";
  public static final String EMBEDDINGS_BATCH = "llm.embeddings.batchSize";
  /** Prefix of {@code llm.prompts.<task>=path}. */
  public static final String PROMPTS_PREFIX = "llm.prompts.";
  /** Prefix of {@code llm.maxTokens.<task>=n}. */
  public static final String MAX_TOKENS_PREFIX = "llm.maxTokens.";
  /** Prefix of {@code llm.stream.<task>=true|false}. */
  public static final String STREAM_PREFIX = "llm.stream.";
  /** Prefix of {@code llm.option.<name>=value} and {@code llm.option.<task>.<name>=value}. */
  public static final String OPTION_PREFIX = "llm.option.";
  /** The key of {@link #options()} holding the options of every task. */
  public static final String ALL_TASKS = "*";

  /** Every fixed key this class reads. */
  public static final List<String> KEYS = List.of(TARGET, API, BASE_URL, API_KEY, MODEL, EMBEDDING_MODELS, MIX,
      PROFILE, RATE, USERS, DURATION, RAMP_UP, RAMP_FROM, STAIRS_STEP, STAIRS_STEPS, STAIRS_STEP_DURATION,
      CAPACITY_MAX_RATE, CAPACITY_PRECISION, CAPACITY_MIN_REQUESTS, CAPACITY_WINDOW, CAPACITY_MAX_WINDOW, MAX_TOKENS, STREAM, SLO, SHARD, MONITOR_PID, MONITOR, SEED, WORKLOAD, INSECURE_TLS, TIMEOUT_CONNECT,
      TIMEOUT_FIRST_TOKEN, TIMEOUT_IDLE, TIMEOUT_TOTAL, EMBEDDINGS_BATCH);

  /** The workload file read when {@code llm.workload} is not set, if it exists. */
  public static final String DEFAULT_WORKLOAD_FILE = "workload.properties";

  public static final double DEFAULT_RATE = 2;
  public static final int DEFAULT_USERS = 4;
  public static final Duration DEFAULT_DURATION = Duration.ofSeconds(30);
  public static final Duration DEFAULT_RAMP_UP = Duration.ofSeconds(5);
  public static final int DEFAULT_STAIRS_STEPS = 5;
  public static final long DEFAULT_SEED = 42;
  /** Capacity search defaults: start rate (requests/s) when {@code llm.rate} is not set, and the rest. */
  public static final double DEFAULT_CAPACITY_START_RATE = 1;
  public static final double DEFAULT_CAPACITY_MAX_RATE = 100;
  /** Most concurrent users of a closed-model capacity search when {@code llm.capacity.maxRate} is not set. */
  public static final int DEFAULT_CAPACITY_MAX_USERS = 256;
  public static final double DEFAULT_CAPACITY_PRECISION = 0.10;
  /** The search's time budget when {@code llm.duration} is not set. */
  public static final Duration DEFAULT_CAPACITY_BUDGET = Duration.ofMinutes(10);
  public static final int DEFAULT_CAPACITY_MIN_REQUESTS = 30;
  public static final Duration DEFAULT_CAPACITY_WINDOW = Duration.ofSeconds(10);
  public static final Duration DEFAULT_CAPACITY_MAX_WINDOW = Duration.ofSeconds(60);

  public WorkloadConfig {
    chatModels = List.copyOf(chatModels);
    embeddingModels = List.copyOf(embeddingModels);
    taskMaxTokens = Map.copyOf(taskMaxTokens);
    taskStream = Map.copyOf(taskStream);
    slos = List.copyOf(slos);
    promptPaths = Map.copyOf(promptPaths);
  }

  /** Reads the {@code llm.*} system properties and the workload file of {@code userFilesDir}. */
  public static WorkloadConfig fromSystemProperties(Path userFilesDir) {
    Map<String, String> properties = new TreeMap<>();
    System.getProperties().forEach((key, value) -> properties.put(key.toString(), value.toString()));
    return load(properties, userFilesDir);
  }

  /**
   * Resolves the run's configuration. The workload file ({@code llm.workload}, else
   * {@code user-files/workload.properties} when it exists) is read first; {@code properties} win. Keys not
   * starting with {@code llm.} are ignored, so all system properties may be passed; blank values count as
   * not set, so that pipelines may pass empty variables.
   *
   * @throws ConfigException with one line naming the key and what it accepts
   */
  public static WorkloadConfig load(Map<String, String> properties, Path userFilesDir) {
    return load(properties, userFilesDir, Set.of());
  }

  /**
   * As {@link #load(Map, Path)}, accepting besides the documented keys {@code otherKnownKeys}: keys other
   * parts of the tool read themselves, which must not be reported as unknown.
   */
  public static WorkloadConfig load(Map<String, String> properties, Path userFilesDir, Set<String> otherKnownKeys) {
    Path userFiles = userFilesDir == null ? Path.of("user-files") : userFilesDir;
    Map<String, String> given = llmKeys(properties);
    Set<String> known = new LinkedHashSet<>(KEYS);
    known.addAll(otherKnownKeys);
    given.keySet().forEach(key -> checkKnown(key, known));

    Path workloadFile = workloadFile(given.get(WORKLOAD), userFiles);
    Map<String, String> merged = new LinkedHashMap<>();
    if (workloadFile != null) {
      Map<String, String> fromFile = readWorkloadFile(workloadFile);
      fromFile.keySet().forEach(key -> checkKnown(key, known));
      if (fromFile.containsKey(WORKLOAD)) {
        throw ConfigException.forKey(WORKLOAD, "cannot be set inside the workload file " + workloadFile);
      }
      merged.putAll(fromFile);
    }
    merged.putAll(given);
    return new Resolver(merged, userFiles, workloadFile).resolve();
  }

  // ---- derived views ----

  /** Whether the run starts the simulator in-process (target {@code sim} without a base URL). */
  public boolean embeddedSimulator() {
    return target == Target.SIM && baseUrl == null;
  }

  /** All models, chat models first, each once. */
  public List<String> models() {
    LinkedHashSet<String> all = new LinkedHashSet<>(chatModels);
    all.addAll(embeddingModels);
    return List.copyOf(all);
  }

  /** The models a task's requests are spread over. */
  public List<String> modelsFor(TaskSpec task) {
    if (task.embeds()) {
      return embeddingModels.isEmpty() ? chatModels : embeddingModels;
    }
    return chatModels;
  }

  /** The tasks that run, in the mix's order. */
  public List<TaskSpec> tasks() {
    return mix.tasks();
  }

  /** The profile this injector plays: the run's profile scaled to the shard's share. */
  public LoadProfile injectedProfile() {
    return profile.shard(shard);
  }

  /** The output cap of a task's requests; null for embeddings (no output). */
  public Integer maxTokensFor(TaskSpec task) {
    if (task.embeds()) {
      return null;
    }
    Integer perTask = taskMaxTokens.get(task.name());
    return perTask != null ? perTask : maxTokens != null ? maxTokens : Integer.valueOf(task.defaultMaxTokens());
  }

  /** Whether a task's answers are streamed; always false for embeddings. */
  /** The request options of a task: {@code llm.option.<name>}, then {@code llm.option.<task>.<name>} over them. */
  public Map<String, Object> optionsFor(TaskSpec task) {
    Map<String, Object> merged = new LinkedHashMap<>(options.getOrDefault(ALL_TASKS, Map.of()));
    merged.putAll(options.getOrDefault(task.name(), Map.of()));
    return merged;
  }

  public boolean streamFor(TaskSpec task) {
    if (task.embeds()) {
      return false;
    }
    Boolean perTask = taskStream.get(task.name());
    return perTask != null ? perTask : stream != null ? stream : task.defaultStream();
  }

  /** The operation a task's requests perform on this run's API. */
  public Operation operationFor(TaskSpec task) {
    return task.operationFor(api);
  }

  /** The objectives scoped to a task. */
  public List<Slo> slosFor(String task) {
    return slos.stream().filter(slo -> task.equals(slo.task())).toList();
  }

  /** The objectives on the whole run. */
  public List<Slo> runSlos() {
    return slos.stream().filter(slo -> slo.task() == null).toList();
  }

  /**
   * Reads the prompt set of every task once, so that an empty or malformed prompt file is refused with its
   * one line before the simulation is built (a mistake found while building it would reach the user as
   * Gatling's stack trace).
   *
   * @throws ConfigException naming the key and path of the first bad prompt file
   */
  public void checkPromptSets() {
    tasks().forEach(this::promptSet);
  }

  /**
   * The task's prompts: {@code llm.prompts.<task>} when set (relative paths resolve against user-files
   * first, then the working directory), else {@code user-files/prompts/<file>}, else the same file on the
   * class path.
   *
   * @throws ConfigException naming the key and path when the file is missing or malformed
   */
  public PromptSet promptSet(TaskSpec task) {
    int batch = task.embeds() ? embeddingBatchSize : 1;
    Path custom = promptPaths.get(task.name());
    if (custom != null) {
      try {
        return PromptSet.load(custom, batch);
      } catch (ConfigException e) {
        throw ConfigException.forKey(PROMPTS_PREFIX + task.name(), e.getMessage());
      }
    }
    Path builtIn = userFilesDir.resolve("prompts").resolve(task.promptResource());
    if (Files.exists(builtIn)) {
      return PromptSet.load(builtIn, batch);
    }
    try {
      return PromptSet.loadResource("prompts/" + task.promptResource(), batch);
    } catch (ConfigException e) {
      throw new ConfigException("prompt set " + builtIn + ": no such file (set " + PROMPTS_PREFIX + task.name()
          + "=path to bring your own)");
    }
  }

  /** The effective settings as {@code key=value} lines, API key redacted, for logs and reports. */
  public Map<String, String> describe() {
    Map<String, String> lines = new LinkedHashMap<>();
    lines.put(TARGET, target.id());
    lines.put(API, api.id());
    lines.put(BASE_URL, baseUrl == null ? "(embedded simulator)" : baseUrl.toString());
    if (apiKey != null) {
      lines.put(API_KEY, "***");
    }
    lines.put(MODEL, String.join(",", models()));
    if (!embeddingModels.isEmpty()) {
      lines.put(EMBEDDING_MODELS, String.join(",", embeddingModels));
    }
    lines.put(MIX, mix.toString());
    lines.put(PROFILE, profile.describe());
    if (shard.isSplit()) {
      lines.put(SHARD, shard + " -> " + injectedProfile().describe());
    }
    lines.put(MAX_TOKENS, maxTokens == null ? "per task" : maxTokens.toString());
    lines.put(STREAM, stream == null ? "per task" : stream.toString());
    lines.put(SLO, slos.stream().map(Slo::expr).collect(Collectors.joining(", ")));
    options.forEach((task, named) -> named.forEach((name, value) -> lines.put(
        OPTION_PREFIX + (task.equals(ALL_TASKS) ? "" : task + ".") + name, value.toString())));
    lines.put(SEED, Long.toString(seed));
    if (monitorPid != null) {
      lines.put(MONITOR_PID, monitorPid.toString());
    }
    if (!monitor) {
      lines.put(MONITOR, "off");
    }
    if (workloadFile != null) {
      lines.put(WORKLOAD, workloadFile.toString());
    }
    return lines;
  }

  /** Redacts the API key: this string may end up in logs. */
  @Override
  public String toString() {
    return "WorkloadConfig" + describe();
  }

  // ---- loading ----

  private static Map<String, String> llmKeys(Map<String, String> properties) {
    Map<String, String> llm = new TreeMap<>();
    if (properties != null) {
      properties.forEach((key, value) -> {
        if (key != null && key.startsWith("llm.") && value != null && !value.isBlank()) {
          llm.put(key.trim(), value.trim());
        }
      });
    }
    return llm;
  }

  private static void checkKnown(String key, Set<String> known) {
    if (known.contains(key)) {
      return;
    }
    if (key.startsWith(OPTION_PREFIX)) {
      optionKey(key);
      return;
    }
    for (String prefix : List.of(PROMPTS_PREFIX, MAX_TOKENS_PREFIX, STREAM_PREFIX)) {
      if (key.startsWith(prefix) && key.length() > prefix.length()) {
        String task = key.substring(prefix.length());
        if (Tasks.find(task).isEmpty()) {
          throw ConfigException.forKey(key, "unknown task '" + task + "', expected one of: " + Tasks.names());
        }
        return;
      }
    }
    List<String> candidates = new ArrayList<>(known);
    Tasks.all().forEach(task -> {
      candidates.add(PROMPTS_PREFIX + task.name());
      candidates.add(MAX_TOKENS_PREFIX + task.name());
    });
    String closest = candidates.stream()
        .min(Comparator.comparingInt(candidate -> editDistance(key.toLowerCase(Locale.ROOT),
            candidate.toLowerCase(Locale.ROOT))))
        .orElse(TARGET);
    throw ConfigException.forKey(key, "unknown key, did you mean " + closest
        + "? (every key is listed in docs/workload.md)");
  }

  /**
   * Splits {@code llm.option.[<task>.]<name>} into task ({@link #ALL_TASKS} when none) and option name. Option
   * names have no dot (Ollama's, OpenAI's and llama-server's do not), so a dot always follows a task.
   */
  static Map.Entry<String, String> optionKey(String key) {
    String rest = key.substring(OPTION_PREFIX.length());
    int dot = rest.indexOf('.');
    String task = dot < 0 ? ALL_TASKS : rest.substring(0, dot);
    String name = dot < 0 ? rest : rest.substring(dot + 1);
    if (!task.equals(ALL_TASKS) && Tasks.find(task).isEmpty()) {
      throw ConfigException.forKey(key, "unknown task '" + task + "', expected llm.option.<name> or "
          + "llm.option.<task>.<name> with a task among: " + Tasks.names());
    }
    if (name.isEmpty() || name.contains(".")) {
      throw ConfigException.forKey(key, "expected llm.option.<name> or llm.option.<task>.<name>, e.g. "
          + "llm.option.num_ctx=8192 or llm.option.long-context.num_ctx=16384");
    }
    return Map.entry(task, name);
  }

  /**
   * An option's value: JSON when it parses as JSON (numbers, true/false, null, arrays, objects, quoted
   * strings), else the text itself, so that {@code temperature=0.2} is a number and {@code keep_alive=10m}
   * a string.
   */
  static JsonNode optionValue(String text) {
    try {
      JsonNode parsed = OPTION_JSON.readTree(text);
      if (parsed != null && !parsed.isMissingNode()) {
        return parsed;
      }
    } catch (IOException notJson) {
      // plain text
    }
    return TextNode.valueOf(text);
  }

  private static final ObjectMapper OPTION_JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** Levenshtein distance, for suggesting the key the user meant. */
  static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  private static Path workloadFile(String name, Path userFiles) {
    if (name == null) {
      Path defaultFile = userFiles.resolve(DEFAULT_WORKLOAD_FILE);
      return Files.isRegularFile(defaultFile) ? defaultFile : null;
    }
    Path asGiven = Path.of(name);
    Path inUserFiles = userFiles.resolve(name);
    if (!asGiven.isAbsolute() && Files.isRegularFile(inUserFiles)) {
      return inUserFiles;
    }
    if (Files.isRegularFile(asGiven)) {
      return asGiven;
    }
    throw ConfigException.forKey(WORKLOAD, "no file '" + name + "' in " + userFiles
        + " or the working directory, expected a .properties file name");
  }

  private static Map<String, String> readWorkloadFile(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (java.nio.charset.CharacterCodingException e) {
      // the JDK's own words ("Input length = 1") do not say what is wrong
      throw ConfigException.forKey(WORKLOAD, "cannot read " + file + " (not UTF-8 text)");
    } catch (IOException | IllegalArgumentException e) {
      throw ConfigException.forKey(WORKLOAD, "cannot read " + file + " (" + e.getMessage() + ")");
    }
    Map<String, String> values = new TreeMap<>();
    properties.forEach((key, value) -> {
      String name = key.toString().trim();
      if (!name.startsWith("llm.")) {
        throw new ConfigException(name + ": unknown key in " + file + ", workload files hold llm.* keys only");
      }
      if (!value.toString().isBlank()) {
        values.put(name, value.toString().trim());
      }
    });
    return values;
  }

  /** Turns the merged key/value map into a validated configuration, key by key. */
  private static final class Resolver {
    private final Map<String, String> values;
    private final Path userFiles;
    private final Path workloadFile;

    Resolver(Map<String, String> values, Path userFiles, Path workloadFile) {
      this.values = values;
      this.userFiles = userFiles;
      this.workloadFile = workloadFile;
    }

    WorkloadConfig resolve() {
      Target target = get(TARGET, text -> Target.find(text).orElseThrow(() -> new IllegalArgumentException(
          "'" + text + "' is not one of " + Target.ids())), Target.SIM);
      ApiFlavor api = get(API, text -> {
        try {
          return ApiFlavor.fromId(text);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("'" + text + "' is not one of ollama, openai, lmstudio, llamacpp");
        }
      }, target.defaultApi());
      BaseUrl baseUrl = get(BASE_URL, BaseUrl::parse, target.defaultBaseUrl().orElse(null));
      String apiKey = values.get(API_KEY);

      TaskMix mix = values.containsKey(MIX) ? TaskMix.parse(values.get(MIX)) : TaskMix.defaults();
      List<String> models = get(MODEL, WorkloadConfig::parseNames, target.defaultModels());
      List<String> declaredEmbedding = get(EMBEDDING_MODELS, WorkloadConfig::parseNames, null);
      List<String> chatModels;
      List<String> embeddingModels;
      if (declaredEmbedding != null) {
        embeddingModels = declaredEmbedding;
        chatModels = models.stream().filter(model -> !declaredEmbedding.contains(model)).toList();
      } else {
        embeddingModels = models.stream().filter(WorkloadConfig::looksLikeEmbeddingModel).toList();
        chatModels = models.stream().filter(model -> !looksLikeEmbeddingModel(model)).toList();
      }
      List<String> chatTasks = mix.tasks().stream().filter(task -> !task.embeds()).map(TaskSpec::name).toList();
      if (chatModels.isEmpty() && !chatTasks.isEmpty()) {
        throw ConfigException.forKey(MODEL, "no chat model for " + String.join(", ", chatTasks) + " in '"
            + String.join(",", models) + "' (names containing 'embed' count as embedding models unless "
            + EMBEDDING_MODELS + " says otherwise), add a chat model or set " + MIX + "=embeddings");
      }

      Duration duration = get(DURATION, WorkloadConfig::parsePositiveDuration, DEFAULT_DURATION);
      Duration rampUp = get(RAMP_UP, WorkloadConfig::parseDuration, DEFAULT_RAMP_UP);
      double rate = get(RATE, text -> parseRate(text, false), DEFAULT_RATE);
      double rampFrom = get(RAMP_FROM, text -> parseRate(text, true), 0.0);
      int users = get(USERS, text -> parseInt(text, 1, "a whole number of users >= 1"), DEFAULT_USERS);
      double stairsStep = get(STAIRS_STEP, text -> parseRate(text, false), rate);
      int stairsSteps = get(STAIRS_STEPS, text -> parseInt(text, 1, "a whole number of steps >= 1"),
          DEFAULT_STAIRS_STEPS);
      Duration stepDuration = get(STAIRS_STEP_DURATION, WorkloadConfig::parsePositiveDuration,
          duration.dividedBy(stairsSteps));
      long seed = get(SEED, WorkloadConfig::parseLong, DEFAULT_SEED);
      Shard shard = get(SHARD, Shard::parse, Shard.SINGLE);

      List<Slo> slos = slos(mix);
      String profileName = get(PROFILE, text -> {
        String name = text.toLowerCase(Locale.ROOT);
        if (!LoadProfile.NAMES.contains(name)) {
          throw new IllegalArgumentException("'" + text + "' is not one of " + String.join(", ", LoadProfile.NAMES));
        }
        return name;
      }, "constant");
      LoadProfile profile = switch (profileName) {
        case "ramp" -> new LoadProfile.Ramp(rampFrom, rate, duration);
        case "poisson" -> new LoadProfile.Poisson(rate, duration, seed);
        case "stairs" -> new LoadProfile.Stairs(rate, stairsStep, stairsSteps, stepDuration);
        case "closed" -> new LoadProfile.Closed(users, rampUp, duration);
        case "capacity" -> capacity(slos);
        default -> new LoadProfile.Constant(rate, duration);
      };

      Integer maxTokens = get(MAX_TOKENS, text -> parseInt(text, 1, "a whole number of tokens >= 1"), null);
      Boolean stream = get(STREAM, WorkloadConfig::parseBoolean, null);
      Map<String, Integer> taskMaxTokens = new TreeMap<>();
      Map<String, Boolean> taskStream = new TreeMap<>();
      Map<String, Path> promptPaths = new TreeMap<>();
      for (TaskSpec task : Tasks.all()) {
        Integer perTaskTokens = get(MAX_TOKENS_PREFIX + task.name(),
            text -> parseInt(text, 1, "a whole number of tokens >= 1"), null);
        if (perTaskTokens != null) {
          taskMaxTokens.put(task.name(), perTaskTokens);
        }
        Boolean perTaskStream = get(STREAM_PREFIX + task.name(), WorkloadConfig::parseBoolean, null);
        if (perTaskStream != null) {
          taskStream.put(task.name(), perTaskStream);
        }
        String promptPath = values.get(PROMPTS_PREFIX + task.name());
        if (promptPath != null) {
          promptPaths.put(task.name(), resolvePromptPath(PROMPTS_PREFIX + task.name(), promptPath));
        }
      }

      Map<String, Map<String, JsonNode>> options = new TreeMap<>();
      values.forEach((key, text) -> {
        if (key.startsWith(OPTION_PREFIX)) {
          Map.Entry<String, String> taskAndName = optionKey(key);
          options.computeIfAbsent(taskAndName.getKey(), t -> new TreeMap<>())
              .put(taskAndName.getValue(), optionValue(text));
        }
      });

      Long monitorPid = get(MONITOR_PID, text -> (long) parseInt(text, 1, "a process id >= 1"), null);
      boolean monitor = get(MONITOR, text -> parseBoolean(text.trim().equalsIgnoreCase("on") ? "true"
          : text.trim().equalsIgnoreCase("off") ? "false" : text), true);
      boolean insecureTls = get(INSECURE_TLS, WorkloadConfig::parseBoolean, false);
      Timeouts timeouts = new Timeouts(
          get(TIMEOUT_CONNECT, WorkloadConfig::parsePositiveDuration, Timeouts.DEFAULT.connect()),
          get(TIMEOUT_FIRST_TOKEN, WorkloadConfig::parsePositiveDuration, Timeouts.DEFAULT.firstToken()),
          get(TIMEOUT_IDLE, WorkloadConfig::parsePositiveDuration, Timeouts.DEFAULT.idle()),
          get(TIMEOUT_TOTAL, WorkloadConfig::parsePositiveDuration, Timeouts.DEFAULT.total()));
      int batch = get(EMBEDDINGS_BATCH, text -> parseInt(text, 1, "a whole number of texts >= 1"),
          Tasks.EMBEDDINGS.batchSize());

      return new WorkloadConfig(target, api, baseUrl, apiKey, chatModels, embeddingModels, mix, profile, maxTokens,
          stream, taskMaxTokens, taskStream, slos, shard, monitorPid, monitor, seed, insecureTls, timeouts, promptPaths,
          options, batch, userFiles, workloadFile);
    }

    /**
     * {@code llm.profile=capacity}: rates in requests/s from {@code llm.rate} (default 1), the budget from
     * {@code llm.duration} (default 10 minutes: the search's default 30 s would end it after two steps).
     */
    private LoadProfile.Capacity capacity(List<Slo> slos) {
      double start = get(RATE, text -> parseRate(text, false), DEFAULT_CAPACITY_START_RATE);
      double max = get(CAPACITY_MAX_RATE, text -> parseRate(text, false), DEFAULT_CAPACITY_MAX_RATE);
      if (max < start) {
        throw ConfigException.forKey(CAPACITY_MAX_RATE, "'" + values.get(CAPACITY_MAX_RATE)
            + "' is below the start rate llm.rate=" + start);
      }
      double precision = get(CAPACITY_PRECISION, WorkloadConfig::parseFraction, DEFAULT_CAPACITY_PRECISION);
      Duration budget = get(DURATION, WorkloadConfig::parsePositiveDuration, DEFAULT_CAPACITY_BUDGET);
      int minRequests = get(CAPACITY_MIN_REQUESTS, text -> parseInt(text, 1, "a whole number of requests >= 1"),
          DEFAULT_CAPACITY_MIN_REQUESTS);
      Duration window = get(CAPACITY_WINDOW, WorkloadConfig::parsePositiveDuration, DEFAULT_CAPACITY_WINDOW);
      Duration maxWindow = get(CAPACITY_MAX_WINDOW, WorkloadConfig::parsePositiveDuration,
          window.compareTo(DEFAULT_CAPACITY_MAX_WINDOW) > 0 ? window : DEFAULT_CAPACITY_MAX_WINDOW);
      if (maxWindow.compareTo(window) < 0) {
        throw ConfigException.forKey(CAPACITY_MAX_WINDOW, "'" + values.get(CAPACITY_MAX_WINDOW)
            + "' is shorter than " + CAPACITY_WINDOW + "=" + Durations.format(window));
      }
      if (values.containsKey(USERS)) {
        // the closed model: concurrent users from llm.users, doubling; llm.capacity.maxRate caps the users
        int users = get(USERS, text -> parseInt(text, 1, "a whole number of users >= 1"), DEFAULT_USERS);
        double maxUsers = get(CAPACITY_MAX_RATE, text -> parseRate(text, false), (double) DEFAULT_CAPACITY_MAX_USERS);
        return new LoadProfile.Capacity(users, Math.max(users, maxUsers), precision, budget, minRequests, window,
            maxWindow, slos, users);
      }
      return new LoadProfile.Capacity(start, max, precision, budget, minRequests, window, maxWindow, slos);
    }

    /** {@code llm.slo}, or the mix's defaults; "none" for no objective. SLOs for tasks not in the mix drop. */
    private List<Slo> slos(TaskMix mix) {
      String text = values.get(SLO);
      if (text == null) {
        // a non-streamed answer has no first token: a default TTFT/ITL/TPOT limit would only ever say "no data"
        return Tasks.defaultSlos(mix.tasks()).stream()
            .filter(slo -> slo.task() == null || !List.of("ttft", "itl", "tpot").contains(slo.metric())
                || streamed(slo.task()))
            .toList();
      }
      if (text.equalsIgnoreCase("none")) {
        return List.of();
      }
      List<Slo> parsed = get(SLO, Slo::parseList, List.of());
      for (Slo slo : parsed) {
        if (slo.task() != null && Tasks.find(slo.task()).isEmpty()) {
          throw ConfigException.forKey(SLO, "'" + slo.expr() + "' names unknown task '" + slo.task()
              + "', expected one of: " + Tasks.names());
        }
      }
      return parsed.stream().filter(slo -> slo.task() == null || mix.contains(slo.task())).toList();
    }

    /** Whether a task's answers are streamed, as {@link WorkloadConfig#streamFor} will say. */
    private boolean streamed(String task) {
      Boolean perTask = get(STREAM_PREFIX + task, WorkloadConfig::parseBoolean, null);
      Boolean all = get(STREAM, WorkloadConfig::parseBoolean, null);
      return perTask != null ? perTask : all != null ? all : Tasks.find(task).map(TaskSpec::defaultStream).orElse(true);
    }

    private Path resolvePromptPath(String key, String text) {
      Path asGiven = Path.of(text);
      if (!asGiven.isAbsolute() && Files.exists(userFiles.resolve(text))) {
        return userFiles.resolve(text);
      }
      if (!Files.isRegularFile(asGiven)) {
        throw ConfigException.forKey(key, "no file '" + text + "' in " + userFiles
            + " or the working directory, expected a .jsonl or .csv prompt file");
      }
      return asGiven;
    }

    /** The parsed value of a key, or the default; a parse failure becomes a one-line ConfigException. */
    private <T> T get(String key, Function<String, T> parser, T defaultValue) {
      String text = values.get(key);
      if (text == null) {
        return defaultValue;
      }
      try {
        return parser.apply(text);
      } catch (ConfigException e) {
        throw e;
      } catch (RuntimeException e) {
        throw ConfigException.forKey(key, e.getMessage());
      }
    }
  }

  // ---- value parsers: each throws IllegalArgumentException saying what is accepted ----

  /** Whether a model is taken for an embedding model when {@code llm.embeddingModels} is not set. */
  static boolean looksLikeEmbeddingModel(String model) {
    return model.toLowerCase(Locale.ROOT).contains("embed");
  }

  static List<String> parseNames(String text) {
    List<String> names = new ArrayList<>();
    for (String part : text.split(",")) {
      String name = part.trim();
      if (!name.isEmpty() && !names.contains(name)) {
        names.add(name);
      }
    }
    if (names.isEmpty()) {
      throw new IllegalArgumentException("'" + text + "' is not a comma list of model names");
    }
    return Collections.unmodifiableList(names);
  }

  static double parseRate(String text, boolean zeroAllowed) {
    String accepted = "'" + text + "' is not a number " + (zeroAllowed ? ">= 0" : "> 0")
        + " (users per second, e.g. 2 or 0.5)";
    double rate;
    try {
      rate = Double.parseDouble(text.trim().replaceFirst("/s$", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(accepted);
    }
    if (Double.isNaN(rate) || Double.isInfinite(rate) || rate < 0 || (rate == 0 && !zeroAllowed)) {
      throw new IllegalArgumentException(accepted);
    }
    return rate;
  }

  /** A fraction in (0, 1): {@code 0.1} or {@code 10%}. */
  static double parseFraction(String text) {
    String accepted = "'" + text + "' is not a fraction between 0 and 1 (e.g. 0.1 or 10%)";
    try {
      String t = text.trim();
      double value = t.endsWith("%") ? Double.parseDouble(t.substring(0, t.length() - 1).trim()) / 100
          : Double.parseDouble(t);
      if (value > 0 && value < 1) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below with what is accepted
    }
    throw new IllegalArgumentException(accepted);
  }

  static int parseInt(String text, int min, String accepted) {
    try {
      int value = Integer.parseInt(text.trim());
      if (value >= min) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below with what is accepted
    }
    throw new IllegalArgumentException("'" + text + "' is not " + accepted);
  }

  static long parseLong(String text) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not a whole number");
    }
  }

  static boolean parseBoolean(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("'" + text + "' is not true or false");
    };
  }

  static Duration parseDuration(String text) {
    return Durations.parse(text);
  }

  static Duration parsePositiveDuration(String text) {
    Duration duration = Durations.parse(text);
    if (duration.isZero()) {
      throw new IllegalArgumentException("'" + text + "' is not " + Durations.ACCEPTED + " above zero");
    }
    return duration;
  }
}
