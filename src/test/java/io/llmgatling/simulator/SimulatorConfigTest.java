package io.llmgatling.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulatorConfigTest {

  @Test
  void should_default_to_ollama_with_two_chat_models_and_one_embedding_model() {
    SimulatorConfig c = SimulatorConfig.defaults();
    assertThat(c.host()).isEqualTo("127.0.0.1");
    assertThat(c.slots()).isEqualTo(4);
    assertThat(c.loadTimeMs()).isEqualTo(3000);
    assertThat(c.faults().any()).isFalse();
    assertThat(c.models()).filteredOn(m -> !m.isEmbedding()).hasSizeGreaterThanOrEqualTo(2);
    assertThat(c.models()).filteredOn(ModelSpec::isEmbedding).hasSize(1);
    assertThat(c.model("nomic-embed-text")).isNotNull();
    assertThat(c.model("llama3.2")).isNull();
  }

  @Test
  void should_pick_each_profiles_model_names_and_quirks() {
    assertThat(SimulatorConfig.forProfile("lmstudio").models().get(0).name()).isEqualTo("llama-3.2-3b-instruct");
    assertThat(SimulatorConfig.forProfile("llamacpp").llamacppTimings()).isTrue();
    assertThat(SimulatorConfig.forProfile("ollama").headersOnFirstToken()).isTrue();
    assertThatThrownBy(() -> SimulatorConfig.forProfile("vllm"))
        .hasMessage("unknown profile 'vllm', expected one of: ollama, lmstudio, llamacpp");
  }

  @Test
  void should_read_a_json_file_over_its_profiles_defaults(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("sim.json");
    Files.writeString(file, "{\"profile\":\"lmstudio\",\"slots\":8,\"faults\":{\"stallRate\":0.5}}");
    SimulatorConfig c = SimulatorConfig.fromFile(file, null);
    assertThat(c.profile()).isEqualTo("lmstudio");
    assertThat(c.slots()).isEqualTo(8);
    assertThat(c.faults().stallRate()).isEqualTo(0.5);
    assertThat(c.faults().stallMs()).isEqualTo(5000);
    assertThat(c.maxQueue()).isEqualTo(512);
    assertThat(SimulatorConfig.fromJson(c.toJson(), null)).isEqualTo(c);
  }

  @Test
  void should_play_llama_servers_and_nodes_keep_alive_limits_and_none_for_ollama() {
    SimulatorConfig llamacpp = SimulatorConfig.forProfile("llamacpp");
    assertThat(llamacpp.keepAliveTimeoutMs()).isEqualTo(5000);
    assertThat(llamacpp.keepAliveMax()).isEqualTo(100);
    assertThat(SimulatorConfig.forProfile("lmstudio").keepAliveTimeoutMs()).isEqualTo(5000);
    assertThat(SimulatorConfig.forProfile("lmstudio").keepAliveMax()).isZero();
    assertThat(SimulatorConfig.forProfile("ollama").keepAliveTimeoutMs()).isZero();
    assertThat(SimulatorConfig.forProfile("ollama").keepAliveMax()).isZero();
    assertThat(ConnectionKeepAlive.headerValue(5000, 100)).isEqualTo("timeout=5, max=100");
    assertThat(ConnectionKeepAlive.headerValue(5000, 0)).isEqualTo("timeout=5");
    assertThat(ConnectionKeepAlive.headerValue(1999, 0)).isEqualTo("timeout=1");
  }

  @Test
  void should_read_the_keep_alive_knobs_from_json() {
    SimulatorConfig c = SimulatorConfig.fromJson(
        "{\"profile\":\"llamacpp\",\"keepAliveTimeoutMs\":300,\"keepAliveHeader\":false}", null);
    assertThat(c.keepAliveTimeoutMs()).isEqualTo(300);
    assertThat(c.keepAliveMax()).isEqualTo(100);
    assertThat(c.keepAliveHeader()).isFalse();
    assertThatThrownBy(() -> SimulatorConfig.fromJson("{\"keepAliveMax\":-1}", null))
        .hasMessage("keepAliveTimeoutMs and keepAliveMax must be >= 0 (0 = no limit)");
  }

  @Test
  void should_read_prompts_in_the_decode_batch_only_when_a_model_says_so() {
    SimulatorConfig c = SimulatorConfig.fromJson("{\"models\":[{\"name\":\"a\",\"prefillTokensPerSec\":400,"
        + "\"decodeTokensPerSec\":90,\"batchSlowdown\":1,\"contextLength\":4096,\"prefillInBatch\":true},"
        + "{\"name\":\"b\",\"prefillTokensPerSec\":400,\"decodeTokensPerSec\":90,\"contextLength\":4096}]}", null);

    assertThat(c.model("a").prefillSharesBatch()).isTrue();
    assertThat(c.model("b").prefillSharesBatch()).isFalse();
    assertThat(SimulatorConfig.defaults().models()).noneMatch(ModelSpec::prefillSharesBatch);
    assertThat(SimulatorConfig.fromJson(c.toJson(), null)).isEqualTo(c);
  }

  @Test
  void should_read_a_models_prefix_cache_and_refuse_an_unknown_one() {
    String model = "{\"models\":[{\"name\":\"a\",\"prefillTokensPerSec\":400,\"decodeTokensPerSec\":90,"
        + "\"contextLength\":4096,\"prefixCache\":\"%s\"}]}";

    assertThat(SimulatorConfig.fromJson(model.formatted("prompt"), null).model("a").cachesPrefix()).isTrue();
    assertThat(SimulatorConfig.fromJson(model.formatted("conversation"), null).model("a").reusesAnswers()).isTrue();
    assertThat(SimulatorConfig.fromJson(model.formatted("none"), null).model("a").cachesPrefix()).isFalse();
    assertThat(SimulatorConfig.defaults().models()).noneMatch(ModelSpec::cachesPrefix);
    assertThatThrownBy(() -> SimulatorConfig.fromJson(model.formatted("all"), null))
        .hasMessage("model 'a': prefixCache must be none, prompt or conversation, not 'all'");
  }

  @Test
  void should_read_the_example_in_user_files() {
    assertThat(SimulatorConfig.fromFile(Path.of("user-files/simulator.json"), null).seed()).isEqualTo(42);
  }

  @Test
  void should_read_the_profile_calibrated_on_the_real_engine() {
    SimulatorConfig config = SimulatorConfig.fromFile(Path.of("user-files/simulator-real-engine.json"), null);

    assertThat(config.slots()).isEqualTo(4);
    assertThat(config.messageTokens()).isPositive();
    assertThat(config.model("random-llama-8x512-f16-s42").decodeTable()).containsKeys("1", "2", "4", "8");
    // run P6: the prompt times drawn with the fitted spread, none on the token intervals
    assertThat(config.model("random-llama-8x512-f16-s42").prefillJitter()).isPositive();
    assertThat(config.jitter()).isZero();
  }

  @Test
  void should_explain_a_bad_file_in_one_line(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.json");
    Files.writeString(file, "{\"slotz\":3}");
    assertThatThrownBy(() -> SimulatorConfig.fromFile(file, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("simulator config " + file)
        .hasMessageContaining("slotz")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    Files.writeString(file, "{\"jitter\":2}");
    assertThatThrownBy(() -> SimulatorConfig.fromFile(file, null)).hasMessageContaining("jitter must be in [0, 1)");
    assertThatThrownBy(() -> SimulatorConfig.fromFile(dir.resolve("none.json"), null))
        .hasMessage("simulator config file not found: " + dir.resolve("none.json"));
  }
}
