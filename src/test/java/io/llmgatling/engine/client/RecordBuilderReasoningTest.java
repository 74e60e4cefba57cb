package io.llmgatling.engine.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgatling.engine.LlmRequest;
import io.llmgatling.engine.Message;
import io.llmgatling.engine.Operation;
import io.llmgatling.engine.Timeouts;
import io.llmgatling.engine.dialect.Chunk;
import io.llmgatling.engine.dialect.Dialects;
import io.llmgatling.engine.dialect.ResponseAccumulator;
import io.llmgatling.engine.record.RequestRecord;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reasoning figures of a record (ttfaMs, reasoningTokens, answerTokens, reasoningOnly) from plain stamps. */
class RecordBuilderReasoningTest {
  private static final long MS = 1_000_000L;
  private static final long T = 5_000_000 * MS;
  private static final long SENT = T + 2 * MS;
  private static final long HEADERS = T + 12 * MS;
  private static final long LAST_BYTE = T + 90 * MS;

  private static RequestRecord build(ResponseAccumulator acc, Timeline t, boolean streamed) {
    LlmRequest request = new LlmRequest("chat", Dialects.byId("ollama"), Operation.CHAT,
        URI.create("http://127.0.0.1:1"), null, "m", List.of(Message.user("hi")), null, List.of(), streamed, 16,
        Map.of(), Timeouts.DEFAULT);
    return new RecordBuilder(42, request, T, T + MS).build(t, acc, streamed, 200, null, null, false, LAST_BYTE)
        .record();
  }

  /** Three thinking chunks at 20, 30, 40 ms, then two answer chunks at 60 and 70 ms (first answer at 60). */
  private static Timeline thinkingTimeline() {
    Timeline t = Timeline.of(SENT, HEADERS, LAST_BYTE, T + 20 * MS, T + 30 * MS, T + 40 * MS, T + 60 * MS,
        T + 70 * MS);
    t.firstAnswer(T + 60 * MS);
    return t;
  }

  private static ResponseAccumulator thinkingThenAnswer() {
    ResponseAccumulator acc = new ResponseAccumulator();
    acc.reasoning("The");
    acc.reasoning(" user");
    acc.reasoning(" asks");
    acc.token("Blue");
    acc.token(".");
    acc.accept(new Chunk.Done("stop"));
    return acc;
  }

  @Test
  void should_time_the_first_answer_token_after_the_thinking_and_count_both_parts() {
    RequestRecord r = build(thinkingThenAnswer(), thinkingTimeline(), true);

    assertThat(r.ttftMs()).isEqualTo(18.0);
    assertThat(r.ttfaMs()).isEqualTo(58.0);
    assertThat(r.reasoningTokens()).isEqualTo(3);
    assertThat(r.answerTokens()).isEqualTo(2);
    assertThat(r.outputTokens()).isEqualTo(5);
    assertThat(r.ok()).isTrue();
    assertThat(r.cause()).isNull();
    assertThat(r.firstAnswerMs()).isEqualTo(58.0);
  }

  @Test
  void should_take_the_servers_reasoning_count_over_the_chunks() {
    ResponseAccumulator acc = thinkingThenAnswer();
    acc.accept(new Chunk.Usage(14, 10, null, 7, false));

    RequestRecord r = build(acc, thinkingTimeline(), true);

    assertThat(r.reasoningTokens()).isEqualTo(7);
    assertThat(r.answerTokens()).isEqualTo(3);
  }

  @Test
  void should_count_reasoning_chunks_when_the_server_says_zero() {
    // llama-server and Ollama send reasoning_tokens 0: "not counted"
    ResponseAccumulator acc = thinkingThenAnswer();
    acc.accept(new Chunk.Usage(14, 5, null, 0, false));

    assertThat(build(acc, thinkingTimeline(), true).reasoningTokens()).isEqualTo(3);
  }

  @Test
  void should_write_no_reasoning_figures_for_an_answer_without_thinking() {
    ResponseAccumulator acc = new ResponseAccumulator();
    acc.token("Blue");
    acc.token(".");
    acc.accept(new Chunk.Done("stop"));
    Timeline t = Timeline.of(SENT, HEADERS, LAST_BYTE, T + 20 * MS, T + 30 * MS);
    t.firstAnswer(T + 20 * MS);

    RequestRecord r = build(acc, t, true);

    assertThat(r.ttfaMs()).isNull();
    assertThat(r.reasoningTokens()).isNull();
    assertThat(r.answerTokens()).isNull();
    assertThat(r.firstAnswerMs()).as("no thinking: the first token is the answer's").isEqualTo(r.ttftMs());
  }

  @Test
  void should_count_a_request_that_thought_until_its_limit_as_reasoning_only_and_still_ok() {
    ResponseAccumulator acc = new ResponseAccumulator();
    acc.reasoning("The");
    acc.reasoning(" user");
    acc.accept(new Chunk.Done("length"));
    Timeline t = Timeline.of(SENT, HEADERS, LAST_BYTE, T + 20 * MS, T + 30 * MS);

    RequestRecord r = build(acc, t, true);

    assertThat(r.ok()).isTrue();
    assertThat(r.cause()).isEqualTo(RequestRecord.BUDGET_EXHAUSTED);
    assertThat(r.reasoningOnly()).isTrue();
    assertThat(r.message()).contains("token limit (16)", "still reasoning");
    assertThat(r.ttfaMs()).isNull();
    assertThat(r.reasoningTokens()).isEqualTo(2);
    assertThat(r.answerTokens()).isZero();
  }

  @Test
  void should_not_count_a_thinking_answer_that_stopped_on_its_own_as_reasoning_only() {
    ResponseAccumulator acc = new ResponseAccumulator();
    acc.reasoning("Hmm");
    acc.accept(new Chunk.Done("stop"));

    RequestRecord r = build(acc, Timeline.of(SENT, HEADERS, LAST_BYTE, T + 20 * MS), true);

    assertThat(r.reasoningOnly()).isFalse();
    assertThat(r.cause()).isNull();
  }

  @Test
  void should_detect_reasoning_only_in_a_whole_answer_without_counting_its_thinking() {
    // a non-streamed answer's thinking is one piece of text: no token count, but no answer either
    ResponseAccumulator acc = new ResponseAccumulator();
    acc.reasoning("The user asks about the sky and");
    acc.token("");
    acc.accept(new Chunk.Done("length"));
    acc.accept(new Chunk.Usage(14, 16, false));

    RequestRecord r = build(acc, Timeline.of(SENT, HEADERS, LAST_BYTE), false);

    assertThat(r.reasoningOnly()).isTrue();
    assertThat(r.reasoningTokens()).isNull();
    assertThat(r.ttfaMs()).isNull();
  }
}
