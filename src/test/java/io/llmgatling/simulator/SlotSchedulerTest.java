package io.llmgatling.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import org.junit.jupiter.api.Test;

class SlotSchedulerTest {
  private static final long MS = 1_000_000L;

  /** A manual clock and timer: tasks run when the test advances time. */
  private static final class ManualTime implements SlotScheduler.Timer {
    long now;
    private long order;
    private final PriorityQueue<long[]> due = new PriorityQueue<>(Comparator.<long[]>comparingLong(a -> a[0])
        .thenComparingLong(a -> a[1]));
    private final List<Runnable> tasks = new ArrayList<>();

    @Override
    public void schedule(Runnable task, long delayNanos) {
      tasks.add(task);
      due.add(new long[] {now + delayNanos, order++, tasks.size() - 1});
    }

    void advance(long nanos) {
      long target = now + nanos;
      while (!due.isEmpty() && due.peek()[0] <= target) {
        long[] next = due.poll();
        now = next[0];
        tasks.get((int) next[2]).run();
      }
      now = target;
    }
  }

  /** Records the grants it receives. */
  private static final class Grants implements SlotScheduler.Waiter {
    final List<long[]> granted = new ArrayList<>();

    @Override
    public void granted(long slotNanos, long loadNanos) {
      granted.add(new long[] {slotNanos, loadNanos});
    }

    boolean wasGranted() {
      return !granted.isEmpty();
    }
  }

  private final ManualTime time = new ManualTime();

  private SlotScheduler scheduler(SimulatorConfig config) {
    return new SlotScheduler(config, time, () -> time.now);
  }

  private static SimulatorConfig.Builder config() {
    return SimulatorConfig.defaults().toBuilder().loadTimeMs(3000).slots(2).maxQueue(2).maxLoadedModels(1)
        .keepAliveMs(60_000);
  }

  @Test
  void should_queue_requests_when_all_slots_are_busy_and_serve_them_in_arrival_order() {
    SimulatorConfig cfg = config().build();
    SlotScheduler s = scheduler(cfg);
    ModelSpec model = cfg.models().get(0);
    Grants a = new Grants();
    Grants b = new Grants();
    Grants c = new Grants();
    Grants d = new Grants();

    s.submit(model, time.now, null, a);
    s.submit(model, time.now, null, b);
    time.advance(3000 * MS);
    assertThat(a.wasGranted() && b.wasGranted()).isTrue();

    s.submit(model, time.now, null, c);
    s.submit(model, time.now, null, d);
    assertThat(c.wasGranted() || d.wasGranted()).isFalse();
    assertThat(s.waiting()).isEqualTo(2);

    time.advance(10 * MS);
    s.release(model);
    assertThat(c.granted).hasSize(1);
    assertThat(c.granted.get(0)[0]).isEqualTo(time.now);
    assertThat(d.wasGranted()).isFalse();
    s.release(model);
    assertThat(d.wasGranted()).isTrue();
    assertThat(s.waiting()).isZero();
  }

  @Test
  void should_tell_the_listener_of_every_request_joining_and_leaving_the_queue() {
    SimulatorConfig cfg = config().preloadModels(true).build();
    List<Integer> deltas = new ArrayList<>();
    SlotScheduler s = new SlotScheduler(cfg, time, () -> time.now, (spec, delta) -> deltas.add(delta));
    ModelSpec model = cfg.models().get(0);

    s.submit(model, time.now, null, new Grants());
    s.submit(model, time.now, null, new Grants());
    assertThat(deltas).isEmpty(); // granted at once: never queued
    s.submit(model, time.now, null, new Grants());
    s.submit(model, time.now, null, new Grants());
    assertThat(deltas).containsExactly(1, 1);
    s.release(model);
    assertThat(deltas).containsExactly(1, 1, -1);
  }

  @Test
  void should_refuse_past_the_maximum_queue() {
    SimulatorConfig cfg = config().slots(1).maxQueue(1).build();
    SlotScheduler s = scheduler(cfg);
    ModelSpec model = cfg.models().get(0);
    time.advance(0);
    s.submit(model, 0, null, new Grants());
    time.advance(3000 * MS);

    assertThat(s.submit(model, time.now, null, new Grants())).isEqualTo(SlotScheduler.Admission.ACCEPTED);
    assertThat(s.submit(model, time.now, null, new Grants())).isEqualTo(SlotScheduler.Admission.QUEUE_FULL);
  }

  @Test
  void should_grant_without_limit_when_slots_are_off() {
    SimulatorConfig cfg = config().slots(0).maxQueue(0).preloadModels(true).build();
    SlotScheduler s = scheduler(cfg);
    ModelSpec model = cfg.models().get(0);
    for (int i = 0; i < 1000; i++) {
      assertThat(s.submit(model, 0, null, new Grants())).isEqualTo(SlotScheduler.Admission.ACCEPTED);
    }
    assertThat(s.loaded().get(0).active()).isEqualTo(1000);
  }

