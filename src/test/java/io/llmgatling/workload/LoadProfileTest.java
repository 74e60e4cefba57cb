package io.llmgatling.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadProfileTest {

  private static final Duration TEN_SECONDS = Duration.ofSeconds(10);

  @Test
  void should_draw_poisson_gaps_with_mean_one_over_rate_and_variance_one_over_rate_squared() {
    double rate = 5;
    LoadProfile.Poisson poisson = new LoadProfile.Poisson(rate, Duration.ofSeconds(4000), 7);

    double[] offsets = poisson.arrivalOffsetsSeconds();
    double[] gaps = new double[offsets.length];
    for (int i = 0; i < offsets.length; i++) {
      gaps[i] = offsets[i] - (i == 0 ? 0 : offsets[i - 1]);
    }
    double mean = Arrays.stream(gaps).average().orElseThrow();
    double variance = Arrays.stream(gaps).map(g -> (g - mean) * (g - mean)).sum() / (gaps.length - 1);

    // ~20,000 samples: the standard error of the mean is 0.2/sqrt(20000) = 0.0014, 3% is > 4 sigma
    assertThat(mean).isCloseTo(1 / rate, within(0.03 / rate));
    assertThat(variance).isCloseTo(1 / (rate * rate), within(0.08 / (rate * rate)));
    assertThat(offsets.length).isCloseTo(20_000, within(600));
  }

  @Test
  void should_give_about_rate_times_duration_poisson_arrivals_sorted_within_the_duration() {
    double[] offsets = new LoadProfile.Poisson(2, Duration.ofSeconds(300), 42).arrivalOffsetsSeconds();

    // Poisson(600): sd ~ 24.5, 4 sigma ~ 100
    assertThat(offsets.length).isBetween(500, 700);
    assertThat(offsets).isSorted();
    assertThat(offsets[0]).isPositive();
    assertThat(offsets[offsets.length - 1]).isLessThan(300);
  }

  @Test
  void should_repeat_poisson_arrivals_for_the_same_seed_only() {
    LoadProfile.Poisson poisson = new LoadProfile.Poisson(3, TEN_SECONDS, 1);

    assertThat(poisson.arrivalOffsetsSeconds()).containsExactly(poisson.arrivalOffsetsSeconds());
    assertThat(new LoadProfile.Poisson(3, TEN_SECONDS, 2).arrivalOffsetsSeconds())
        .isNotEqualTo(poisson.arrivalOffsetsSeconds());
  }

  @Test
  void should_split_poisson_into_independent_shards_of_a_nth_of_the_rate() {
    LoadProfile.Poisson whole = new LoadProfile.Poisson(9, Duration.ofSeconds(200), 5);

    LoadProfile.Poisson first = whole.shard(1, 3);
    LoadProfile.Poisson second = whole.shard(2, 3);

    assertThat(first.rate()).isEqualTo(3);
    assertThat(first.seed()).isNotEqualTo(second.seed());
    assertThat(first.arrivalOffsetsSeconds()).isNotEqualTo(second.arrivalOffsetsSeconds());
    int total = first.arrivalOffsetsSeconds().length + second.arrivalOffsetsSeconds().length
        + whole.shard(3, 3).arrivalOffsetsSeconds().length;
    assertThat(total).isCloseTo(1800, within(170));
    assertThat(whole.shard(1, 1)).isEqualTo(whole);
  }

  @Test
  void should_describe_a_constant_profile_as_one_flat_step() {
    LoadProfile constant = new LoadProfile.Constant(2, Duration.ofSeconds(30));

    assertThat(constant.loadSteps()).containsExactly(
        new LoadStep(Duration.ZERO, Duration.ofSeconds(30), LoadStep.Kind.RATE, 2, 2));
    assertThat(constant.loadSteps().get(0).expectedArrivals()).isEqualTo(60);
    assertThat(constant.totalDuration()).isEqualTo(Duration.ofSeconds(30));
    assertThat(constant.describe()).isEqualTo("constant 2/s for 30s");
  }

  @Test
  void should_ramp_linearly_between_two_rates() {
    LoadProfile.Ramp ramp = new LoadProfile.Ramp(0, 4, Duration.ofSeconds(60));

    LoadStep step = ramp.loadSteps().get(0);
    assertThat(step.from()).isZero();
    assertThat(step.to()).isEqualTo(4);
    assertThat(step.flat()).isFalse();
    assertThat(step.expectedArrivals()).isEqualTo(120);
    assertThat(ramp.shard(1, 2)).isEqualTo(new LoadProfile.Ramp(0, 2, Duration.ofSeconds(60)));
  }

  @Test
  void should_climb_stairs_in_flat_steps_back_to_back() {
    LoadProfile.Stairs stairs = new LoadProfile.Stairs(1, 2, 3, TEN_SECONDS);

    assertThat(stairs.loadSteps()).containsExactly(
        new LoadStep(Duration.ZERO, TEN_SECONDS, LoadStep.Kind.RATE, 1, 1),
        new LoadStep(TEN_SECONDS, Duration.ofSeconds(20), LoadStep.Kind.RATE, 3, 3),
        new LoadStep(Duration.ofSeconds(20), Duration.ofSeconds(30), LoadStep.Kind.RATE, 5, 5));
    assertThat(stairs.totalDuration()).isEqualTo(Duration.ofSeconds(30));
    assertThat(stairs.shard(2, 2)).isEqualTo(new LoadProfile.Stairs(0.5, 1, 3, TEN_SECONDS));
  }

  @Test
  void should_plan_no_capacity_step_ahead_and_last_the_time_budget() {
    List<Slo> limits = Slo.parseList("ttft.p95<2s");
    LoadProfile.Capacity capacity = new LoadProfile.Capacity(1, 100, 0.1, Duration.ofMinutes(10), 30, TEN_SECONDS,
        Duration.ofSeconds(60), limits);

    assertThat(capacity.loadSteps()).isEmpty();
    assertThat(capacity.totalDuration()).isEqualTo(Duration.ofMinutes(10));
    assertThat(capacity.shard(1, 4).startRate()).isEqualTo(0.25);
    assertThat(capacity.shard(1, 4).maxRate()).isEqualTo(25);
    assertThat(capacity.shard(1, 4).limits()).isEqualTo(limits);
  }

  @Test
  void should_tick_at_twice_the_highest_user_rate_within_bounds() {
    assertThat(LoadProfile.Capacity.tickRate(50)).isEqualTo(100);
    assertThat(LoadProfile.Capacity.tickRate(1)).isEqualTo(20);
    assertThat(LoadProfile.Capacity.tickRate(1000)).isEqualTo(400);
  }

  @Test
  void should_ramp_closed_users_then_hold_them() {
    LoadProfile.Closed closed = new LoadProfile.Closed(4, Duration.ofSeconds(5), Duration.ofSeconds(30));

    assertThat(closed.loadSteps()).containsExactly(
        new LoadStep(Duration.ZERO, Duration.ofSeconds(5), LoadStep.Kind.USERS, 0, 4),
        new LoadStep(Duration.ofSeconds(5), Duration.ofSeconds(35), LoadStep.Kind.USERS, 4, 4));
    assertThat(closed.totalDuration()).isEqualTo(Duration.ofSeconds(35));
    assertThat(new LoadProfile.Closed(4, Duration.ZERO, TEN_SECONDS).loadSteps()).hasSize(1);
  }

  @Test
  void should_split_closed_users_so_that_the_shards_add_up() {
    LoadProfile.Closed closed = new LoadProfile.Closed(10, Duration.ZERO, TEN_SECONDS);

    assertThat(List.of(closed.shard(1, 3), closed.shard(2, 3), closed.shard(3, 3)))
        .extracting(LoadProfile.Closed::users).containsExactly(4, 3, 3);
  }

  @Test
  void should_split_open_rates_by_the_shard_count() {
    assertThat(new LoadProfile.Constant(3, TEN_SECONDS).shard(new Shard(2, 3)))
        .isEqualTo(new LoadProfile.Constant(1, TEN_SECONDS));
    assertThatThrownBy(() -> new LoadProfile.Constant(3, TEN_SECONDS).shard(4, 3))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void should_reject_non_positive_rates_and_durations() {
    assertThatThrownBy(() -> new LoadProfile.Constant(0, TEN_SECONDS)).hasMessageContaining("rate must be > 0");
    assertThatThrownBy(() -> new LoadProfile.Poisson(1, Duration.ZERO, 1)).hasMessageContaining("duration");
    assertThatThrownBy(() -> new LoadProfile.Stairs(1, 1, 0, TEN_SECONDS)).hasMessageContaining("steps");
  }

  @Test
  void should_parse_shards_and_durations() {
    assertThat(Shard.parse(" 2/4 ")).isEqualTo(new Shard(2, 4));
    assertThat(Shard.parse("2/4").share()).isEqualTo(0.25);
    assertThatThrownBy(() -> Shard.parse("0/2")).hasMessageContaining("1 <= i <= n");
    assertThatThrownBy(() -> Shard.parse("3/2")).hasMessageContaining("1 <= i <= n");
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThatThrownBy(() -> Durations.parse("20")).hasMessageContaining("a duration like 500ms, 20s, 5m or 1h");
    assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
  }
}
