package io.llmgatling.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WarmupTest {

  @Test
  void should_read_a_duration_a_request_count_or_none() {
    assertThat(Warmup.parse("5s")).isEqualTo(new Warmup(Duration.ofSeconds(5), 0));
    assertThat(Warmup.parse("20")).isEqualTo(new Warmup(null, 20));
    assertThat(Warmup.parse("0").enabled()).isFalse();
    assertThat(Warmup.parse("0s").enabled()).isFalse();
    assertThat(Warmup.parse("20").arrivalSpan(4)).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void should_say_what_it_accepts_when_it_reads_neither() {
    assertThatThrownBy(() -> WorkloadConfig.load(Map.of("llm.warmup", "soon"), null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("llm.warmup")
        .hasMessageContaining("neither a whole number of requests (e.g. 20) nor a duration like 500ms");
  }

  @Test
  void should_take_a_simulations_fallback_only_when_nothing_else_sets_the_key() {
    Map<String, String> fallback = Map.of("llm.warmup", "10");

    assertThat(WorkloadConfig.load(Map.of(), null, fallback).warmup()).isEqualTo(Warmup.parse("10"));
    assertThat(WorkloadConfig.load(Map.of("llm.warmup", "0"), null, fallback).warmup().enabled()).isFalse();
    assertThat(WorkloadConfig.load(Map.of(), null).warmup().enabled()).isFalse();
  }
}
