package io.llmgatling.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PerformanceModelTest {
  private final ModelSpec model = new ModelSpec("m:1b", "llm", 3000, 100, 0.1, 4096, 0, null, null, null, 1, null);

  @Test
  void should_skip_the_cached_tokens_and_their_share_of_the_fixed_prompt_cost() {
    ModelSpec m = new ModelSpec("m:1b", "llm", 1000, 100, 0.1, 4096, 0, null, null, null, 1, null, null, 200.0);

    assertThat(PerformanceModel.prefillNanos(m, 100, 0, false)).isEqualTo(300_000_000L);
    assertThat(PerformanceModel.prefillNanos(m, 100, 75, false)).isEqualTo(50_000_000L + 25_000_000L);
    assertThat(PerformanceModel.prefillNanos(m, 100, 99, false)).isEqualTo(2_000_000L + 1_000_000L);
  }

  @Test
  void should_estimate_four_characters_per_token() {
    assertThat(PerformanceModel.estimateTokens("", 4)).isZero();
    assertThat(PerformanceModel.estimateTokens("hi", 4)).isEqualTo(1);
    assertThat(PerformanceModel.estimateTokens("x".repeat(400), 4)).isEqualTo(100);
  }

  @Test
  void should_take_prompt_tokens_over_prefill_rate() {
    assertThat(PerformanceModel.prefillNanos(model, 3000, false)).isEqualTo(1_000_000_000L);
    assertThat(PerformanceModel.prefillNanos(model, 3000, true)).isZero();
  }

  @Test
  void should_add_the_models_fixed_prompt_cost_to_every_prefill() {
    ModelSpec withOverhead = new ModelSpec("m:1b", "llm", 3000, 100, 0.1, 4096, 0, null, null, null, 1, null, null,
        120.0);

    assertThat(PerformanceModel.prefillNanos(withOverhead, 3000, false)).isEqualTo(1_120_000_000L);
    assertThat(PerformanceModel.prefillNanos(withOverhead, 0, false)).isEqualTo(120_000_000L);
    assertThat(PerformanceModel.prefillNanos(withOverhead, 3000, true)).isZero();
  }

  @Test
  void should_decode_at_the_single_stream_rate_alone() {
    assertThat(PerformanceModel.decodeIntervalNanos(model, 1, false)).isEqualTo(10_000_000L);
  }

  @Test
  void should_slow_each_stream_but_grow_the_aggregate_sub_linearly_with_concurrent_streams() {
    double one = PerformanceModel.perStreamDecodeRate(model, 1);
    double four = PerformanceModel.perStreamDecodeRate(model, 4);
    double sixteen = PerformanceModel.perStreamDecodeRate(model, 16);
    assertThat(four).isCloseTo(100 / 1.3, within(1e-9));
    assertThat(sixteen).isLessThan(four).isLessThan(one);

    double aggregate4 = PerformanceModel.aggregateDecodeRate(model, 4);
    double aggregate16 = PerformanceModel.aggregateDecodeRate(model, 16);
    assertThat(aggregate4).isGreaterThan(one).isLessThan(4 * one);
    assertThat(aggregate16).isGreaterThan(aggregate4).isLessThan(4 * aggregate4);
    assertThat(PerformanceModel.decodeIntervalNanos(model, 4, false))
        .isGreaterThan(PerformanceModel.decodeIntervalNanos(model, 1, false));
  }

  @Test
  void should_keep_jitter_within_its_bounds() {
    assertThat(PerformanceModel.jittered(1000, 0.1, 0)).isEqualTo(900);
    assertThat(PerformanceModel.jittered(1000, 0.1, 0.5)).isEqualTo(1000);
    assertThat(PerformanceModel.jittered(1000, 0.1, 0.999999)).isBetween(1099L, 1100L);
  }
}
