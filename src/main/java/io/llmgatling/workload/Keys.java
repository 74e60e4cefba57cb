package io.llmgatling.workload;


import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.workload.ConfigKey.Section;
import io.llmgatling.engine.dialect.Dialect;
import io.llmgatling.engine.dialect.Dialects;
import io.llmgatling.engine.BaseUrl;
import io.llmgatling.engine.Timeouts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Every {@code llm.*} key, declared once: name, parser, default and the row of its docs table. {@link WorkloadConfig}
 * and the harness read the keys through these declarations; {@code KeysDocTest} checks {@code docs/workload.md}
 * against them. Keys named in SPEC "Additions" are added here when their issue lands.
 */
public final class Keys {

  private static final List<ConfigKey<?>> DECLARED = new ArrayList<>();

  // ---- target ----
  public static final ConfigKey<Target> TARGET = declare("llm.target", Section.TARGET,
      text -> Target.find(text).orElseThrow(() -> new IllegalArgumentException(
          "'" + text + "' is not one of " + Target.ids())), Target.SIM, "`sim`",
      "`sim` (embedded simulator, started in-process on a free port), `ollama`, `lmstudio`, `llamacpp`, `openai` (any"
          + " OpenAI-compatible server: vLLM, SGLang, LocalAI, ...)");
  public static final ConfigKey<Dialect> API = declare("llm.api", Section.TARGET, Keys::parseApi, null,
      "per target: sim `ollama`, ollama `ollama`, lmstudio `lmstudio`, llamacpp `llamacpp`, openai `openai`",
      "`ollama`, `openai`, `lmstudio`, `llamacpp`. With `sim` it picks the API the simulator is spoken to with; with a"
          + " real server, e.g. `-Dllm.target=lmstudio -Dllm.api=openai` uses LM Studio's /v1 endpoints");
  public static final ConfigKey<BaseUrl> BASE_URL = declare("llm.baseUrl", Section.TARGET, BaseUrl::parse, null,
      "ollama `http://localhost:11434`, lmstudio `http://localhost:1234`, llamacpp `http://localhost:8080`, openai"
          + " `http://localhost:8000`; sim: none (embedded)",
      "an `http`/`https` URL with a host: the server root as its docs give it. A trailing `/v1` is removed (OpenAI"
          + " paths add it), in the Java DSL's `.baseUrl(...)` too. Credentials written into it"
          + " (`http://user:pass@host`) are shown as `http://***@host` in every message and file; they are not sent"
          + " to the server (a bearer token goes in `llm.apiKey`). With `sim`, a base URL means a simulator already"
          + " running there (`simulator --port N`)");
  public static final ConfigKey<String> API_KEY = declare("llm.apiKey", Section.TARGET, Function.identity(), null, "none",
      "a bearer token, never written to any output (prefer `-D` or an environment-fed pipeline variable to the"
          + " workload file)");
  public static final ConfigKey<List<String>> MODEL = declare("llm.model", Section.TARGET, Keys::parseNames, null,
      "sim `llama3.2:3b,qwen2.5:7b,nomic-embed-text`; ollama `llama3.2`; lmstudio"
          + " `qwen2.5-7b-instruct,text-embedding-nomic-embed-text-v1.5`; llamacpp"
          + " `llama-3.2-3b-instruct,nomic-embed-text-v1.5`; openai"
          + " `Qwen/Qwen2.5-1.5B-Instruct,nomic-ai/nomic-embed-text-v1.5`",
      "one model or a comma list. The defaults for real servers are guesses: set the models your server has (the"
          + " pre-flight check lists them when one is missing)");
  public static final ConfigKey<List<String>> EMBEDDING_MODELS = declare("llm.embeddingModels", Section.TARGET,
      Keys::parseNames, null, "names in `llm.model` containing `embed`",
      "comma list of the embedding models; when set, the name rule is off and these are the embedding models (added"
          + " to the run if not in `llm.model`)");

