package io.llmgatling.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.llmgatling.engine.BaseUrl;
import io.llmgatling.engine.Operation;
import io.llmgatling.engine.Timeouts;
import io.llmgatling.json.Json;
import io.llmgatling.engine.dialect.Dialect;
import io.llmgatling.engine.dialect.Dialects;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Everything a run needs to know, resolved from the workload file in {@code user-files/} and the
 * {@code llm.*} system properties ({@code -D} wins), validated before any load is sent. Every key is declared
 * once in {@link Keys} (name, parser, default, docs row) and read here through that declaration;
 * {@code docs/workload.md} lists them as declared.
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
 * @param warmup             {@code llm.warmup}: requests before the measured load, in no figure
 * @param sharedPrefixTokens {@code llm.sharedPrefix}: tokens of the system prefix shared by every chat-like request
 * @param nonce              {@code llm.nonce}: a unique nonce at the start of every prompt (defeats prompt caches)
 */
public record WorkloadConfig(
    Target target,
    Dialect api,
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
    Path workloadFile,
    Warmup warmup,
    int sharedPrefixTokens,
    boolean nonce) {

  /** The key of {@link #options()} holding the options of every task. */
  public static final String ALL_TASKS = "*";

  /** The workload file read when {@code llm.workload} is not set, if it exists. */
  public static final String DEFAULT_WORKLOAD_FILE = "workload.properties";

  // defaults that depend on the profile (the keys' own defaults are in Keys)
  /** Capacity search: start rate (requests/s) when {@code llm.rate} is not set. */
  static final double DEFAULT_CAPACITY_START_RATE = 1;
  /** Most concurrent users of a closed-model capacity search when {@code llm.capacity.maxRate} is not set. */
  static final int DEFAULT_CAPACITY_MAX_USERS = 256;
  /** The search's time budget when {@code llm.duration} is not set. */
  static final Duration DEFAULT_CAPACITY_BUDGET = Duration.ofMinutes(10);

  public WorkloadConfig {
    chatModels = List.copyOf(chatModels);
    embeddingModels = List.copyOf(embeddingModels);
    taskMaxTokens = Map.copyOf(taskMaxTokens);
    taskStream = Map.copyOf(taskStream);
    slos = List.copyOf(slos);
    promptPaths = Map.copyOf(promptPaths);
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
    return load(properties, userFilesDir, Map.of());
  }

  /**
   * As {@link #load(Map, Path)}, with {@code fallbacks}: values for keys that neither the workload file nor
   * {@code properties} set (a simulation's own defaults, e.g. the main job's warm-up).
   */
  public static WorkloadConfig load(Map<String, String> properties, Path userFilesDir, Map<String, String> fallbacks) {
    Path userFiles = userFilesDir == null ? Path.of("user-files") : userFilesDir;
    Map<String, String> given = llmKeys(properties);
    Set<String> known = new LinkedHashSet<>(Keys.singleNames());
    given.keySet().forEach(key -> checkKnown(key, known));

    Path workloadFile = workloadFile(given.get(Keys.WORKLOAD.name()), userFiles);
    Map<String, String> merged = new LinkedHashMap<>(llmKeys(fallbacks));
    if (workloadFile != null) {
      Map<String, String> fromFile = readWorkloadFile(workloadFile);
      fromFile.keySet().forEach(key -> checkKnown(key, known));
      if (fromFile.containsKey(Keys.WORKLOAD.name())) {
        throw ConfigException.forKey(Keys.WORKLOAD.name(), "cannot be set inside the workload file " + workloadFile);
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
        throw ConfigException.forKey(Keys.TASK_PROMPTS.prefix() + task.name(), e.getMessage());
      }
    }
    Path builtIn = userFilesDir.resolve("prompts").resolve(task.promptResource());
    if (Files.exists(builtIn)) {
      return PromptSet.load(builtIn, batch);
    }
    try {
      return PromptSet.loadResource("prompts/" + task.promptResource(), batch);
    } catch (ConfigException e) {
      throw new ConfigException("prompt set " + builtIn + ": no such file (set " + Keys.TASK_PROMPTS.prefix() + task.name()
          + "=path to bring your own)");
    }
  }

  /** The effective settings as {@code key=value} lines, API key redacted, for logs and reports. */
  public Map<String, String> describe() {
    Map<String, String> lines = new LinkedHashMap<>();
    lines.put(Keys.TARGET.name(), target.id());
    lines.put(Keys.API.name(), api.id());
    lines.put(Keys.BASE_URL.name(), baseUrl == null ? "(embedded simulator)" : baseUrl.toString());
    if (apiKey != null) {
      lines.put(Keys.API_KEY.name(), "***");
    }
    lines.put(Keys.MODEL.name(), String.join(",", models()));
    if (!embeddingModels.isEmpty()) {
      lines.put(Keys.EMBEDDING_MODELS.name(), String.join(",", embeddingModels));
    }
    lines.put(Keys.MIX.name(), mix.toString());
    lines.put(Keys.PROFILE.name(), profile.describe());
    if (shard.isSplit()) {
      lines.put(Keys.SHARD.name(), shard + " -> " + injectedProfile().describe());
    }
    lines.put(Keys.MAX_TOKENS.name(), maxTokens == null ? "per task" : maxTokens.toString());
    lines.put(Keys.STREAM.name(), stream == null ? "per task" : stream.toString());
    lines.put(Keys.SLO.name(), slos.stream().map(Slo::expr).collect(Collectors.joining(", ")));
    options.forEach((task, named) -> named.forEach((name, value) -> lines.put(
        Keys.OPTION.prefix() + (task.equals(ALL_TASKS) ? "" : task + ".") + name, value.toString())));
    lines.put(Keys.SEED.name(), Long.toString(seed));
    if (monitorPid != null) {
      lines.put(Keys.MONITOR_PID.name(), monitorPid.toString());
    }
    if (!monitor) {
      lines.put(Keys.MONITOR.name(), "off");
    }
    if (workloadFile != null) {
      lines.put(Keys.WORKLOAD.name(), workloadFile.toString());
    }
    if (warmup.enabled()) {
      lines.put(Keys.WARMUP.name(), warmup.describe());
    }
    if (sharedPrefixTokens > 0) {
      lines.put(Keys.SHARED_PREFIX.name(), Integer.toString(sharedPrefixTokens));
    }
    if (nonce) {
      lines.put(Keys.NONCE.name(), "true");
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
    if (key.startsWith(Keys.OPTION.prefix())) {
      optionKey(key);
      return;
    }
    for (String prefix : taskFamilyPrefixes()) {
      if (key.startsWith(prefix) && key.length() > prefix.length()) {
        String task = key.substring(prefix.length());
        if (Tasks.find(task).isEmpty()) {
          throw ConfigException.forKey(key, "unknown task '" + task + "', expected one of: " + Tasks.names());
        }
        return;
      }
    }
    List<String> candidates = new ArrayList<>(known);
    Tasks.all().forEach(task -> taskFamilyPrefixes().forEach(prefix -> candidates.add(prefix + task.name())));
    String closest = candidates.stream()
        .min(Comparator.comparingInt(candidate -> editDistance(key.toLowerCase(Locale.ROOT),
            candidate.toLowerCase(Locale.ROOT))))
        .orElse(Keys.TARGET.name());
    throw ConfigException.forKey(key, "unknown key, did you mean " + closest
        + "? (every key is listed in docs/workload.md)");
  }

  /** The prefixes of the declared per-task families, {@code llm.maxTokens.} for {@code llm.maxTokens.<task>}. */
  private static List<String> taskFamilyPrefixes() {
    return Keys.ALL.stream().filter(key -> key.isFamily() && key.name().endsWith(".<task>")).map(ConfigKey::prefix)
        .toList();
  }

  /**
   * Splits {@code llm.option.[<task>.]<name>} into task ({@link #ALL_TASKS} when none) and option name. Option
   * names have no dot (Ollama's, OpenAI's and llama-server's do not), so a dot always follows a task.
   */
  static Map.Entry<String, String> optionKey(String key) {
    String rest = key.substring(Keys.OPTION.prefix().length());
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
      JsonNode parsed = Json.MAPPER.readTree(text);
      if (parsed != null && !parsed.isMissingNode()) {
        return parsed;
      }
    } catch (IOException notJson) {
      // plain text
    }
    return TextNode.valueOf(text);
  }

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
    throw ConfigException.forKey(Keys.WORKLOAD.name(), "no file '" + name + "' in " + userFiles
        + " or the working directory, expected a .properties file name");
  }

  private static Map<String, String> readWorkloadFile(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (java.nio.charset.CharacterCodingException e) {
      // the JDK's own words ("Input length = 1") do not say what is wrong
      throw ConfigException.forKey(Keys.WORKLOAD.name(), "cannot read " + file + " (not UTF-8 text)");
    } catch (IOException | IllegalArgumentException e) {
      throw ConfigException.forKey(Keys.WORKLOAD.name(), "cannot read " + file + " (" + e.getMessage() + ")");
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
      Target target = get(Keys.TARGET);
      Dialect api = get(Keys.API, target.defaultApi());
      BaseUrl baseUrl = get(Keys.BASE_URL, target.defaultBaseUrl().orElse(null));
      String apiKey = get(Keys.API_KEY);

      TaskMix mix = get(Keys.MIX, TaskMix.defaults());
      List<String> models = get(Keys.MODEL, target.defaultModels());
      List<String> declaredEmbedding = get(Keys.EMBEDDING_MODELS);
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
        throw ConfigException.forKey(Keys.MODEL.name(), "no chat model for " + String.join(", ", chatTasks)
            + " in '" + String.join(",", models) + "' (names containing 'embed' count as embedding models unless "
            + Keys.EMBEDDING_MODELS + " says otherwise), add a chat model or set " + Keys.MIX + "=embeddings");
      }

      Duration duration = get(Keys.DURATION);
      Duration rampUp = get(Keys.RAMP_UP);
      double rate = get(Keys.RATE);
      double rampFrom = get(Keys.RAMP_FROM);
      int users = get(Keys.USERS);
      double stairsStep = get(Keys.STAIRS_STEP, rate);
      int stairsSteps = get(Keys.STAIRS_STEPS);
      Duration stepDuration = get(Keys.STAIRS_STEP_DURATION, duration.dividedBy(stairsSteps));
      long seed = get(Keys.SEED);
      Shard shard = get(Keys.SHARD);

      List<Slo> slos = slos(mix);
      LoadProfile profile = switch (get(Keys.PROFILE)) {
        case "ramp" -> new LoadProfile.Ramp(rampFrom, rate, duration);
        case "poisson" -> new LoadProfile.Poisson(rate, duration, seed);
        case "stairs" -> new LoadProfile.Stairs(rate, stairsStep, stairsSteps, stepDuration);
        case "closed" -> new LoadProfile.Closed(users, rampUp, duration);
        case "capacity" -> capacity(slos);
        default -> new LoadProfile.Constant(rate, duration);
      };

      Integer maxTokens = get(Keys.MAX_TOKENS);
      Boolean stream = get(Keys.STREAM);
      Map<String, Integer> taskMaxTokens = new TreeMap<>();
      Map<String, Boolean> taskStream = new TreeMap<>();
      Map<String, Path> promptPaths = new TreeMap<>();
      for (TaskSpec task : Tasks.all()) {
        Integer perTaskTokens = member(Keys.TASK_MAX_TOKENS, task.name());
        if (perTaskTokens != null) {
          taskMaxTokens.put(task.name(), perTaskTokens);
        }
        Boolean perTaskStream = member(Keys.TASK_STREAM, task.name());
        if (perTaskStream != null) {
          taskStream.put(task.name(), perTaskStream);
        }
        String promptPath = member(Keys.TASK_PROMPTS, task.name());
        if (promptPath != null) {
          promptPaths.put(task.name(), resolvePromptPath(Keys.TASK_PROMPTS.prefix() + task.name(), promptPath));
        }
      }

      Map<String, Map<String, JsonNode>> options = new TreeMap<>();
      values.forEach((key, text) -> {
        if (key.startsWith(Keys.OPTION.prefix())) {
          Map.Entry<String, String> taskAndName = optionKey(key);
          ConfigKey<JsonNode> declared = taskAndName.getKey().equals(ALL_TASKS) ? Keys.OPTION : Keys.TASK_OPTION;
          options.computeIfAbsent(taskAndName.getKey(), t -> new TreeMap<>())
              .put(taskAndName.getValue(), declared.parse(key, text));
        }
      });

      Long monitorPid = get(Keys.MONITOR_PID);
      boolean monitor = get(Keys.MONITOR);
      boolean insecureTls = get(Keys.INSECURE_TLS);
      Timeouts timeouts = new Timeouts(get(Keys.TIMEOUT_CONNECT), get(Keys.TIMEOUT_FIRST_TOKEN),
          get(Keys.TIMEOUT_IDLE), get(Keys.TIMEOUT_TOTAL));
      int batch = get(Keys.EMBEDDINGS_BATCH);

      return new WorkloadConfig(target, api, baseUrl, apiKey, chatModels, embeddingModels, mix, profile, maxTokens,
          stream, taskMaxTokens, taskStream, slos, shard, monitorPid, monitor, seed, insecureTls, timeouts, promptPaths,
          options, batch, userFiles, workloadFile, get(Keys.WARMUP), get(Keys.SHARED_PREFIX), get(Keys.NONCE));
    }

    /**
     * {@code llm.profile=capacity}: rates in requests/s from {@code llm.rate} (default 1), the budget from
     * {@code llm.duration} (default 10 minutes: the search's default 30 s would end it after two steps).
     */
    private LoadProfile.Capacity capacity(List<Slo> slos) {
      double start = get(Keys.RATE, DEFAULT_CAPACITY_START_RATE);
      double max = get(Keys.CAPACITY_MAX_RATE);
      if (max < start) {
        throw ConfigException.forKey(Keys.CAPACITY_MAX_RATE.name(), "'" + values.get(Keys.CAPACITY_MAX_RATE.name())
            + "' is below the start rate llm.rate=" + start);
      }
      double precision = get(Keys.CAPACITY_PRECISION);
      Duration budget = get(Keys.DURATION, DEFAULT_CAPACITY_BUDGET);
      int minRequests = get(Keys.CAPACITY_MIN_REQUESTS);
      Duration window = get(Keys.CAPACITY_WINDOW);
      Duration defaultMaxWindow = Keys.CAPACITY_MAX_WINDOW.defaultValue();
      Duration maxWindow = get(Keys.CAPACITY_MAX_WINDOW,
          window.compareTo(defaultMaxWindow) > 0 ? window : defaultMaxWindow);
      if (maxWindow.compareTo(window) < 0) {
        throw ConfigException.forKey(Keys.CAPACITY_MAX_WINDOW.name(), "'"
            + values.get(Keys.CAPACITY_MAX_WINDOW.name()) + "' is shorter than " + Keys.CAPACITY_WINDOW + "="
            + Durations.format(window));
      }
      if (values.containsKey(Keys.USERS.name())) {
        // the closed model: concurrent users from llm.users, doubling; llm.capacity.maxRate caps the users
        int users = get(Keys.USERS);
        double maxUsers = get(Keys.CAPACITY_MAX_RATE, (double) DEFAULT_CAPACITY_MAX_USERS);
        return new LoadProfile.Capacity(users, Math.max(users, maxUsers), precision, budget, minRequests, window,
            maxWindow, slos, users);
      }
      return new LoadProfile.Capacity(start, max, precision, budget, minRequests, window, maxWindow, slos);
    }

    /** {@code llm.slo}, or the mix's defaults; "none" for no objective. SLOs for tasks not in the mix drop. */
    private List<Slo> slos(TaskMix mix) {
      List<Slo> parsed = get(Keys.SLO);
      if (parsed == null) {
        // a non-streamed answer has no first token: a default TTFT/ITL/TPOT limit would only ever say "no data"
        return Tasks.defaultSlos(mix.tasks()).stream()
            .filter(slo -> slo.task() == null || !List.of("ttft", "itl", "tpot").contains(slo.metric())
                || streamed(slo.task()))
            .toList();
      }
      for (Slo slo : parsed) {
        if (slo.task() != null && Tasks.find(slo.task()).isEmpty()) {
          throw ConfigException.forKey(Keys.SLO.name(), "'" + slo.expr() + "' names unknown task '" + slo.task()
              + "', expected one of: " + Tasks.names());
        }
      }
      return parsed.stream().filter(slo -> slo.task() == null || mix.contains(slo.task())).toList();
    }

    /** Whether a task's answers are streamed, as {@link WorkloadConfig#streamFor} will say. */
    private boolean streamed(String task) {
      Boolean perTask = member(Keys.TASK_STREAM, task);
      Boolean all = get(Keys.STREAM);
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

    /** The parsed value of a key, or its declared default; a parse failure is one line naming the key. */
    private <T> T get(ConfigKey<T> key) {
      return get(key, key.defaultValue());
    }

    /** The parsed value of a key, or {@code defaultValue} (a default that depends on other keys). */
    private <T> T get(ConfigKey<T> key, T defaultValue) {
      String text = values.get(key.name());
      return text == null ? defaultValue : key.parse(text);
    }

    /** The parsed value of a family's member, e.g. {@code llm.maxTokens.<task>} for one task, or null. */
    private <T> T member(ConfigKey<T> family, String member) {
      String key = family.prefix() + member;
      String text = values.get(key);
      return text == null ? null : family.parse(key, text);
    }
  }

  /** Whether a model is taken for an embedding model when {@code llm.embeddingModels} is not set. */
  static boolean looksLikeEmbeddingModel(String model) {
    return model.toLowerCase(Locale.ROOT).contains("embed");
  }
}
