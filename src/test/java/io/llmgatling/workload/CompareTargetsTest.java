package io.llmgatling.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompareTargetsTest {
  private static final Path NO_USER_FILES = Path.of("no-user-files");

  @Test
  void should_give_each_name_its_own_target_keys_and_the_shared_workload() {
    List<CompareTargets.Named> targets = CompareTargets.load(Map.of("llm.compare", "ollama,fast",
        "llm.target.fast", "llamacpp", "llm.baseUrl.fast", "http://127.0.0.1:9000", "llm.model.fast", "qwen",
        "llm.model", "llama3.2", "llm.rate", "3", "llm.mix", "chat"), NO_USER_FILES);

    assertThat(targets).extracting(CompareTargets.Named::name).containsExactly("ollama", "fast");
    WorkloadConfig ollama = targets.get(0).workload();
    WorkloadConfig fast = targets.get(1).workload();
    assertThat(ollama.target()).isEqualTo(Target.OLLAMA);
    assertThat(ollama.models()).containsExactly("llama3.2");
    assertThat(ollama.baseUrl().toString()).isEqualTo("http://localhost:11434");
    assertThat(fast.target()).isEqualTo(Target.LLAMACPP);
    assertThat(fast.models()).containsExactly("qwen");
    assertThat(fast.baseUrl().toString()).isEqualTo("http://127.0.0.1:9000");
    assertThat(fast.injectedProfile()).isEqualTo(ollama.injectedProfile());
    assertThat(fast.seed()).isEqualTo(ollama.seed());
  }

  @Test
  void should_refuse_a_label_without_a_kind() {
    assertThatThrownBy(() -> CompareTargets.load(Map.of("llm.compare", "ollama,fast"), NO_USER_FILES))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("llm.target.fast: not set, and 'fast' is not a target kind");
  }

  @Test
  void should_refuse_a_single_target_key_beside_compare() {
    assertThatThrownBy(() -> CompareTargets.load(Map.of("llm.compare", "ollama,lmstudio",
        "llm.baseUrl", "http://127.0.0.1:1"), NO_USER_FILES))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("llm.baseUrl: not used with llm.compare");
  }

  @Test
  void should_refuse_a_per_name_key_for_a_name_not_compared() {
    assertThatThrownBy(() -> CompareTargets.load(Map.of("llm.compare", "ollama,lmstudio",
        "llm.model.llamacpp", "x"), NO_USER_FILES))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'llamacpp' is not among llm.compare=ollama,lmstudio");
  }

  @Test
  void should_refuse_one_name() {
    assertThatThrownBy(() -> CompareTargets.load(Map.of("llm.compare", "ollama"), NO_USER_FILES))
        .isInstanceOf(ConfigException.class).hasMessageContaining("compare needs two or more");
  }

  @Test
  void should_accept_per_name_keys_in_an_ordinary_load() {
    assertThat(WorkloadConfig.load(Map.of("llm.target.x", "ollama"), NO_USER_FILES).target()).isEqualTo(Target.SIM);
  }
}
