package io.llmgatling.run;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ArrivalClockTest {
  private static final long MS = 1_000_000L;

  @Test
  void should_give_a_late_user_its_planned_start() {
    ArrivalClock clock = new ArrivalClock(new double[] {0, 0.1, 0.2});
    long origin = 1_000 * MS;

    assertThat(clock.plannedStart(origin)).isEqualTo(origin);
    assertThat(clock.plannedStart(origin + 100 * MS)).isEqualTo(origin + 100 * MS);
    // the third user arrives 50 ms late: its request is timed from when it was due
    assertThat(clock.plannedStart(origin + 250 * MS)).isEqualTo(origin + 200 * MS);
  }

  @Test
  void should_learn_the_origin_from_the_earliest_arrival_and_never_plan_in_the_future() {
    ArrivalClock clock = new ArrivalClock(new double[] {0, 0.1});
    long origin = 5_000 * MS;

    // the first user is late by 30 ms: the origin is overestimated until a user shows it was earlier
    assertThat(clock.plannedStart(origin + 30 * MS)).isEqualTo(origin + 30 * MS);
    assertThat(clock.plannedStart(origin + 100 * MS)).isEqualTo(origin + 100 * MS);
  }

  @Test
  void should_use_arrival_time_once_the_schedule_is_exhausted() {
    ArrivalClock clock = new ArrivalClock(new double[] {0});
    clock.plannedStart(10 * MS);

    assertThat(clock.plannedStart(99 * MS)).isEqualTo(99 * MS);
  }
}
