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

  @Test
  void should_scale_a_prompt_time_by_a_log_normal_factor_clamped_at_three_sigma() {
    assertThat(PerformanceModel.logNormal(1000, 0.2, 0)).isEqualTo(1000);
    assertThat(PerformanceModel.logNormal(1000, 0.2, 1)).isEqualTo((long) (1000 * Math.exp(0.2)));
    assertThat(PerformanceModel.logNormal(1000, 0.2, -1)).isEqualTo((long) (1000 * Math.exp(-0.2)));
    assertThat(PerformanceModel.logNormal(1000, 0.2, 9)).isEqualTo((long) (1000 * Math.exp(0.6)));
  }

  @Test
  void should_pace_by_the_measured_table_at_its_keys_and_between_them_on_the_time_per_token() {
    java.util.Map<String, Double> table = new java.util.LinkedHashMap<>();
    table.put("8", 25.0);
    table.put("1", 100.0);
    table.put("4", 40.0);
    ModelSpec m = new ModelSpec("m", "llm", 1000, 100, 0.5, 4096, 0, null, null, null, 0, null, null, null, null, null,
        table);

    assertThat(m.decodeTable().keySet()).containsExactly("1", "4", "8");
    assertThat(PerformanceModel.perStreamDecodeRate(m, 1)).isEqualTo(100.0);
    assertThat(PerformanceModel.perStreamDecodeRate(m, 4)).isEqualTo(40.0);
    assertThat(PerformanceModel.perStreamDecodeRate(m, 8)).isEqualTo(25.0);
    // 6: halfway between 25 ms and 40 ms a token
    assertThat(PerformanceModel.perStreamDecodeRate(m, 6)).isCloseTo(1000.0 / 32.5, within(1e-9));
    assertThat(PerformanceModel.perStreamDecodeRate(m, 12)).isEqualTo(25.0);
    assertThat(PerformanceModel.perStreamDecodeRate(m, 0)).isEqualTo(100.0);
  }

  @Test
  void should_refuse_a_table_key_that_is_not_a_request_count() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ModelSpec("m", "llm", 1000, 100, 0.5, 4096, 0, null,
        null, null, 0, null, null, null, null, null, java.util.Map.of("two", 50.0)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("decodeTable keys");
  }

  @Test
  void should_charge_a_prompt_the_measured_prefill_rate_of_the_requests_in_the_server() {
    java.util.Map<String, Double> table = new java.util.LinkedHashMap<>();
    table.put("8", 250.0);
    table.put("1", 1000.0);
    table.put("4", 500.0);
    ModelSpec m = new ModelSpec("m", "llm", 1000, 100, 0, 4096, 0, null, null, null, 0, null, null, null, null, null,
        null, table);

    assertThat(m.prefillTable().keySet()).containsExactly("1", "4", "8");
    // 100 tokens: 1 ms a token with 1 request, 2 with 4, 4 with 8; 1.333 with 2 (a third of the way on the time per
    // token), held beyond the keys
    assertThat(PerformanceModel.prefillNanos(m, 100, 0, 1, false)).isEqualTo(100_000_000L);
    assertThat(PerformanceModel.prefillNanos(m, 100, 0, 4, false)).isEqualTo(200_000_000L);
    assertThat(PerformanceModel.prefillNanos(m, 100, 0, 8, false)).isEqualTo(400_000_000L);
    assertThat(PerformanceModel.prefillNanos(m, 100, 0, 2, false)).isCloseTo(133_333_333L, within(2L));
    assertThat(PerformanceModel.prefillNanos(m, 100, 0, 16, false)).isEqualTo(400_000_000L);
    assertThat(PerformanceModel.prefillNanos(m, 100, 0, 0, false)).isEqualTo(100_000_000L);
    assertThat(PerformanceModel.prefillNanos(m, 100, 0, 4, true)).isZero();
  }

  @Test
  void should_scale_the_fixed_prompt_cost_with_the_prefill_table_and_skip_the_cached_share() {
    ModelSpec m = new ModelSpec("m", "llm", 1000, 100, 0, 4096, 0, null, null, null, 0, null, null, 50.0, null, null,
        null, java.util.Map.of("1", 1000.0, "4", 500.0));

    // (50 ms + 100 tokens at 1,000 tok/s) at half the rate
    assertThat(PerformanceModel.prefillNanos(m, 100, 0, 4, false)).isEqualTo(300_000_000L);
    // 40 of 100 tokens cached: 60 % of the fixed part and 60 tokens, at half the rate
    assertThat(PerformanceModel.prefillNanos(m, 100, 40, 4, false)).isEqualTo(180_000_000L);
  }

  @Test
  void should_charge_the_same_prompt_at_any_load_without_a_prefill_table() {
    assertThat(PerformanceModel.prefillNanos(model, 300, 0, 8, false))
        .isEqualTo(PerformanceModel.prefillNanos(model, 300, 0, 1, false)).isEqualTo(100_000_000L);
  }

  @Test
  void should_refuse_a_prefill_table_rate_that_is_not_positive() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ModelSpec("m", "llm", 1000, 100, 0.5, 4096, 0, null,
        null, null, 0, null, null, null, null, null, null, java.util.Map.of("2", 0.0)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefillTable rates");
  }

  @Test
  void should_add_the_context_cost_of_the_slot_holders_to_each_token_interval() {
    ModelSpec m = new ModelSpec("m", "llm", 1000, 100, 0, 4096, 0, null, null, null, 0, null, null, null, null, null,
        null, null, 2.0);

    // 2 ms per 1,000 tokens × 4 holders × 1,500 tokens held = 12 ms
    assertThat(PerformanceModel.contextNanos(m, 4, 1500, false)).isEqualTo(12_000_000L);
    assertThat(PerformanceModel.contextNanos(m, 4, 1500, true)).isZero();
    assertThat(PerformanceModel.contextNanos(model, 4, 1500, false)).isZero();
  }

  @Test
  void should_refuse_a_negative_context_cost() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ModelSpec("m", "llm", 1000, 100, 0.5, 4096, 0, null,
        null, null, 0, null, null, null, null, null, null, null, -1.0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("contextMsPer1kTokens");
  }
}
