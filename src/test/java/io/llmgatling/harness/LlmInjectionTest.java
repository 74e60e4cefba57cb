package io.llmgatling.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.llmgatling.workload.LoadProfile;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LlmInjectionTest {

  @Test
  void should_space_constant_arrivals_evenly_at_the_share_of_the_rate() {
    double[] offsets = LlmInjection.arrivalOffsets(new LoadProfile.Constant(10, Duration.ofSeconds(10)), 0.5, 0);

    assertThat(offsets).hasSize(50);
    for (int k = 0; k < offsets.length; k++) {
      assertThat(offsets[k]).isCloseTo(k * 0.2, within(1e-9));
    }
  }

  @Test
  void should_place_ramp_arrivals_where_the_integrated_rate_reaches_each_user() {
    // rate rises linearly 0 -> 20/s over 10 s: 100 users, the k-th at t = sqrt(k) (since 20 t^2 / 20 = k)
    double[] offsets = LlmInjection.arrivalOffsets(new LoadProfile.Ramp(0, 20, Duration.ofSeconds(10)), 1.0, 0);

    assertThat(offsets).hasSize(100);
    assertThat(offsets[1]).isCloseTo(1.0, within(1e-6));
    assertThat(offsets[25]).isCloseTo(5.0, within(1e-6));
    assertThat(offsets[99]).isCloseTo(Math.sqrt(99), within(1e-6));
    assertThat(offsets).isSorted();
  }

  @Test
  void should_follow_each_step_of_stairs() {
    double[] offsets = LlmInjection.arrivalOffsets(
        new LoadProfile.Stairs(2, 2, 3, Duration.ofSeconds(5)), 1.0, 0);

    long first = Arrays.stream(offsets).filter(t -> t < 5).count();
    long second = Arrays.stream(offsets).filter(t -> t >= 5 && t < 10).count();
    long third = Arrays.stream(offsets).filter(t -> t >= 10 && t < 15).count();
    assertThat(first).isEqualTo(10);
    assertThat(second).isEqualTo(20);
    assertThat(third).isEqualTo(30);
  }

  @Test
  void should_draw_poisson_arrivals_with_exponential_gaps_at_the_share_of_the_rate() {
    double rate = 50;
    double share = 0.4;
    double[] offsets = LlmInjection.arrivalOffsets(new LoadProfile.Poisson(rate, Duration.ofSeconds(500), 7), share, 1);
    double[] gaps = new double[offsets.length - 1];
    for (int i = 1; i < offsets.length; i++) {
      gaps[i - 1] = offsets[i] - offsets[i - 1];
    }
    double mean = Arrays.stream(gaps).average().orElseThrow();
    double variance = Arrays.stream(gaps).map(g -> (g - mean) * (g - mean)).sum() / (gaps.length - 1);
    double lambda = rate * share;

    assertThat(offsets.length).isCloseTo((int) (lambda * 500), within(400)); // ~10,000 ± 4 sigma
    assertThat(mean).isCloseTo(1 / lambda, within(0.03 / lambda));
    assertThat(variance).isCloseTo(1 / (lambda * lambda), within(0.08 / (lambda * lambda)));
  }

  @Test
  void should_give_each_share_its_own_poisson_stream() {
    LoadProfile.Poisson profile = new LoadProfile.Poisson(20, Duration.ofSeconds(10), 42);

    assertThat(LlmInjection.arrivalOffsets(profile, 0.5, 0)).isNotEqualTo(LlmInjection.arrivalOffsets(profile, 0.5, 1));
    assertThat(LlmInjection.arrivalOffsets(profile, 0.5, 0)).isEqualTo(LlmInjection.arrivalOffsets(profile, 0.5, 0));
  }

  @Test
  void should_inject_every_planned_arrival() {
    double[] offsets = {0, 0.0004, 0.25, 0.2501, 1.0};

    assertThat(LlmInjection.open(offsets)).hasSize(5); // at 0 ms: 2 users; 250 ms: 2 users; 1000 ms: 1 user
  }

  @Test
  void should_spread_a_warm_up_count_over_the_tasks_at_the_loads_rate_with_one_request_at_least_each() {
    LoadProfile profile = new LoadProfile.Constant(2, Duration.ofSeconds(30));
    double[] fractions = {0.6, 0.1, 0.15, 0.15};
    int total = 0;
    for (int i = 0; i < fractions.length; i++) {
      double[] offsets = LlmInjection.warmupOffsets(profile, io.llmgatling.workload.Warmup.parse("10"), fractions[i], i);
      assertThat(offsets).as("task %d", i).isNotEmpty();
      assertThat(Arrays.stream(offsets).max().orElse(0)).as("task %d", i).isBetween(0.0, 5.0);
      total += offsets.length;
    }
    // 10 requests at 2/s last 5 s; each share rounds up to whole arrivals
    assertThat(total).isBetween(10, 10 + fractions.length);
  }

  @Test
  void should_warm_up_a_closed_profile_at_two_arrivals_a_second() {
    LoadProfile closed = new LoadProfile.Closed(8, Duration.ZERO, Duration.ofSeconds(30));

    assertThat(LlmInjection.warmupRate(closed)).isEqualTo(2.0);
    assertThat(LlmInjection.warmupOffsets(closed, io.llmgatling.workload.Warmup.parse("3s"), 1.0, 0)).hasSize(6);
  }

  @Test
  void should_hold_the_first_users_of_a_closed_profile_without_ramp_until_the_last_of_them_has_come() {
    LlmInjection.StartBarrier barrier = new LlmInjection.StartBarrier(4);
    long ms = 1_000_000L;
    long late = LlmInjection.StartBarrier.LATE_NANOS;

    // Gatling starts them 250 ms apart; all go 750 ms (+ the margin) after the first; a replacement goes at once
    assertThat(barrier.delay(0)).isEqualTo(Duration.ofNanos(750 * ms + late));
    assertThat(barrier.delay(250 * ms)).isEqualTo(Duration.ofNanos(500 * ms + late));
    assertThat(barrier.delay(500 * ms)).isEqualTo(Duration.ofNanos(250 * ms + late));
    assertThat(barrier.delay(750 * ms)).isEqualTo(Duration.ofNanos(late));
    assertThat(barrier.delay(2_000 * ms)).isZero();
  }
}
