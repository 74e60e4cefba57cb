package io.llmgatling.engine.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgatling.engine.dialect.Chunk;
import io.llmgatling.engine.dialect.Dialect;
import io.llmgatling.engine.dialect.Dialects;
import io.llmgatling.engine.LlmRequest;
import io.llmgatling.engine.LlmResult;
import io.llmgatling.engine.Message;
import io.llmgatling.engine.Operation;
import io.llmgatling.engine.Timeouts;
import io.llmgatling.engine.dialect.ResponseAccumulator;
import io.llmgatling.engine.dialect.WireFormat;
import io.llmgatling.engine.record.RequestRecord;
import io.llmgatling.engine.record.RunClock;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every figure of a record from plain timestamps: no socket, no clock. {@code T} is an arbitrary origin. */
class RecordBuilderTest {
  private static final long MS = 1_000_000L;
  private static final long T = 5_000_000 * MS;
  private static final long INTENDED = T;
  private static final long ATTEMPT = T + MS;
  private static final long SENT = T + 2 * MS;
  private static final long HEADERS = T + 12 * MS;
  private static final long LAST_BYTE = T + 50 * MS;

  private static LlmRequest request(boolean stream) {
    return new LlmRequest("chat", Dialects.byId("ollama"), Operation.CHAT, URI.create("http://127.0.0.1:1"), null, "m",
        List.of(Message.user("hi")), null, List.of(), stream, 16, Map.of(), Timeouts.DEFAULT);
  }

  private static RecordBuilder builder(boolean stream) {
    return new RecordBuilder(42, request(stream), INTENDED, ATTEMPT);
  }

  /** An accumulator that read {@code tokens} content chunks and the stream's end. */
  private static ResponseAccumulator tokens(int tokens) {
    ResponseAccumulator acc = new ResponseAccumulator();
    for (int i = 0; i < tokens; i++) {
      acc.token("t" + i);
    }
    acc.accept(new Chunk.Done(null));
    return acc;
  }

  private static Timeline streamedTimeline(long... tokens) {
    return Timeline.of(SENT, HEADERS, LAST_BYTE, tokens);
  }

  private static RequestRecord ok(ResponseAccumulator acc, Timeline t) {
    return builder(true).build(t, acc, true, 200, null, null, false, LAST_BYTE + 7 * MS).record();
  }