  // ---- work ----
  public static final ConfigKey<TaskMix> MIX = declare("llm.mix", Section.WORK, TaskMix::parse, null,
      "`chat:60,completion:10,long-context:15,embeddings:15`",
      "`name:weight,...` with whole weights >= 0 over `chat`, `completion`, `long-context`, `code`, `embeddings`; a"
          + " name without weight weighs 1, so one name alone runs only that task");
  public static final ConfigKey<Integer> MAX_TOKENS = declare("llm.maxTokens", Section.WORK, Keys::parseTokens, null,
      "per task (below)", "whole number >= 1: output cap of every task's requests");
  public static final ConfigKey<Integer> TASK_MAX_TOKENS = declare("llm.maxTokens.<task>", Section.WORK, Keys::parseTokens,
      null, "—", "cap for one task, wins over `llm.maxTokens`");
  public static final ConfigKey<Boolean> STREAM = declare("llm.stream", Section.WORK, Keys::parseBoolean, null,
      "per task (below)", "`true`, `false`: streamed answers for every task (embeddings never stream)");
  public static final ConfigKey<Boolean> TASK_STREAM = declare("llm.stream.<task>", Section.WORK, Keys::parseBoolean, null,
      "—", "streaming of one task, wins over `llm.stream`");
  public static final ConfigKey<String> TASK_PROMPTS = declare("llm.prompts.<task>", Section.WORK, Function.identity(), null,
      "`user-files/prompts/<task>.jsonl`",
      "path of a JSONL or CSV prompt file (relative to `user-files/`, else to the working directory)");
  public static final ConfigKey<Integer> EMBEDDINGS_BATCH = declare("llm.embeddings.batchSize", Section.WORK,
      text -> parseInt(text, 1, "a whole number of texts >= 1"), Tasks.EMBEDDINGS.batchSize(),
      "`8`", "whole number >= 1: texts per embeddings request");
  public static final ConfigKey<JsonNode> OPTION = declare("llm.option.<name>", Section.WORK, WorkloadConfig::optionValue,
      null, "—",
      "a request option for every task, sent where the API takes it: Ollama's `options` (`num_ctx`, `temperature`,"
          + " `top_k`, ...; `keep_alive`, `think`, `format` go at the top level), the body's top level for"
          + " OpenAI-style APIs (`temperature`, `top_p`, `seed`, ...). The value is JSON when it parses as JSON"
          + " (`8192`, `0.2`, `true`, `[\"\\n\"]`), else text (`10m`)");
  public static final ConfigKey<JsonNode> TASK_OPTION = declare("llm.option.<task>.<name>", Section.WORK,
      WorkloadConfig::optionValue, null, "—",
      "an option for one task, wins over `llm.option.<name>`, e.g. `llm.option.long-context.num_ctx=16384`");

  // ---- load ----
  public static final ConfigKey<String> PROFILE = declare("llm.profile", Section.LOAD, Keys::parseProfile, "constant",
      "`constant`", "`constant`, `ramp`, `poisson`, `stairs` (open model), `closed` (concurrency), `capacity`"
          + " (search)");
  public static final ConfigKey<Double> RATE = declare("llm.rate", Section.LOAD, text -> parseRate(text, false), 2.0,
      "`2` (capacity: `1`)", "number > 0, users/s: the rate of constant and poisson, the end of a ramp, the first"
          + " step of stairs; capacity: the first rate offered, in requests/s");
  public static final ConfigKey<Duration> DURATION = declare("llm.duration", Section.LOAD, Keys::parsePositiveDuration,
      Duration.ofSeconds(30), "`30s` (capacity: `10m`)", "duration > 0: length of the run (closed: time at full"
          + " concurrency after the ramp-up; capacity: the search's time budget)");
  public static final ConfigKey<Double> RAMP_FROM = declare("llm.ramp.from", Section.LOAD, text -> parseRate(text, true),
      0.0, "`0`", "number >= 0: rate at the start of a ramp");
  public static final ConfigKey<Integer> USERS = declare("llm.users", Section.LOAD,
      text -> parseInt(text, 1, "a whole number of users >= 1"), 4, "`4`", "whole number >= 1: concurrent users of"
          + " `closed`; with `capacity`, the closed-model search's first concurrency");
  public static final ConfigKey<Duration> RAMP_UP = declare("llm.rampUp", Section.LOAD, Durations::parse,
      Duration.ofSeconds(5), "`5s`", "duration >= 0: time for `closed` to reach its users");
  public static final ConfigKey<Double> STAIRS_STEP = declare("llm.stairs.step", Section.LOAD,
      text -> parseRate(text, false), null, "`llm.rate`", "number > 0: rate added at each step of stairs");
  public static final ConfigKey<Integer> STAIRS_STEPS = declare("llm.stairs.steps", Section.LOAD,
      text -> parseInt(text, 1, "a whole number of steps >= 1"), 5, "`5`", "whole number >= 1: steps of stairs");
  public static final ConfigKey<Duration> STAIRS_STEP_DURATION = declare("llm.stairs.stepDuration", Section.LOAD,
      Keys::parsePositiveDuration, null, "`llm.duration / llm.stairs.steps`",
      "duration > 0: length of each step of stairs");
  public static final ConfigKey<Double> CAPACITY_MAX_RATE = declare("llm.capacity.maxRate", Section.LOAD,
      text -> parseRate(text, false), 100.0, "`100` (closed: `256`)", "number > 0, requests/s: highest rate a"
          + " capacity search offers (it stops when that rate holds); closed model (`llm.users` given): most users");
  public static final ConfigKey<Double> CAPACITY_PRECISION = declare("llm.capacity.precision", Section.LOAD,
      Keys::parseFraction, 0.10, "`10%`", "fraction in (0, 1), `0.1` or `10%`: the search stops when [last good,"
          + " first bad] is within it of the first bad rate");
  public static final ConfigKey<Integer> CAPACITY_MIN_REQUESTS = declare("llm.capacity.minRequests", Section.LOAD,
      text -> parseInt(text, 1, "a whole number of requests >= 1"), 30, "`30`",
      "whole number >= 1: completed requests a capacity step's judged window needs");
  public static final ConfigKey<Duration> CAPACITY_WINDOW = declare("llm.capacity.window", Section.LOAD,
      Keys::parsePositiveDuration, Duration.ofSeconds(10), "`10s`",
      "duration > 0: shortest judged window of a capacity step");
  public static final ConfigKey<Duration> CAPACITY_MAX_WINDOW = declare("llm.capacity.maxWindow", Section.LOAD,
      Keys::parsePositiveDuration, Duration.ofSeconds(60), "`60s` (or `llm.capacity.window` when longer)",
      "duration >= `llm.capacity.window`: longest judged window");
  public static final ConfigKey<Long> SEED = declare("llm.seed", Section.LOAD, Keys::parseLong, 42L, "`42`",
      "whole number: seed of every random choice (prompts, models, Poisson arrivals), so a run can be repeated");
  public static final ConfigKey<Shard> SHARD = declare("llm.shard", Section.LOAD, Shard::parse, Shard.SINGLE, "`1/1`",
      "`i/n` with 1 <= i <= n: this injector plays 1/n of the load (see below)");

