package io.llmgatling.workload;

import com.fasterxml.jackson.databind.JsonNode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgatling.engine.BaseUrl;
import io.llmgatling.engine.Operation;
import io.llmgatling.engine.dialect.Dialects;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkloadConfigTest {

  @TempDir
  Path userFiles;

  private WorkloadConfig load(String... keyValues) {
    Map<String, String> properties = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      properties.put(keyValues[i], keyValues[i + 1]);
    }
    return WorkloadConfig.load(properties, userFiles);
  }

  private void assertRejected(String key, String value, String message) {
    assertThatThrownBy(() -> load(key, value))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message);
  }

  @Test
  void should_default_to_a_short_constant_run_against_the_embedded_simulator() {
    WorkloadConfig config = load();

    assertThat(config.target()).isEqualTo(Target.SIM);
    assertThat(config.embeddedSimulator()).isTrue();
    assertThat(config.api()).isEqualTo(Dialects.byId("ollama"));
    assertThat(config.profile()).isEqualTo(new LoadProfile.Constant(2, Duration.ofSeconds(30)));
    assertThat(config.chatModels()).containsExactly("llama3.2:3b", "qwen2.5:7b");
    assertThat(config.embeddingModels()).containsExactly("nomic-embed-text");
    assertThat(config.mix()).isEqualTo(TaskMix.defaults());
    assertThat(config.shard()).isEqualTo(Shard.SINGLE);
    assertThat(config.slos()).extracting(Slo::expr).contains("errorRate<1%", "chat:ttft.p95<5s")
        .noneMatch(expr -> expr.startsWith("code:"));
    assertThat(config.workloadFile()).isNull();
  }

  @Test
  void should_ship_a_workload_file_that_keeps_the_defaults() {
    WorkloadConfig shipped = WorkloadConfig.load(Map.of(), Path.of("user-files"));

    assertThat(shipped.workloadFile()).isEqualTo(Path.of("user-files", "workload.properties"));
    assertThat(shipped.profile()).isEqualTo(load().profile());
    assertThat(shipped.models()).isEqualTo(load().models());
  }

  @Test
  void should_resolve_each_targets_api_and_base_url() {
    assertThat(load("llm.target", "ollama")).extracting(WorkloadConfig::api, WorkloadConfig::baseUrl)
        .containsExactly(Dialects.byId("ollama"), BaseUrl.parse("http://localhost:11434"));
    assertThat(load("llm.target", "lmstudio")).extracting(WorkloadConfig::api, WorkloadConfig::baseUrl)
        .containsExactly(Dialects.byId("lmstudio"), BaseUrl.parse("http://localhost:1234"));
    assertThat(load("llm.target", "llamacpp")).extracting(WorkloadConfig::api, WorkloadConfig::baseUrl)
        .containsExactly(Dialects.byId("llamacpp"), BaseUrl.parse("http://localhost:8080"));
    assertThat(load("llm.target", "OpenAI", "llm.baseUrl", "https://gpu-box:9000/v1/"))
        .extracting(WorkloadConfig::api, WorkloadConfig::baseUrl)
        .containsExactly(Dialects.byId("openai"), BaseUrl.parse("https://gpu-box:9000"));
    assertThat(load("llm.api", "openai").api()).isEqualTo(Dialects.byId("openai"));
    assertThat(load("llm.baseUrl", "http://localhost:9999").embeddedSimulator()).isFalse();
  }

  @Test
  void should_read_the_workload_file_and_let_properties_win() throws IOException {
    Files.writeString(userFiles.resolve("workload.properties"), """
        # a comment
        llm.profile=closed
        llm.users=8
        llm.duration=2m
        """);

    WorkloadConfig config = load("llm.users", "3");

    assertThat(config.profile()).isEqualTo(new LoadProfile.Closed(3, Duration.ofSeconds(5), Duration.ofMinutes(2)));
    assertThat(config.workloadFile()).isEqualTo(userFiles.resolve("workload.properties"));
  }

  @Test
  void should_read_a_named_workload_file_and_reject_a_missing_one() throws IOException {
    Files.writeString(userFiles.resolve("night.properties"), "llm.profile=poisson\nllm.rate=0.5\nllm.seed=9\n");

    assertThat(load("llm.workload", "night.properties").profile())
        .isEqualTo(new LoadProfile.Poisson(0.5, Duration.ofSeconds(30), 9));
    assertThatThrownBy(() -> load("llm.workload", "day.properties"))
        .hasMessageStartingWith("llm.workload: no file 'day.properties' in ");
  }

  @Test
  void should_reject_an_unknown_key_suggesting_the_closest_one() throws IOException {
    assertRejected("llm.rat", "2", "llm.rat: unknown key, did you mean llm.rate? (every key is listed in docs/workload.md)");
    assertRejected("llm.prompts.chatt", "x.jsonl",
        "llm.prompts.chatt: unknown task 'chatt', expected one of: chat, completion, long-context, code, embeddings, "
            + "tools, structured, vision");
    Files.writeString(userFiles.resolve("workload.properties"), "llm.modle=x\n");
    assertThatThrownBy(this::load).hasMessageStartingWith("llm.modle: unknown key, did you mean llm.model?");
  }

  @Test
  void should_accept_keys_other_parts_read_and_ignore_non_llm_keys() {
    WorkloadConfig config = WorkloadConfig.load(Map.of("llm.results", "target/x", "llm.progress", "0",
        "java.version", "17"), userFiles);

    assertThat(config.target()).isEqualTo(Target.SIM);
  }

  @Test
  void should_reject_bad_values_with_one_line_naming_the_key_and_what_is_accepted() {
    assertRejected("llm.profile", "poison",
        "llm.profile: 'poison' is not one of constant, ramp, poisson, stairs, closed, capacity, trace");
    assertRejected("llm.target", "vllm", "llm.target: 'vllm' is not one of sim, ollama, lmstudio, llamacpp, openai, auto");
    assertRejected("llm.rate", "0", "llm.rate: '0' is not a number > 0 (users per second, e.g. 2 or 0.5)");
    assertRejected("llm.users", "0", "llm.users: '0' is not a whole number of users >= 1");
    assertRejected("llm.duration", "30", "llm.duration: '30' is not a duration like 500ms, 20s, 5m or 1h");
    assertRejected("llm.shard", "3/2", "llm.shard: '3/2' is not i/n with 1 <= i <= n (e.g. 1/1, 2/4)");
    assertRejected("llm.stream", "yes", "llm.stream: 'yes' is not true or false");
    assertRejected("llm.baseUrl", "localhost:11434",
        "llm.baseUrl: 'localhost:11434' is not an http(s) URL with a host, e.g. http://localhost:11434");
    assertRejected("llm.baseUrl", "ftp://host", "llm.baseUrl: 'ftp://host' is not an http(s) URL with a host, "
        + "e.g. http://localhost:11434");
    assertRejected("llm.api", "grpc", "llm.api: 'grpc' is not one of ollama, openai, lmstudio, llamacpp, responses,"
        + " anthropic, lmstudio-v0, lmstudio-v1, llamacpp-native");
    assertRejected("llm.monitor.pid", "-1", "llm.monitor.pid: '-1' is not a process id >= 1");
    assertThatThrownBy(() -> load("llm.slo", "ttft.p95<<2s")).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("llm.slo: bad SLO 'ttft.p95<<2s'");
    assertThatThrownBy(() -> load("llm.slo", "rag:ttft.p95<2s"))
        .hasMessage("llm.slo: 'rag:ttft.p95<2s' names unknown task 'rag', expected one of: chat, completion, "
            + "long-context, code, embeddings, tools, structured, vision");
    assertThatThrownBy(() -> load("llm.prompts.chat", "missing.jsonl"))
        .hasMessageStartingWith("llm.prompts.chat: no file 'missing.jsonl'");
  }

  @Test
  void should_treat_blank_values_as_not_set() {
    assertThat(load("llm.target", " ", "llm.model", "").target()).isEqualTo(Target.SIM);
  }

  @Test
  void should_build_every_profile_from_its_keys() {
    assertThat(load("llm.profile", "ramp", "llm.ramp.from", "1", "llm.rate", "5", "llm.duration", "1m").profile())
        .isEqualTo(new LoadProfile.Ramp(1, 5, Duration.ofMinutes(1)));
    assertThat(load("llm.profile", "stairs", "llm.rate", "1", "llm.stairs.step", "0.5", "llm.stairs.steps", "4",
        "llm.duration", "40s").profile())
        .isEqualTo(new LoadProfile.Stairs(1, 0.5, 4, Duration.ofSeconds(10)));
    assertThat(load("llm.profile", "stairs", "llm.stairs.stepDuration", "15s").profile())
        .isEqualTo(new LoadProfile.Stairs(2, 2, 5, Duration.ofSeconds(15)));
    assertThat(load("llm.profile", "closed", "llm.users", "6", "llm.rampUp", "0s").profile())
        .isEqualTo(new LoadProfile.Closed(6, Duration.ZERO, Duration.ofSeconds(30)));
    WorkloadConfig capacity = load("llm.profile", "capacity", "llm.slo", "ttft.p95<1s");
    assertThat(capacity.profile()).isInstanceOf(LoadProfile.Capacity.class);
    assertThat(((LoadProfile.Capacity) capacity.profile()).limits()).extracting(Slo::expr).containsExactly("ttft.p95<1s");
  }

  @Test
  void should_default_a_capacity_search_to_requests_per_second_and_a_ten_minute_budget() {
    LoadProfile.Capacity capacity = (LoadProfile.Capacity) load("llm.profile", "capacity").profile();
    assertThat(capacity).isEqualTo(new LoadProfile.Capacity(1, 100, 0.10, Duration.ofMinutes(10), 30,
        Duration.ofSeconds(10), Duration.ofSeconds(60), capacity.limits()));

    LoadProfile.Capacity tuned = (LoadProfile.Capacity) load("llm.profile", "capacity", "llm.rate", "4",
        "llm.duration", "3m", "llm.capacity.precision", "5%", "llm.capacity.window", "90s",
        "llm.capacity.minRequests", "50", "llm.capacity.maxRate", "20").profile();
    assertThat(tuned).isEqualTo(new LoadProfile.Capacity(4, 20, 0.05, Duration.ofMinutes(3), 50,
        Duration.ofSeconds(90), Duration.ofSeconds(90), tuned.limits()));
  }

  @Test
  void should_search_concurrent_users_when_a_capacity_search_is_given_users() {
    LoadProfile.Capacity closed = (LoadProfile.Capacity) load("llm.profile", "capacity", "llm.users", "2").profile();
    assertThat(closed.closed()).isTrue();
    assertThat(closed.startUsers()).isEqualTo(2);
    assertThat(closed.maxRate()).isEqualTo(256); // users
    assertThat(((LoadProfile.Capacity) load("llm.profile", "capacity").profile()).closed()).isFalse();
  }

  @Test
  void should_refuse_a_capacity_precision_outside_zero_to_one_in_one_line() {
    assertThatThrownBy(() -> load("llm.profile", "capacity", "llm.capacity.precision", "150%"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("llm.capacity.precision: '150%' is not a fraction between 0 and 1 (e.g. 0.1 or 10%)");
  }

  @Test
  void should_drop_default_first_token_limits_of_tasks_that_are_not_streamed() {
    assertThat(load("llm.mix", "chat", "llm.stream", "false").slos()).extracting(Slo::expr)
        .containsExactly("errorRate<1%", "chat:e2e.p95<30s");
    assertThat(load("llm.mix", "chat").slos()).extracting(Slo::expr)
        .containsExactly("errorRate<1%", "chat:ttft.p95<5s", "chat:e2e.p95<30s");
  }

  @Test
  void should_scale_the_injected_profile_to_the_shard() {
    WorkloadConfig config = load("llm.rate", "6", "llm.shard", "2/3");

    assertThat(config.injectedProfile()).isEqualTo(new LoadProfile.Constant(2, Duration.ofSeconds(30)));
    assertThat(config.profile()).isEqualTo(new LoadProfile.Constant(6, Duration.ofSeconds(30)));
  }

  @Test
  void should_spread_chat_tasks_over_chat_models_and_embeddings_over_embedding_models() {
    WorkloadConfig config = load("llm.target", "ollama", "llm.model", "llama3.2, mistral ,all-minilm-embed,mistral");

    assertThat(config.modelsFor(Tasks.CHAT)).containsExactly("llama3.2", "mistral");
    assertThat(config.modelsFor(Tasks.EMBEDDINGS)).containsExactly("all-minilm-embed");
    assertThat(config.models()).containsExactly("llama3.2", "mistral", "all-minilm-embed");

    WorkloadConfig declared = load("llm.model", "llama3.2,bge-m3", "llm.embeddingModels", "bge-m3");
    assertThat(declared.chatModels()).containsExactly("llama3.2");
    assertThat(declared.modelsFor(Tasks.EMBEDDINGS)).containsExactly("bge-m3");

    // Ollama embeds with chat models, so one model still covers the default mix
    assertThat(load("llm.target", "ollama").modelsFor(Tasks.EMBEDDINGS)).containsExactly("llama3.2");
  }

  @Test
  void should_reject_a_model_list_without_chat_model_when_chat_tasks_run() {
    assertThatThrownBy(() -> load("llm.model", "nomic-embed-text"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("llm.model: no chat model for chat, completion, "
            + "long-context in 'nomic-embed-text'");
    assertThat(load("llm.model", "nomic-embed-text", "llm.mix", "embeddings").tasks()).containsExactly(Tasks.EMBEDDINGS);
  }

  @Test
  void should_resolve_tokens_and_streaming_per_task() {
    WorkloadConfig defaults = load();
    assertThat(defaults.maxTokensFor(Tasks.CHAT)).isEqualTo(128);
    assertThat(defaults.maxTokensFor(Tasks.EMBEDDINGS)).isNull();
    assertThat(defaults.streamFor(Tasks.CHAT)).isTrue();
    assertThat(defaults.streamFor(Tasks.EMBEDDINGS)).isFalse();
    assertThat(defaults.operationFor(Tasks.COMPLETION)).isEqualTo(Operation.GENERATE);

    WorkloadConfig overridden = load("llm.maxTokens", "64", "llm.maxTokens.code", "512", "llm.stream", "false",
        "llm.stream.chat", "true", "llm.api", "openai");
    assertThat(overridden.maxTokensFor(Tasks.CHAT)).isEqualTo(64);
    assertThat(overridden.maxTokensFor(Tasks.CODE)).isEqualTo(512);
    assertThat(overridden.streamFor(Tasks.CHAT)).isTrue();
    assertThat(overridden.streamFor(Tasks.LONG_CONTEXT)).isFalse();
    assertThat(overridden.operationFor(Tasks.COMPLETION)).isEqualTo(Operation.COMPLETION);
  }

  @Test
  void should_pass_request_options_to_every_task_or_one_task_as_json_or_text() {
    assertThat(load().optionsFor(Tasks.CHAT)).isEmpty();

    WorkloadConfig config = load("llm.option.num_ctx", "8192", "llm.option.temperature", "0.2",
        "llm.option.keep_alive", "10m", "llm.option.stop", "[\"\\n\\n\", \"END\"]",
        "llm.option.long-context.num_ctx", "16384", "llm.option.chat.think", "false");

    Map<String, Object> chat = config.optionsFor(Tasks.CHAT);
    assertThat(chat).containsOnlyKeys("num_ctx", "temperature", "keep_alive", "stop", "think");
    assertThat(chat.get("num_ctx")).hasToString("8192");
    assertThat(((JsonNode) chat.get("num_ctx")).isInt()).isTrue();
    assertThat(((JsonNode) chat.get("temperature")).isNumber()).isTrue();
    assertThat(((JsonNode) chat.get("keep_alive")).asText()).isEqualTo("10m");
    assertThat(chat.get("stop")).hasToString("[\"\\n\\n\",\"END\"]");
    assertThat(((JsonNode) chat.get("think")).isBoolean()).isTrue();
    // the task's own value wins over the one for every task
    assertThat(config.optionsFor(Tasks.LONG_CONTEXT).get("num_ctx")).hasToString("16384");
    assertThat(config.optionsFor(Tasks.LONG_CONTEXT)).doesNotContainKey("think");
    assertThat(config.describe()).containsEntry("llm.option.num_ctx", "8192")
        .containsEntry("llm.option.long-context.num_ctx", "16384");
  }

  @Test
  void should_reject_an_option_for_an_unknown_task_or_without_a_name() {
    assertRejected("llm.option.summary.num_ctx", "4096", "llm.option.summary.num_ctx: unknown task 'summary', "
        + "expected llm.option.<name> or llm.option.<task>.<name> with a task among: chat, completion, "
        + "long-context, code, embeddings, tools, structured, vision");
    assertRejected("llm.option.chat.", "1", "llm.option.chat.: expected llm.option.<name> or "
        + "llm.option.<task>.<name>, e.g. llm.option.num_ctx=8192 or llm.option.long-context.num_ctx=16384");
  }

  @Test
  void should_keep_only_slos_of_tasks_in_the_mix_and_accept_none() {
    WorkloadConfig config = load("llm.mix", "chat", "llm.slo", "chat:ttft.p95<2s, code:e2e.p95<9s, errorRate<2%");

    assertThat(config.slos()).extracting(Slo::expr).containsExactly("chat:ttft.p95<2s", "errorRate<2%");
    assertThat(config.slosFor("chat")).extracting(Slo::expr).containsExactly("chat:ttft.p95<2s");
    assertThat(config.runSlos()).extracting(Slo::expr).containsExactly("errorRate<2%");
    assertThat(load("llm.slo", "none").slos()).isEmpty();
  }

  @Test
  void should_never_print_the_api_key() {
    WorkloadConfig config = load("llm.target", "openai", "llm.apiKey", "sk-secret-123");

    assertThat(config.apiKey()).isEqualTo("sk-secret-123");
    assertThat(config.toString()).doesNotContain("sk-secret-123").contains("llm.apiKey=***");
  }

  @Test
  void should_read_timeouts_seed_and_tls() {
    WorkloadConfig config = load("llm.timeout.firstToken", "90s", "llm.seed", "7", "llm.insecureTls", "true",
        "llm.embeddings.batchSize", "16", "llm.monitor.pid", "1234");

    assertThat(config.timeouts().firstToken()).isEqualTo(Duration.ofSeconds(90));
    assertThat(config.seed()).isEqualTo(7);
    assertThat(config.insecureTls()).isTrue();
    assertThat(config.embeddingBatchSize()).isEqualTo(16);
    assertThat(config.monitorPid()).isEqualTo(1234L);
  }

  @Test
  void should_sample_resources_by_default_and_not_with_llm_monitor_off() {
    assertThat(load().monitor()).isTrue();
    assertThat(load("llm.monitor", "off").monitor()).isFalse();
    assertThat(load("llm.monitor", "OFF").describe()).containsEntry("llm.monitor", "off");
    assertThat(load("llm.monitor", "on").monitor()).isTrue();
    assertThatThrownBy(() -> load("llm.monitor", "maybe")).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("llm.monitor");
  }

  @Test
  void should_load_custom_prompts_from_user_files_and_built_in_ones_from_the_class_path() throws IOException {
    Files.writeString(userFiles.resolve("mine.csv"), "prompt\nHello\n");

    WorkloadConfig config = load("llm.prompts.chat", "mine.csv");

    assertThat(config.promptSet(Tasks.CHAT).entries()).containsExactly(PromptSet.Entry.of("Hello"));
    // user-files/ is a test resource root, so the built-in sets are found even from another directory
    assertThat(config.promptSet(Tasks.EMBEDDINGS).batchSize()).isEqualTo(8);
    assertThat(config.promptSet(Tasks.LONG_CONTEXT).size()).isGreaterThanOrEqualTo(4);
  }
}
