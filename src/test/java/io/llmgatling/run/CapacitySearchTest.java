package io.llmgatling.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.llmgatling.engine.record.RequestRecord;
import io.llmgatling.report.SearchStep;
import io.llmgatling.workload.LoadProfile;
import io.llmgatling.workload.Slo;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import org.junit.jupiter.api.Test;

/**
 * The capacity search driven by a fake clock and a simulated FIFO server with {@code slots} slots and a fixed
 * service time: its saturation throughput is {@code slots / service} exactly.
 */
class CapacitySearchTest {
  private static final long MS = 1_000_000L;

  private static LoadProfile.Capacity settings(double start, Duration budget, String slos) {
    return new LoadProfile.Capacity(start, 100, 0.10, budget, 30, Duration.ofSeconds(10), Duration.ofSeconds(60),
        Slo.parseList(slos));
  }

  private static CapacitySearch search(LoadProfile.Capacity settings, double requestsPerUser) {
    return new CapacitySearch(settings, List.of(new CapacitySearch.Task("chat", 1, requestsPerUser)),
        nanos -> nanos / MS);
  }

  /** A FIFO server with fixed service time, fed by the search's gate ticking every {@code tickMs}. */
  private static final class FakeServer {
    final int slots;
    final long serviceMs;
    final long prefillMs;
    final ArrayDeque<Long> queue = new ArrayDeque<>();
    final PriorityQueue<long[]> running = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0])); // end, arrival, start
    final List<Long> admittedAt = new ArrayList<>();
    boolean answers = true;
    int skipEvery; // every n-th admitted user sends nothing (0: all send)

    FakeServer(int slots, long serviceMs, long prefillMs) {
      this.slots = slots;
      this.serviceMs = serviceMs;
      this.prefillMs = prefillMs;
    }

    /** Runs until the search is done or {@code limitMs}; returns the time reached. */
    long run(CapacitySearch search, long limitMs, long tickMs) {
      search.start(0);
      long t = 0;
      for (; t <= limitMs && !search.done(); t++) {
        long now = t * MS;
        while (answers && !running.isEmpty() && running.peek()[0] <= t) {
          long[] r = running.poll();
          search.completed(record(r[1], r[2], r[0], prefillMs), now);
          search.userDone(0);
        }
        while (running.size() < slots && !queue.isEmpty()) {
          long arrival = queue.poll();
          running.add(new long[] {t + serviceMs, arrival, t});
        }
        if (t % tickMs == 0) {
          long due = search.admit(0, now);
          if (due != CapacitySearch.REFUSED && skipEvery > 0 && (admittedAt.size() + 1) % skipEvery == 0) {
            admittedAt.add(due);
          } else if (due != CapacitySearch.REFUSED) {
            admittedAt.add(due);
            search.requestStarted(0, now);
            queue.add(t);
            if (running.size() < slots) {
              running.add(new long[] {t + serviceMs, t, t});
              queue.pollLast();
            }
          }
        }
        if (t % 250 == 0) {
          search.tick(now);
        }
      }
      return t;
    }
  }

  private static RequestRecord record(long arrivalMs, long startMs, long endMs, long prefillMs) {
    double ttft = startMs - arrivalMs + prefillMs;
    double e2e = endMs - arrivalMs;
    return new RequestRecord(1, "chat", "m", "openai", "chat", true, arrivalMs, 0.0, 1.0, ttft, e2e, 20.0, 20.0,
        null, 10, 20, "usage", 20, null, null, null, null, null, 200, true, null, null, "stop");
  }

  @Test
  void should_admit_arrivals_at_regular_intervals_of_the_offered_rate() {
    CapacitySearch search = search(settings(2, Duration.ofMinutes(5), "ttft.p95<2s"), 1);
    search.start(0);
    List<Long> due = new ArrayList<>();
    for (long t = 0; t <= 10_000; t += 7) { // ticks every 7 ms, not a divisor of the 500 ms gap
      long at = search.admit(0, t * MS);
      if (at != CapacitySearch.REFUSED) {
        search.requestStarted(0, t * MS);
        due.add(at);
        assertThat(at).isLessThanOrEqualTo(t * MS);
      }
    }
    assertThat(due).hasSize(20); // 0 s, 0.5 s, ... 9.5 s (the last tick is at 9.996 s)
    for (int i = 1; i < due.size(); i++) {
      assertThat((due.get(i) - due.get(i - 1)) / (double) MS).isCloseTo(500, within(0.01));
    }
  }

  @Test
  void should_convert_requests_per_second_to_users_per_second_with_the_requests_per_user() {
    CapacitySearch search = search(settings(2, Duration.ofMinutes(5), "ttft.p95<2s"), 2);
    search.start(0);
    int admitted = 0;
    for (long t = 0; t < 10_000; t += 5) {
      if (search.admit(0, t * MS) != CapacitySearch.REFUSED) {
        admitted++;
      }
    }
    assertThat(admitted).isEqualTo(10); // 2 req/s at 2 requests per user: 1 user/s
  }

  @Test
  void should_space_arrivals_by_the_requests_each_user_plans_to_send() {
    CapacitySearch search = search(settings(2, Duration.ofMinutes(5), "ttft.p95<2s"), 2);
    search.start(0);
    int[] plans = {1, 3, 1, 3, 2};
    List<Long> due = new ArrayList<>();
    for (long t = 0; t < 10_000 && due.size() < plans.length; t += 5) {
      long at = search.admit(0, t * MS);
      if (at != CapacitySearch.REFUSED) {
        search.planned(0, plans[due.size()]);
        due.add(at / MS);
      }
    }
    // at 2 req/s a user of 1 request is followed 0.5 s later, a user of 3 requests 1.5 s later
    assertThat(due).containsExactly(0L, 500L, 2000L, 2500L, 4000L);
    assertThat(search.requestsPerUser()).isEqualTo(2.0); // (1 + 3 + 1 + 3 + 2) / 5
  }

  @Test
  void should_not_hold_a_step_in_which_no_request_finished() {
    CapacitySearch search = search(settings(1, Duration.ofSeconds(200), ""), 1);
    FakeServer server = new FakeServer(1, 100, 10);
    server.answers = false;
    server.run(search, 80_000, 10);

    SearchStep first = search.outcome().steps().get(0);
    assertThat(first.steady()).isFalse();
    assertThat(first.reasons()).containsExactly("no data");
    assertThat(first.endMs() - first.startMs()).isEqualTo(60_000); // the judged window ran to its cap
  }

  @Test
  void should_go_through_warm_up_then_a_judged_window_of_enough_requests() {
    CapacitySearch search = search(settings(1, Duration.ofMinutes(5), ""), 1);
    FakeServer server = new FakeServer(1, 100, 10);
    server.run(search, 40_000, 10);

    SearchStep first = search.outcome().steps().get(0);
    assertThat(first.startMs() - first.warmupStartMs()).isEqualTo(3_000); // warm-up: the 3 s minimum
    // 1 req/s: 30 completions take 30 s, more than the 10 s minimum window
    assertThat(first.endMs() - first.startMs()).isBetween(29_000L, 31_000L);
    assertThat(first.completed()).isGreaterThanOrEqualTo(30);
    assertThat(first.steady()).isTrue();
    assertThat(first.achievedPerSec()).isCloseTo(1.0, within(0.05));
  }

  @Test
  void should_find_the_saturation_throughput_of_two_slots_within_ten_percent_and_never_above() {
    // 2 slots x 480 ms: 4.17 req/s
    CapacitySearch search = search(settings(1, Duration.ofMinutes(10), "ttft.p95<2s"), 1);
    FakeServer server = new FakeServer(2, 480, 100);
    long endMs = server.run(search, 600_000, 10);

    SearchStep.Outcome outcome = search.outcome();
    double saturation = 2 / 0.48;
    assertThat(search.done()).isTrue();
    assertThat(outcome.sustainedPerSec()).as(outcome.toString()).isBetween(0.9 * saturation, saturation);
    assertThat(outcome.firstBad()).isGreaterThan(saturation);
    assertThat(outcome.firstBad() - outcome.lastGood()).isLessThanOrEqualTo(0.1 * outcome.firstBad());
    assertThat(outcome.stopReason()).startsWith("bracket");
    assertThat(endMs).as("search time").isLessThan(300_000);
    for (SearchStep step : outcome.steps()) {
      assertThat(step.achievedPerSec()).isLessThanOrEqualTo(saturation * 1.01);
    }
  }

  @Test
  void should_step_down_when_the_first_rate_already_fails_then_bisect() {
    // 1 slot x 400 ms: 2.5 req/s, search starting at 8 req/s
    CapacitySearch search = search(settings(8, Duration.ofMinutes(10), ""), 1);
    FakeServer server = new FakeServer(1, 400, 50);
    server.run(search, 600_000, 10);

    SearchStep.Outcome outcome = search.outcome();
    assertThat(outcome.steps().get(0).steady()).isFalse();
    assertThat(outcome.steps().get(0).reasons()).contains("throughput");
    assertThat(outcome.sustainedPerSec()).as(outcome.toString()).isBetween(2.25, 2.5);
  }

  @Test
  void should_fail_a_step_on_a_broken_slo_and_name_it() {
    // no queueing below 4.17 req/s, but TTFT is 100 ms: an SLO of 50 ms fails every step
    CapacitySearch search = search(settings(1, Duration.ofMinutes(10), "ttft.p95<50ms"), 1);
    FakeServer server = new FakeServer(2, 480, 100);
    server.run(search, 600_000, 10);

    SearchStep.Outcome outcome = search.outcome();
    assertThat(outcome.lastGood()).isNull();
    assertThat(outcome.steps().get(0).reasons()).containsExactly("ttft.p95<50ms");
    assertThat(outcome.stopReason()).startsWith("no rate held");
  }

  @Test
  void should_not_hold_a_step_whose_requests_were_not_sent_at_the_rate_offered() {
    // a fast server, but a fifth of the users send nothing (as chat follow-ups held back by slow answers)
    CapacitySearch search = search(settings(4, Duration.ofSeconds(100), ""), 1);
    FakeServer server = new FakeServer(8, 100, 10);
    server.skipEvery = 5;
    server.run(search, 20_000, 5);

    SearchStep first = search.outcome().steps().get(0);
    assertThat(first.arrivalsPerSec()).isCloseTo(3.2, within(0.2));
    assertThat(first.reasons()).containsExactly("throughput");
  }

  @Test
  void should_search_concurrent_users_in_the_closed_model_up_to_the_slo() {
    // 2 slots x 480 ms, users sending one request after another: beyond 2 users requests wait for a slot, and
    // TTFT (100 ms without a wait) passes 300 ms
    LoadProfile.Capacity closed = new LoadProfile.Capacity(1, 64, 0.10, Duration.ofMinutes(10), 30,
        Duration.ofSeconds(10), Duration.ofSeconds(60), Slo.parseList("ttft.p95<300ms"), 1);
    CapacitySearch search = search(closed, 1);
    FakeServer server = new FakeServer(2, 480, 100);
    server.run(search, 600_000, 10);

    SearchStep.Outcome outcome = search.outcome();
    assertThat(outcome.steps()).extracting(SearchStep::users).containsExactly(1, 2, 4, 3);
    assertThat(outcome.maxUsers()).isEqualTo(2);
    assertThat(outcome.lastGood()).isEqualTo(2.0);
    assertThat(outcome.firstBad()).isEqualTo(3.0);
    assertThat(outcome.steps().get(1).achievedPerSec()).isCloseTo(2 / 0.48, within(0.1));
    assertThat(outcome.steps().get(2).reasons()).containsExactly("ttft.p95<300ms");
  }

  @Test
  void should_stop_when_the_time_budget_ends() {
    CapacitySearch search = search(settings(1, Duration.ofSeconds(20), ""), 1);
    FakeServer server = new FakeServer(2, 480, 100);
    long end = server.run(search, 100_000, 10);

    assertThat(search.done()).isTrue();
    assertThat(end).isBetween(20_000L, 20_002L);
    assertThat(search.stopReason()).startsWith("time budget");
  }

  @Test
  void should_stop_at_the_maximum_rate_when_every_step_holds() {
    LoadProfile.Capacity capped = new LoadProfile.Capacity(1, 3, 0.10, Duration.ofMinutes(10), 30,
        Duration.ofSeconds(10), Duration.ofSeconds(60), List.of());
    CapacitySearch search = search(capped, 1);
    FakeServer server = new FakeServer(8, 100, 10); // 80 req/s
    server.run(search, 600_000, 5);

    assertThat(search.outcome().steps()).extracting(SearchStep::offeredPerSec).containsExactly(1.0, 2.0, 3.0);
    assertThat(search.stopReason()).startsWith("held at the maximum rate");
    assertThat(search.outcome().firstBad()).isNull();
  }

  @Test
  void should_pause_arrivals_after_a_failed_step_until_the_backlog_drained() {
    CapacitySearch search = search(settings(8, Duration.ofMinutes(10), ""), 1);
    FakeServer server = new FakeServer(1, 400, 50);
    server.run(search, 120_000, 10);

    SearchStep.Outcome outcome = search.outcome();
    assertThat(outcome.steps()).as(outcome + " " + search.phase()).hasSizeGreaterThan(1);
    SearchStep failed = outcome.steps().get(0);
    SearchStep next = outcome.steps().get(1);
    // judged early: after 2 s of window the backlog had grown by far more than 30 % of the arrivals
    assertThat(failed.endMs() - failed.startMs()).isBetween(2_000L, 3_000L);
    // at 8 req/s for 5 s against 2.5 req/s the backlog is ~28 requests: ~11 s to drain before the next warm-up
    assertThat(next.warmupStartMs() - failed.endMs()).isGreaterThan(8_000);
    assertThat(server.admittedAt.stream().filter(t -> t > failed.endMs() * MS && t < next.warmupStartMs() * MS))
        .isEmpty();
  }
}
