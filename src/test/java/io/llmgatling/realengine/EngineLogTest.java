package io.llmgatling.realengine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** llama.cpp's log lines (b4916, as java-llama.cpp 4.2.0 writes them) read into slots, timings and counters. */
class EngineLogTest {

  private static EngineLog feed(String... lines) {
    EngineLog log = new EngineLog(Path.of("unused"), 2);
    for (String l : lines) {
      log.onLine(l);
    }
    return log;
  }

  @Test
  void should_track_which_task_holds_a_slot() {
    EngineLog log = feed("slot launch_slot_: id  1 | task 430 | processing task");
    assertThat(log.slots()).containsExactly(-1, 430);
    assertThat(log.busySlots()).isEqualTo(1);
    log.onLine("slot      release: id  1 | task 430 | stop processing: n_past = 21, truncated = 0");
    assertThat(log.slots()).containsExactly(-1, -1);
  }

  @Test
  void should_read_a_finished_tasks_timings_and_add_them_to_the_counters() throws Exception {
    EngineLog log = feed(
        "slot launch_slot_: id  0 | task 7 | processing task",
        "slot update_slots: id  0 | task 7 | new prompt, n_ctx_slot = 2048, n_keep = 0, n_prompt_tokens = 54",
        "slot      release: id  0 | task 7 | stop processing: n_past = 61, truncated = 0",
        "slot print_timing: id  0 | task 7 | ",
        "prompt eval time =      12.06 ms /    53 tokens (    0.23 ms per token,  4394.69 tokens per second)",
        "       eval time =      15.77 ms /     8 tokens (    1.97 ms per token,   507.29 tokens per second)",
        "      total time =      27.83 ms /    61 tokens");
    EngineLog.Timings t = log.timings(7).get(1, TimeUnit.SECONDS);
    assertThat(t).isEqualTo(new EngineLog.Timings(0, 54, 53, 12.06, 8, 15.77));
    assertThat(t.cacheN()).isEqualTo(1);
    assertThat(log.tokensPredictedTotal.get()).isEqualTo(8);
    assertThat(log.promptTokensTotal.get()).isEqualTo(53);
    assertThat(log.usagePromptTokensTotal.get()).isEqualTo(54);
    assertThat(log.predictedMicrosTotal.get()).isEqualTo(15_770);
  }

  @Test
  void should_take_the_prompt_size_after_truncation() throws Exception {
    EngineLog log = feed(
        "slot update_slots: id  0 | task 0 | new prompt, n_ctx_slot = 256, n_keep = 0, n_prompt_tokens = 843",
        "slot update_slots: id  0 | task 0 | input truncated, n_ctx = 256, n_keep = 0, n_left = 256, "
            + "n_prompt_tokens = 203",
        "slot print_timing: id  0 | task 0 | ",
        "prompt eval time =      40.00 ms /   203 tokens (    0.20 ms per token,  5075.00 tokens per second)",
        "       eval time =       2.79 ms /     5 tokens (    0.56 ms per token,  1792.11 tokens per second)");
    assertThat(log.timings(0).get(1, TimeUnit.SECONDS).promptTokens()).isEqualTo(203);
  }

  @Test
  void should_ignore_lines_of_other_kinds() {
    EngineLog log = feed("srv  update_slots: all slots are idle", "eval time = nonsense",
        "srv  cancel_tasks: cancel task, id_task = 407");
    assertThat(log.busySlots()).isZero();
    assertThat(log.tasksFinished.get()).isZero();
  }
}