  public static final ConfigKey<Warmup> WARMUP = declare("llm.warmup", Section.LOAD, Warmup::parse, Warmup.NONE,
      "`0` (`mvn gatling:test`'s `MultiTaskSimulation`: `10`)",
      "a duration (`5s`) or a whole number of requests (`20`), `0` = none: requests in the same mix sent before the"
          + " measured load (at `llm.rate`, or 2/s for closed profiles), recorded with `\"warmup\": true` and left"
          + " out of every figure, SLO, time series and capacity step; summary `warmup { requests, ko, coldLoadMs }`");
  public static final ConfigKey<Integer> SHARED_PREFIX = declare("llm.sharedPrefix", Section.WORK,
      text -> parseInt(text, 0, "a whole number of tokens >= 0"), 0, "`0`",
      "whole number of tokens >= 0: a system prefix of about that many tokens, the same text for every chat-like"
          + " request of the run (seeded), before the task's own prompt (a RAG or agent system prompt that servers"
          + " cache)");
  public static final ConfigKey<Boolean> NONCE = declare("llm.nonce", Section.WORK, Keys::parseBoolean, false,
      "`false`", "`true`, `false`: a unique nonce at the start of every prompt, so that no prefix is ever served"
          + " from the server's prompt cache (cold measurements; `cachedTokens` then stays 0)");
  // ---- verdict and extras ----
  public static final ConfigKey<List<Slo>> SLO = declare("llm.slo", Section.VERDICT,
      text -> text.equalsIgnoreCase("none") ? List.of() : Slo.parseList(text), null,
      "`errorRate<1%` plus the default SLOs of the tasks in the mix (below)",
      "comma list of SLO expressions (grammar below), or `none`");
  public static final ConfigKey<Boolean> MONITOR = declare("llm.monitor", Section.VERDICT,
      text -> parseBoolean(text.trim().equalsIgnoreCase("on") ? "true"
          : text.trim().equalsIgnoreCase("off") ? "false" : text), true, "`on`",
      "`on`/`off` (`true`/`false`): resource sampling (server process found by port, GPU through nvidia-smi, server"
          + " gauges)");
  public static final ConfigKey<Long> MONITOR_PID = declare("llm.monitor.pid", Section.VERDICT,
      text -> (long) parseInt(text, 1, "a process id >= 1"), null, "the process listening on a local target's port",
      "process id >= 1 of a local process whose CPU and memory are sampled during the run");
  public static final ConfigKey<Duration> TIMEOUT_CONNECT = declare("llm.timeout.connect", Section.VERDICT,
      Keys::parsePositiveDuration, Timeouts.DEFAULT.connect(), "`10s`", "duration > 0: TCP/TLS connect");
  public static final ConfigKey<Duration> TIMEOUT_FIRST_TOKEN = declare("llm.timeout.firstToken", Section.VERDICT,
      Keys::parsePositiveDuration, Timeouts.DEFAULT.firstToken(), "`60s`",
      "duration > 0: from sent to the first token (the whole body when not streamed)");
  public static final ConfigKey<Duration> TIMEOUT_IDLE = declare("llm.timeout.idle", Section.VERDICT,
      Keys::parsePositiveDuration, Timeouts.DEFAULT.idle(), "`30s`",
      "duration > 0: longest silence between two chunks");
  public static final ConfigKey<Duration> TIMEOUT_TOTAL = declare("llm.timeout.total", Section.VERDICT,
      Keys::parsePositiveDuration, Timeouts.DEFAULT.total(), "`5m`",
      "duration > 0: from sent to the last byte");
  public static final ConfigKey<Boolean> INSECURE_TLS = declare("llm.insecureTls", Section.VERDICT, Keys::parseBoolean,
      false, "`false`", "`true`, `false`: accept any TLS certificate (self-signed, or made for another host name),"
          + " in the pre-flight and the load alike");
  public static final ConfigKey<String> WORKLOAD = declare("llm.workload", Section.VERDICT, Function.identity(), null,
      "`workload.properties` if it exists", "a `.properties` file in `user-files/` or a path; only as `-D`");

