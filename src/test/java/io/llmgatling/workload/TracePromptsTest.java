package io.llmgatling.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgatling.simulator.PerformanceModel;
import java.util.List;
import org.junit.jupiter.api.Test;

class TracePromptsTest {

  private static Trace.Request request(int line, int inputLength, String... hashIds) {
    return new Trace.Request(line, 0, inputLength, 10, List.of(hashIds), null);
  }

  @Test
  void should_write_as_many_tokens_as_the_simulator_counts_for_the_input_length() {
    for (int tokens : new int[] {1, 7, 511, 512, 513, 1536, 4000}) {
      String prompt = TracePrompts.prompt(request(3, tokens, "0", "1", "2"), 512, 42);

      assertThat(prompt).hasSize(tokens * 4);
      // the simulator's prompt token estimate at its default 4 characters per token
      assertThat(PerformanceModel.estimateTokens(prompt, 4.0)).isEqualTo(tokens);
    }
  }

  @Test
  void should_write_words_of_about_four_characters_with_their_space() {
    String prompt = TracePrompts.prompt(request(1, 5000), 512, 42);

    double charsPerWord = (double) prompt.length() / prompt.split(" ").length;
    assertThat(charsPerWord).isBetween(3.8, 4.4);
    assertThat(prompt).matches("[a-z ]+");
  }

  @Test
  void should_make_the_same_block_id_the_same_text_so_prompts_share_their_prefix() {
    String a = TracePrompts.prompt(request(1, 1200, "0", "1", "7"), 512, 42);
    String b = TracePrompts.prompt(request(2, 1500, "0", "1", "8"), 512, 42);

    int shared = commonPrefix(a, b);
    // two full blocks of 512 tokens, 4 characters each; the third blocks differ (a word or so may match by chance)
    assertThat(shared).isBetween(2 * 512 * 4, 2 * 512 * 4 + 12);
  }

  @Test
  void should_share_nothing_between_requests_without_hash_ids() {
    String a = TracePrompts.prompt(request(1, 300), 512, 42);
    String b = TracePrompts.prompt(request(2, 300), 512, 42);

    assertThat(commonPrefix(a, b)).isLessThan(12);
  }

  @Test
  void should_cut_the_last_block_to_the_input_length_and_repeat_for_the_same_seed() {
    String full = TracePrompts.prompt(request(1, 1024, "5", "6"), 512, 42);
    String cut = TracePrompts.prompt(request(2, 700, "5", "6"), 512, 42);

    assertThat(full).startsWith(cut);
    assertThat(TracePrompts.prompt(request(1, 1024, "5", "6"), 512, 42)).isEqualTo(full);
    assertThat(TracePrompts.prompt(request(1, 1024, "5", "6"), 512, 43)).isNotEqualTo(full);
  }

  @Test
  void should_follow_the_block_size() {
    String a = TracePrompts.prompt(request(1, 300, "0", "1"), 100, 42);
    String b = TracePrompts.prompt(request(2, 300, "0", "2"), 100, 42);

    assertThat(commonPrefix(a, b)).isBetween(400, 412);
  }

  private static int commonPrefix(String a, String b) {
    int n = 0;
    while (n < Math.min(a.length(), b.length()) && a.charAt(n) == b.charAt(n)) {
      n++;
    }
    return n;
  }
}
