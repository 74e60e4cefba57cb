package io.llmgatling.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class KeysTest {

  @Test
  void should_refuse_a_bad_harness_value_with_one_line_naming_the_key() {
    assertThatThrownBy(() -> Keys.PROGRESS.parse("soon")).isInstanceOf(ConfigException.class)
        .hasMessage("llm.progress: 'soon' is not a whole number of seconds >= 0");
    assertThatThrownBy(() -> Keys.FAIL_BUILD_ON_SLO.parse("maybe")).isInstanceOf(ConfigException.class)
        .hasMessage("llm.failBuildOnSlo: 'maybe' is not true or false");
  }

  @Test
  void should_name_the_member_of_a_family_in_its_error() {
    assertThatThrownBy(() -> Keys.TASK_MAX_TOKENS.parse("llm.maxTokens.chat", "0"))
        .hasMessage("llm.maxTokens.chat: '0' is not a whole number of tokens >= 1");
  }

  @Test
  void should_tell_families_from_single_keys() {
    assertThat(Keys.TASK_OPTION.isFamily()).isTrue();
    assertThat(Keys.TASK_OPTION.prefix()).isEqualTo("llm.option.");
    assertThat(Keys.RESULTS.isFamily()).isFalse();
    assertThat(Keys.RESULTS.parse("out")).isEqualTo(Path.of("out"));
    assertThat(Keys.singleNames()).contains("llm.rate", "llm.results").doesNotContain("llm.maxTokens.<task>");
  }
}