  @Test
  void should_charge_the_cold_load_to_the_first_request_and_report_it_as_load_time() {
    SimulatorConfig cfg = config().build();
    SlotScheduler s = scheduler(cfg);
    ModelSpec model = cfg.models().get(0);
    Grants first = new Grants();
    s.submit(model, 0, null, first);
    time.advance(2999 * MS);
    assertThat(first.wasGranted()).isFalse();
    time.advance(1 * MS);
    assertThat(first.granted.get(0)).containsExactly(3000 * MS, 3000 * MS);

    Grants warm = new Grants();
    s.submit(model, time.now, null, warm);
    assertThat(warm.granted.get(0)[1]).isZero();
  }

  @Test
  void should_evict_the_idle_model_and_pay_the_load_again_when_swapping_models() {
    SimulatorConfig cfg = config().build(); // one model loaded at most
    SlotScheduler s = scheduler(cfg);
    ModelSpec llama = cfg.models().get(0);
    ModelSpec qwen = cfg.models().get(1);
    s.submit(llama, 0, null, new Grants());
    time.advance(3000 * MS);
    s.release(llama);

    Grants swap = new Grants();
    long asked = time.now;
    s.submit(qwen, asked, null, swap);
    assertThat(s.isLoaded(llama)).isFalse();
    time.advance(3000 * MS);
    assertThat(swap.granted.get(0)).containsExactly(asked + 3000 * MS, 3000 * MS);
    assertThat(s.loaded()).extracting(l -> l.spec().name()).containsExactly(qwen.name());
  }

  @Test
  void should_wait_for_a_busy_model_to_finish_before_swapping() {
    SimulatorConfig cfg = config().build();
    SlotScheduler s = scheduler(cfg);
    ModelSpec llama = cfg.models().get(0);
    ModelSpec qwen = cfg.models().get(1);
    s.submit(llama, 0, null, new Grants());
    time.advance(3000 * MS);

    Grants swap = new Grants();
    s.submit(qwen, time.now, null, swap);
    time.advance(10_000 * MS);
    assertThat(swap.wasGranted()).isFalse();

    s.release(llama);
    time.advance(3000 * MS);
    assertThat(swap.wasGranted()).isTrue();
  }

  @Test
  void should_unload_an_idle_model_after_its_keep_alive() {
    SimulatorConfig cfg = config().maxLoadedModels(3).build();
    SlotScheduler s = scheduler(cfg);
    ModelSpec model = cfg.models().get(0);
    s.submit(model, 0, 5_000 * MS, new Grants());
    time.advance(3000 * MS);
    s.release(model);
    assertThat(s.loaded()).hasSize(1);
    assertThat(s.loaded().get(0).expiresAtNanos()).isEqualTo(time.now + 5_000 * MS);
    time.advance(5_000 * MS);
    assertThat(s.loaded()).isEmpty();
  }

  @Test
  void should_unload_at_once_with_keep_alive_zero_and_never_with_a_negative_one() {
    SimulatorConfig cfg = config().maxLoadedModels(3).build();
    SlotScheduler s = scheduler(cfg);
    ModelSpec llama = cfg.models().get(0);
    ModelSpec qwen = cfg.models().get(1);
    s.submit(llama, 0, 0L, new Grants());
    s.submit(qwen, 0, -1L, new Grants());
    time.advance(3000 * MS);
    s.release(llama);
    s.release(qwen);
    time.advance(365L * 24 * 3600 * 1000 * MS);
    assertThat(s.loaded()).extracting(l -> l.spec().name()).containsExactly(qwen.name());
  }

  private static SimulatorConfig preloaded(int slots) {
    return SimulatorConfig.forProfile("llamacpp").toBuilder().slots(slots).build();
  }

  private static SlotScheduler.CachedPrompt prompt(String text) {
    return new SlotScheduler.CachedPrompt(text, false);
  }

  @Test
  void should_give_a_prompt_the_idle_slot_that_kept_its_prefix_and_reuse_that_prefix() {
    SimulatorConfig cfg = preloaded(2);
    SlotScheduler s = scheduler(cfg);
    ModelSpec model = cfg.models().get(0);
    SlotScheduler.CachedPrompt first = prompt("system:be brief\nuser:hello\n");
    SlotScheduler.CachedPrompt other = prompt("system:be brief\nuser:what is a slot?\n");
    s.submit(model, 0, null, first, new Grants());
    s.submit(model, 0, null, other, new Grants());
    s.release(model, other, "assistant:a place\n");
    s.release(model, first, "assistant:hi there\n");
    // the follow-up turn: the first prompt, its answer, a new question; its slot was not the least recently used
    SlotScheduler.CachedPrompt next = prompt("system:be brief\nuser:hello\nassistant:hi there\nuser:and you?\n");

    s.submit(model, 0, null, next, new Grants());

    assertThat(next.slot()).isEqualTo(first.slot());
    assertThat(next.cachedChars()).isEqualTo("system:be brief\nuser:hello\n".length());
  }

