package io.llmgatling.engine.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgatling.engine.Part;
import org.junit.jupiter.api.Test;

/** The one place where a typed chunk becomes a figure. */
class ResponseAccumulatorTest {

  @Test
  void should_count_answer_and_reasoning_chunks_as_generated_but_keep_only_the_answer_text() {
    ResponseAccumulator acc = new ResponseAccumulator();
    acc.reasoning("let me think");
    acc.token("Hi");
    acc.token("");
    acc.accept(new Chunk.Token(" there", 1));
    assertThat(acc.text()).isEqualTo("Hi there");
    assertThat(acc.contentChunks()).isEqualTo(3);
    assertThat(acc.reasoningChunks()).isEqualTo(1);
  }

  @Test
  void should_let_an_exact_count_win_over_an_estimate_whichever_comes_first() {
    ResponseAccumulator estimateFirst = new ResponseAccumulator();
    estimateFirst.accept(new Chunk.Usage(10, 7, true));
    estimateFirst.accept(new Chunk.Usage(12, 8, false));
    assertThat(estimateFirst.promptTokens()).isEqualTo(12);
    assertThat(estimateFirst.serverOutputTokens()).isEqualTo(8);

    ResponseAccumulator exactFirst = new ResponseAccumulator();
    exactFirst.accept(new Chunk.Usage(null, 8, false));
    exactFirst.accept(new Chunk.Usage(10, 7, true));
    assertThat(exactFirst.promptTokens()).isEqualTo(10);
    assertThat(exactFirst.serverOutputTokens()).isEqualTo(8);
  }

  @Test
  void should_take_a_stats_stop_reason_only_when_the_answer_gave_no_finish_reason() {
    ResponseAccumulator withFinish = new ResponseAccumulator();
    withFinish.accept(new Chunk.Done("stop"));
    withFinish.accept(new Chunk.StopReason("eosFound"));
    assertThat(withFinish.finishReason()).isEqualTo("stop");

    ResponseAccumulator without = new ResponseAccumulator();
    without.accept(new Chunk.StopReason("eosFound"));
    assertThat(without.finishReason()).isEqualTo("eosFound");
    assertThat(without.ended()).isFalse();
  }

  @Test
  void should_keep_the_first_stream_error() {
    ResponseAccumulator acc = new ResponseAccumulator();
    acc.accept(new Chunk.StreamError("first"));
    acc.accept(new Chunk.StreamError("second"));
    assertThat(acc.streamError()).isEqualTo("first");
  }

  @Test
  void should_assemble_tool_calls_from_their_pieces_and_count_the_generated_ones_as_content_chunks() {
    ResponseAccumulator acc = new ResponseAccumulator();
    acc.accept(new Chunk.ToolCallDelta(0, "call_1", "get_weather", ""));
    acc.accept(new Chunk.ToolCallDelta(0, null, null, "{\"city\":"));
    acc.accept(new Chunk.ToolCallDelta(0, null, null, "\"Lyon\"}"));
    acc.accept(new Chunk.ToolCallDelta(1, null, "lookup_order", "{}"));
    acc.accept(new Chunk.ToolCallDelta(2, "call_3", null, null)); // nothing generated, and no name: dropped

    assertThat(acc.toolCalls()).containsExactly(
        new Part.ToolCall("call_1", "get_weather", "{\"city\":\"Lyon\"}"),
        new Part.ToolCall(null, "lookup_order", "{}"));
    assertThat(acc.toolCallDeltas()).isEqualTo(5);
    assertThat(acc.contentChunks()).as("the pieces that carry a name or arguments are generated tokens").isEqualTo(4);
    assertThat(acc.text()).isEmpty();
  }

  @Test
  void should_apply_the_token_and_reasoning_shortcuts_exactly_as_their_chunks() {
    ResponseAccumulator shortcuts = new ResponseAccumulator();
    ResponseAccumulator chunks = new ResponseAccumulator();
    for (String text : new String[] {"a", "", null, "b"}) {
      shortcuts.token(text);
      shortcuts.reasoning(text);
      if (text != null && !text.isEmpty()) {
        chunks.accept(new Chunk.Token(text, 1));
        chunks.accept(new Chunk.Reasoning(text));
      }
    }
    assertThat(shortcuts.text()).isEqualTo(chunks.text()).isEqualTo("ab");
    assertThat(shortcuts.contentChunks()).isEqualTo(chunks.contentChunks()).isEqualTo(4);
    assertThat(shortcuts.reasoningChunks()).isEqualTo(chunks.reasoningChunks()).isEqualTo(2);
  }
}