  @Test
  void should_compute_every_timing_of_a_streamed_answer_from_its_stamps() {
    RequestRecord r = ok(tokens(3), streamedTimeline(T + 20 * MS, T + 30 * MS, T + 45 * MS));

    assertThat(r.id()).isEqualTo(42);
    assertThat(r.intendedAtMs()).isEqualTo(RunClock.epochMillis(INTENDED));
    assertThat(r.clientDelayMs()).isEqualTo(2.0);
    assertThat(r.headersMs()).isEqualTo(10.0);
    assertThat(r.ttftMs()).isEqualTo(18.0);
    assertThat(r.e2eMs()).as("a success ends at its last byte, not when completed").isEqualTo(48.0);
    assertThat(r.itlMs()).isEqualTo(12.5); // (45 - 20) / (3 - 1)
    assertThat(r.tpotMs()).isEqualTo(15.0); // (48 - 18) / (3 - 1)
    assertThat(r.chunkGapsMs()).containsExactly(10.0, 15.0);
    assertThat(r.outputTokens()).isEqualTo(3);
    assertThat(r.outputTokensSource()).isEqualTo("chunks");
    assertThat(r.contentChunks()).isEqualTo(3);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.ok()).isTrue();
    assertThat(r.cause()).isNull();
    assertThat(r.message()).isNull();
    assertThat(r.retried()).isFalse();
  }

  @Test
  void should_divide_itl_and_tpot_by_the_servers_token_count_when_it_gives_one() {
    ResponseAccumulator acc = tokens(3);
    acc.accept(new Chunk.Usage(null, 5, false));
    acc.accept(new Chunk.Usage(11, null, false));

    RequestRecord r = ok(acc, streamedTimeline(T + 20 * MS, T + 30 * MS, T + 45 * MS));

    assertThat(r.outputTokens()).isEqualTo(5);
    assertThat(r.outputTokensSource()).isEqualTo("server");
    assertThat(r.promptTokens()).isEqualTo(11);
    assertThat(r.itlMs()).isEqualTo(6.25); // (45 - 20) / (5 - 1)
    assertThat(r.tpotMs()).isEqualTo(7.5); // (48 - 18) / (5 - 1)
    assertThat(r.contentChunks()).isEqualTo(3);
  }

  @Test
  void should_leave_ttft_itl_tpot_and_gaps_empty_when_no_token_came() {
    RequestRecord r = ok(tokens(0), streamedTimeline());

    assertThat(r.ttftMs()).isNull();
    assertThat(r.itlMs()).isNull();
    assertThat(r.tpotMs()).isNull();
    assertThat(r.chunkGapsMs()).isNull();
    assertThat(r.outputTokens()).isZero();
    assertThat(r.outputTokensSource()).isEqualTo("chunks");
    assertThat(r.e2eMs()).isEqualTo(48.0);
  }

  @Test
  void should_give_ttft_but_no_itl_tpot_or_gaps_for_a_single_token() {
    RequestRecord r = ok(tokens(1), streamedTimeline(T + 20 * MS));

    assertThat(r.ttftMs()).isEqualTo(18.0);
    assertThat(r.itlMs()).isNull();
    assertThat(r.tpotMs()).isNull();
    assertThat(r.chunkGapsMs()).isNull();
    assertThat(r.outputTokens()).isEqualTo(1);
  }

  @Test
  void should_end_a_failure_after_tokens_when_it_failed_and_keep_its_token_figures() {
    ResponseAccumulator acc = tokens(2);
    acc.accept(new Chunk.ServerTimings(null, null, null, null, null, 10.0));
    long failedAt = LAST_BYTE + 30 * MS;

    LlmResult result = builder(true).build(streamedTimeline(T + 20 * MS, T + 30 * MS), acc, true, 200,
        "stream_dropped", "connection closed", false, failedAt);
    RequestRecord r = result.record();

    assertThat(r.ok()).isFalse();
    assertThat(r.cause()).isEqualTo("stream_dropped");
    assertThat(r.message()).isEqualTo("connection closed");
    assertThat(r.e2eMs()).isEqualTo(78.0);
    assertThat(r.ttftMs()).isEqualTo(18.0);
    assertThat(r.itlMs()).isEqualTo(10.0);
    assertThat(r.tpotMs()).isEqualTo(60.0); // (78 - 18) / (2 - 1)
    assertThat(r.queueMs()).as("no queue estimate from a failed request's busy time").isNull();
    assertThat(result.text()).isEqualTo("t0t1");
    assertThat(result.endEpochMs()).isEqualTo(RunClock.epochMillis(failedAt));
  }

  @Test
  void should_record_a_timeout_before_the_headers_with_no_status_headers_or_tokens() {
    long failedAt = SENT + 300 * MS;
    RequestRecord r = builder(true).build(Timeline.of(SENT, -1, -1), new ResponseAccumulator(), true, 0,
        "timeout", "no first token within the first-token timeout of 300 ms", false, failedAt).record();

    assertThat(r.status()).isNull();
    assertThat(r.headersMs()).isNull();
    assertThat(r.e2eMs()).isEqualTo(300.0);
    assertThat(r.outputTokens()).isNull();
    assertThat(r.outputTokensSource()).isNull();
    assertThat(r.contentChunks()).isZero();
    assertThat(r.cause()).isEqualTo("timeout");
  }

  @Test
  void should_measure_a_request_never_sent_from_when_the_client_took_it_up() {
    RequestRecord r = builder(true).build(new Timeline(), new ResponseAccumulator(), true, 0, "connect",
        "cannot connect", false, ATTEMPT + 40 * MS).record();

    assertThat(r.clientDelayMs()).isNull();
    assertThat(r.headersMs()).isNull();
    assertThat(r.e2eMs()).isEqualTo(40.0);
    assertThat(r.ttftMs()).isNull();
  }

  @Test
  void should_mark_a_retried_request_and_time_it_from_its_second_write() {
    long resentAt = T + 30 * MS;
    RequestRecord r = builder(true).build(Timeline.of(resentAt, T + 40 * MS, T + 70 * MS, T + 50 * MS, T + 60 * MS),
        tokens(2), true, 200, null, null, true, T + 80 * MS).record();

    assertThat(r.retried()).isTrue();
    assertThat(r.clientDelayMs()).as("the lost attempt counts as client delay").isEqualTo(30.0);
    assertThat(r.ttftMs()).isEqualTo(20.0);
    assertThat(r.e2eMs()).isEqualTo(40.0);
  }

  @Test
  void should_leave_stream_figures_empty_for_a_non_streamed_answer() {
    ResponseAccumulator acc = new ResponseAccumulator();
    acc.token("whole answer");
    acc.accept(new Chunk.Done(null));

    RequestRecord r = builder(false).build(Timeline.of(SENT, HEADERS, LAST_BYTE), acc, false, 200, null, null,
        false, LAST_BYTE).record();

    assertThat(r.stream()).isFalse();
    assertThat(r.ttftMs()).isNull();
    assertThat(r.outputTokens()).isNull();
    assertThat(r.contentChunks()).isNull();
    assertThat(r.e2eMs()).isEqualTo(48.0);
  }

  @Test
  void should_record_the_servers_prompt_and_cached_token_counts() {
    ResponseAccumulator acc = tokens(2);
    acc.accept(new Chunk.Usage(412, 2, 384, null, false));
    RequestRecord r = ok(acc, streamedTimeline(T + 20 * MS, T + 30 * MS));

    assertThat(r.promptTokens()).isEqualTo(412);
    assertThat(r.cachedTokens()).isEqualTo(384);
    assertThat(r.warmup()).isFalse();
  }

  @Test
  void should_leave_cached_tokens_null_when_the_server_does_not_say() {
    ResponseAccumulator acc = tokens(2);
    acc.accept(new Chunk.Usage(412, 2, false));

    assertThat(ok(acc, streamedTimeline(T + 20 * MS, T + 30 * MS)).cachedTokens()).isNull();
  }

  @Test
  void should_take_the_servers_queue_time_when_it_gives_one() {
    ResponseAccumulator acc = tokens(2);
    acc.accept(new Chunk.ServerTimings(3.25, null, null, null, null, null));
    acc.accept(new Chunk.ServerTimings(null, null, null, null, null, 10.0));

    assertThat(ok(acc, streamedTimeline(T + 20 * MS, T + 30 * MS)).queueMs()).isEqualTo(3.25);
  }

  @Test
  void should_estimate_the_queue_up_to_the_last_token_minus_the_servers_busy_time() {
    ResponseAccumulator acc = tokens(2);
    acc.accept(new Chunk.ServerTimings(null, null, null, null, null, 20.0));
    acc.accept(new Chunk.ServerTimings(null, 1.0, null, null, null, null));
    acc.accept(new Chunk.ServerTimings(null, null, 2.0, null, null, null));
    acc.accept(new Chunk.ServerTimings(null, null, null, 17.0, null, null));
    acc.accept(new Chunk.ServerTimings(null, null, null, null, 21.0, null));

    RequestRecord r = ok(acc, streamedTimeline(T + 20 * MS, T + 30 * MS));

    assertThat(r.queueMs()).isEqualTo(8.0); // (30 - 2) - 20, the trailing chunks up to 50 not counted
    assertThat(r.loadMs()).isEqualTo(1.0);
    assertThat(r.promptEvalMs()).isEqualTo(2.0);
    assertThat(r.evalMs()).isEqualTo(17.0);
    assertThat(r.serverTotalMs()).isEqualTo(21.0);
  }

  @Test
  void should_never_estimate_a_negative_queue() {
    ResponseAccumulator acc = tokens(2);
    acc.accept(new Chunk.ServerTimings(null, null, null, null, null, 500.0));

    assertThat(ok(acc, streamedTimeline(T + 20 * MS, T + 30 * MS)).queueMs()).isZero();
  }

  @Test
  void should_estimate_a_non_streamed_queue_up_to_the_end() {
    ResponseAccumulator acc = new ResponseAccumulator();
    acc.accept(new Chunk.ServerTimings(null, null, null, null, null, 40.0));
    acc.accept(new Chunk.Done(null));

    RequestRecord r = builder(false).build(Timeline.of(SENT, HEADERS, LAST_BYTE), acc, false, 200, null, null,
        false, LAST_BYTE).record();

    assertThat(r.queueMs()).isEqualTo(8.0); // (50 - 2) - 40
  }

  @Test
  void should_round_figures_to_the_microsecond() {
    RequestRecord r = ok(tokens(2), streamedTimeline(T + 20 * MS + 123_456, T + 30 * MS));

    assertThat(r.ttftMs()).isEqualTo(18.123);
  }

  @Test
  void should_count_an_answer_as_streamed_only_when_asked_expected_and_received_as_a_stream() {
    assertThat(RecordBuilder.streamed(true, WireFormat.SSE, WireFormat.SSE)).isTrue();
    assertThat(RecordBuilder.streamed(true, WireFormat.NDJSON, null)).as("no response yet").isTrue();
    assertThat(RecordBuilder.streamed(false, WireFormat.SSE, WireFormat.SSE)).isFalse();
    assertThat(RecordBuilder.streamed(true, WireFormat.SSE, WireFormat.JSON)).as("server ignored stream").isFalse();
    assertThat(RecordBuilder.streamed(true, WireFormat.JSON, null)).as("embeddings").isFalse();
  }
}