  @Test
  void should_give_a_follow_up_the_least_recently_used_slot_when_it_reuses_under_half_of_what_its_slot_kept() {
    SimulatorConfig cfg = preloaded(2);
    SlotScheduler s = scheduler(cfg);
    ModelSpec model = cfg.models().get(0);
    SlotScheduler.CachedPrompt first = prompt("user:hello\n");
    SlotScheduler.CachedPrompt other = prompt("user:what is a slot?\n");
    s.submit(model, 0, null, first, new Grants());
    s.submit(model, 0, null, other, new Grants());
    s.release(model, other, "assistant:a place\n");
    time.advance(10 * MS);
    s.release(model, first, "assistant:a much longer answer than the question was\n");
    // the answer is not reused (prefixCache prompt): 11 of the 64 characters the first turn's slot keeps, under
    // half, as llama-server measures the similarity against the slot's cache, its prompt and its answer
    SlotScheduler.CachedPrompt next = prompt("user:hello\nassistant:a much longer answer than the question was\n"
        + "user:and?\n");

    s.submit(model, 0, null, next, new Grants());

    assertThat(next.slot()).isEqualTo(other.slot());
    assertThat(next.cachedChars()).isEqualTo("user:".length());
  }

  @Test
  void should_weigh_the_reusable_prefix_in_tokens_when_the_prompts_are_counted() {
    SimulatorConfig cfg = preloaded(2).toBuilder().messageTokens(40).build();
    SlotScheduler s = scheduler(cfg);
    ModelSpec model = cfg.models().get(0);
    String answer = "assistant:" + "word ".repeat(40) + "\n";
    SlotScheduler.CachedPrompt first = new SlotScheduler.CachedPrompt("user:hi\n", false, new int[] {8}).tokens(42);
    SlotScheduler.CachedPrompt other = new SlotScheduler.CachedPrompt("user:yo\n", false, new int[] {8}).tokens(42);
    s.submit(model, 0, null, first, new Grants());
    s.submit(model, 0, null, other, new Grants());
    s.release(model, other, answer, 30);
    time.advance(10 * MS);
    s.release(model, first, answer, 30);
    // the same prompt again: 8 of the 219 characters its slot keeps, but 2 + 40 of its 72 tokens (the template's)
    SlotScheduler.CachedPrompt again = new SlotScheduler.CachedPrompt("user:hi\n", false, new int[] {8}).tokens(42);

    s.submit(model, 0, null, again, new Grants());

    assertThat(again.slot()).isEqualTo(first.slot());
    assertThat(again.cachedMessages()).isEqualTo(1);
  }

  @Test
  void should_reuse_the_kept_answer_too_when_the_cache_keeps_conversations() {
    SimulatorConfig cfg = preloaded(1);
    SlotScheduler s = scheduler(cfg);
    ModelSpec model = cfg.models().get(0);
    SlotScheduler.CachedPrompt first = new SlotScheduler.CachedPrompt("user:hello\n", true);
    s.submit(model, 0, null, first, new Grants());
    s.release(model, first, "assistant:hi there\n");
    SlotScheduler.CachedPrompt next = new SlotScheduler.CachedPrompt("user:hello\nassistant:hi there\nuser:ok\n",
        true);

    s.submit(model, 0, null, next, new Grants());

    assertThat(next.cachedChars()).isEqualTo("user:hello\nassistant:hi there\n".length());
  }

  @Test
  void should_give_a_prompt_sharing_little_with_every_slot_the_least_recently_used_one() {
    SimulatorConfig cfg = preloaded(2);
    SlotScheduler s = scheduler(cfg);
    ModelSpec model = cfg.models().get(0);
    SlotScheduler.CachedPrompt a = prompt("system:be brief\nuser:first question\n");
    SlotScheduler.CachedPrompt b = prompt("system:be brief\nuser:second question\n");
    s.submit(model, 0, null, a, new Grants());
    s.submit(model, 0, null, b, new Grants());
    s.release(model, b, "assistant:x\n");
    time.advance(10 * MS);
    s.release(model, a, "assistant:y\n");
    // shares the system line with both (under half of it): the slot given back first
    SlotScheduler.CachedPrompt c = prompt("system:be brief\nuser:a third, rather longer question\n");

    s.submit(model, 0, null, c, new Grants());

    assertThat(c.slot()).isEqualTo(b.slot());
    assertThat(c.cachedChars()).isEqualTo("system:be brief\nuser:".length());
  }

  @Test
  void should_hand_a_queued_prompt_the_slot_that_frees_whatever_it_kept() {
    SimulatorConfig cfg = preloaded(1);
    SlotScheduler s = scheduler(cfg);
    ModelSpec model = cfg.models().get(0);
    SlotScheduler.CachedPrompt a = prompt("user:one\n");
    SlotScheduler.CachedPrompt b = prompt("user:two\n");
    Grants bGrants = new Grants();
    s.submit(model, 0, null, a, new Grants());
    s.submit(model, 0, null, b, bGrants);
    assertThat(bGrants.wasGranted()).isFalse();

    s.release(model, a, "assistant:1\n");

    assertThat(bGrants.wasGranted()).isTrue();
    assertThat(b.slot()).isEqualTo(a.slot());
    assertThat(b.cachedChars()).isEqualTo("user:".length());
  }
}
