package io.llmgatling.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromptBatchTest {

  @Test
  void should_process_a_prompt_at_once_when_no_pass_is_running() {
    PromptBatch batch = new PromptBatch();

    PromptBatch.Pass pass = batch.book(1_000, 300);

    assertThat(batch.endNanos(pass)).isEqualTo(1_300);
  }

  @Test
  void should_put_prompts_granted_during_a_pass_together_in_the_next_one() {
    PromptBatch batch = new PromptBatch();
    PromptBatch.Pass first = batch.book(1_000, 300);

    PromptBatch.Pass second = batch.book(1_100, 200);
    PromptBatch.Pass third = batch.book(1_200, 100);

    assertThat(third).isSameAs(second);
    assertThat(batch.endNanos(second)).isEqualTo(1_600);
    assertThat(batch.endNanos(first)).isEqualTo(1_300);
  }

  @Test
  void should_start_a_new_pass_at_once_after_the_last_one_ended() {
    PromptBatch batch = new PromptBatch();
    batch.book(1_000, 300);

    PromptBatch.Pass later = batch.book(2_000, 100);

    assertThat(batch.endNanos(later)).isEqualTo(2_100);
  }

  @Test
  void should_count_every_booked_prompt_as_time_the_decoding_streams_wait() {
    PromptBatch batch = new PromptBatch();
    long before = batch.booked();

    batch.book(1_000, 300);
    batch.book(1_100, 200);

    assertThat(batch.booked() - before).isEqualTo(500);
  }
}
