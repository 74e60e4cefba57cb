package io.llmgatling.engine.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgatling.engine.client.Exchange.Phase;
import io.llmgatling.engine.client.Failures.Failure;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** A connection that closes is classified by the exchange's phase; every wording with its figures. */
class FailuresTest {
  private static final String URL = "http://127.0.0.1:1/api/chat";

  @Test
  void should_classify_a_close_before_the_request_was_sent_as_stream_dropped() {
    Failure expected = new Failure("stream_dropped", "connection to " + URL + " closed before the request was sent");

    assertThat(Failures.closed(Phase.CONNECTING, URL, 0, 0)).isEqualTo(expected);
    assertThat(Failures.closed(Phase.WRITING, URL, 0, 0)).isEqualTo(expected);
  }

  @Test
  void should_classify_a_close_before_the_headers_as_stream_dropped() {
    assertThat(Failures.closed(Phase.AWAITING_HEADERS, URL, 0, 0)).isEqualTo(
        new Failure("stream_dropped", "connection to " + URL + " closed before the response headers"));
  }

  @Test
  void should_classify_a_close_mid_error_body_as_the_http_status() {
    assertThat(Failures.closed(Phase.ERROR_BODY, URL, 503, 0)).isEqualTo(
        new Failure("http_503", "HTTP 503 from " + URL + ", connection closed mid-body"));
  }

  @Test
  void should_classify_a_close_mid_stream_as_stream_dropped_with_the_chunks_read() {
    assertThat(Failures.closed(Phase.STREAMING_BODY, URL, 200, 7)).isEqualTo(new Failure("stream_dropped",
        "connection to " + URL + " closed after 7 content chunks, before the stream's end"));
  }

  @Test
  void should_word_the_other_failures() {
    assertThat(Failures.writeFailed(URL, new IOException("Broken pipe"))).isEqualTo(new Failure("stream_dropped",
        "connection to " + URL + " failed while sending the request: Broken pipe"));
    assertThat(Failures.invalidHttp(URL, new IllegalArgumentException("invalid version format: SSH-2.0")))
        .isEqualTo(new Failure("malformed", "invalid HTTP response from " + URL + ": invalid version format: SSH-2.0"));
    assertThat(Failures.broke(URL, new IOException("Connection reset by peer"))).isEqualTo(
        new Failure("stream_dropped", "connection to " + URL + " broke: Connection reset by peer"));
    assertThat(Failures.unreadable(URL, new IllegalStateException())).isEqualTo(
        new Failure("malformed", "cannot read the response from " + URL + ": IllegalStateException"));
    assertThat(Failures.tooLarge(URL, 4096)).isEqualTo(new Failure("malformed",
        "response from " + URL + " exceeds the limit of 4096 bytes (maxResponseBytes)"));
    assertThat(Failures.streamError(URL, "overloaded")).isEqualTo(
        new Failure("stream_error", "error inside the stream from " + URL + ": overloaded"));
    assertThat(Failures.answerError(URL, "context overflow")).isEqualTo(
        new Failure("stream_error", "error in the answer from " + URL + ": context overflow"));
    assertThat(Failures.noEndMarker(URL, 3, "\"done\": true")).isEqualTo(new Failure("stream_dropped",
        "response from " + URL + " ended after 3 content chunks without the stream's end marker (\"done\": true)"));
    assertThat(Failures.httpError(404, URL, "model 'x' not found")).isEqualTo(
        new Failure("http_404", "HTTP 404 from " + URL + ": model 'x' not found"));
  }

  @Test
  void should_describe_the_root_cause_and_quote_on_one_line_cut_at_200_characters() {
    assertThat(Failures.describe(new IOException("outer", new IOException("root")))).isEqualTo("root");
    assertThat(Failures.describe(new IOException(" "))).isEqualTo("IOException");
    assertThat(Failures.quote("a\nb\rc")).isEqualTo("'a\\nb\\rc'");
    assertThat(Failures.quote("x".repeat(250))).isEqualTo("'" + "x".repeat(200) + "...'");
  }
}