  // ---- run and output (read by the harness, not part of WorkloadConfig) ----
  public static final ConfigKey<Path> RESULTS = declare("llm.results", Section.RUN, Path::of, Path.of("results"),
      "`results`", "folder under which each run writes `results/<run-id>/`");
  public static final ConfigKey<Integer> PROGRESS = declare("llm.progress", Section.RUN,
      text -> parseInt(text, 0, "a whole number of seconds >= 0"), 5, "`5`",
      "whole number >= 0: seconds between progress lines on the console, 0 = none");
  public static final ConfigKey<String> SIM_CONFIG = declare("llm.sim.config", Section.RUN, Function.identity(), null,
      "`simulator.json` if present", "a simulator settings file in `user-files/` (or a path) for the embedded"
          + " simulator, e.g. one written by `calibrate`");
  public static final ConfigKey<Path> USER_FILES = declare("llm.userFiles", Section.RUN, Path::of, Path.of("user-files"),
      "`user-files`", "the folder holding the workload file, prompt sets and simulator settings");
  public static final ConfigKey<Boolean> FAIL_BUILD_ON_SLO = declare("llm.failBuildOnSlo", Section.RUN, Keys::parseBoolean,
      true, "`true`", "`true`, `false`: whether an SLO breach fails the build (exit code 2); `false` still writes"
          + " the verdicts");
  public static final ConfigKey<Boolean> THROW_ON_CONFIG_ERROR = declare("llm.throwOnConfigError", Section.RUN,
      Keys::parseBoolean, false, "`false`", "`true`, `false`: a configuration mistake throws instead of ending the"
          + " JVM with its one line (for tests that run simulations in-process)");

  /** Every declared key, in the docs' order. */
  public static final List<ConfigKey<?>> ALL = Collections.unmodifiableList(DECLARED);

  private Keys() {
  }

  private static <T> ConfigKey<T> declare(String name, Section section, Function<String, T> parser,
                                          T defaultValue, String defaultDoc, String doc) {
    ConfigKey<T> key = new ConfigKey<>(name, section, parser, defaultValue, defaultDoc, doc);
    DECLARED.add(key);
    return key;
  }

  /** The declared single keys (not families), by name. */
  static List<String> singleNames() {
    return ALL.stream().filter(key -> !key.isFamily()).map(ConfigKey::name).toList();
  }

  // ---- value parsers: each throws IllegalArgumentException saying what is accepted ----

  static Dialect parseApi(String text) {
    try {
      return Dialects.byId(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + text + "' is not one of " + Dialects.ids());
    }
  }

  static String parseProfile(String text) {
    String name = text.toLowerCase(Locale.ROOT);
    if (!LoadProfile.NAMES.contains(name)) {
      throw new IllegalArgumentException("'" + text + "' is not one of " + String.join(", ", LoadProfile.NAMES));
    }
    return name;
  }

  static int parseTokens(String text) {
    return parseInt(text, 1, "a whole number of tokens >= 1");
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

  static Duration parsePositiveDuration(String text) {
    Duration duration = Durations.parse(text);
    if (duration.isZero()) {
      throw new IllegalArgumentException("'" + text + "' is not " + Durations.ACCEPTED + " above zero");
    }
    return duration;
  }
}
