package io.llmgatling.engine.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgatling.engine.Timeouts;
import io.llmgatling.engine.client.RequestTimeout.Check;
import io.llmgatling.engine.client.RequestTimeout.Limit;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The deadlines of an exchange with plain numbers: times are nanoseconds, {@code MS} one millisecond. */
class RequestTimeoutTest {
  private static final long MS = 1_000_000L;
  private static final long SENT = 1_000 * MS;

  private static RequestTimeout limits(Long firstTokenMs, Long idleMs, Long totalMs) {
    return new RequestTimeout(new Timeouts(Duration.ofSeconds(10), duration(firstTokenMs), duration(idleMs),
        duration(totalMs)));
  }

  private static Duration duration(Long ms) {
    return ms == null ? null : Duration.ofMillis(ms);
  }

  @Test
  void should_wake_first_at_the_earliest_of_first_token_total_and_idle_from_the_send() {
    assertThat(limits(300L, 500L, 1_000L).start(SENT)).isEqualTo(SENT + 300 * MS);
    assertThat(limits(900L, 200L, 1_000L).start(SENT)).isEqualTo(SENT + 200 * MS);
    assertThat(limits(null, null, 700L).start(SENT)).isEqualTo(SENT + 700 * MS);
  }

  @Test
  void should_never_wake_without_limits() {
    RequestTimeout timeout = limits(null, null, null);

    assertThat(timeout.start(SENT)).isEqualTo(RequestTimeout.NONE);
    assertThat(timeout.headersArrived(SENT + 5 * MS)).isEqualTo(RequestTimeout.NONE);
    assertThat(timeout.check(SENT + 10_000 * MS, SENT, true)).isEqualTo(Check.wakeAt(RequestTimeout.NONE));
  }

  @Test
  void should_expire_the_first_token_limit_when_no_token_came_in_time() {
    RequestTimeout timeout = limits(300L, null, 1_000L);
    timeout.start(SENT);

    assertThat(timeout.check(SENT + 299 * MS, -1, false)).isEqualTo(Check.wakeAt(SENT + 300 * MS));
    assertThat(timeout.check(SENT + 300 * MS, -1, false).expired()).isEqualTo(Limit.FIRST_TOKEN);
  }

  @Test
  void should_watch_only_the_total_limit_once_the_first_token_came() {
    RequestTimeout timeout = limits(300L, null, 1_000L);
    timeout.start(SENT);
    timeout.firstTokenArrived();

    assertThat(timeout.check(SENT + 400 * MS, SENT + 50 * MS, true)).isEqualTo(Check.wakeAt(SENT + 1_000 * MS));
    assertThat(timeout.check(SENT + 1_000 * MS, SENT + 50 * MS, true).expired()).isEqualTo(Limit.TOTAL);
  }

  @Test
  void should_measure_the_idle_limit_from_the_last_byte_once_the_headers_came() {
    RequestTimeout timeout = limits(null, 200L, null);
    timeout.start(SENT);
    long headers = SENT + 10 * MS;
    assertThat(timeout.headersArrived(headers)).isEqualTo(headers + 200 * MS);

    // a busy stream: the last byte moved on, so the watchdog only re-arms
    assertThat(timeout.check(headers + 200 * MS, headers + 150 * MS, true)).isEqualTo(Check.wakeAt(headers + 350 * MS));
    assertThat(timeout.check(headers + 350 * MS, headers + 150 * MS, true).expired()).isEqualTo(Limit.IDLE);
  }

  @Test
  void should_not_expire_the_idle_limit_before_the_headers_but_wake_again_an_idle_period_later() {
    RequestTimeout timeout = limits(null, 200L, null);
    timeout.start(SENT);

    assertThat(timeout.check(SENT + 200 * MS, -1, false)).isEqualTo(Check.wakeAt(SENT + 400 * MS));
  }

  @Test
  void should_name_the_limit_that_expired_first_when_several_did() {
    RequestTimeout timeout = limits(500L, 100L, 400L);
    timeout.start(SENT);
    timeout.headersArrived(SENT + 10 * MS); // idle expires at +110, total at +400, first token at +500

    assertThat(timeout.check(SENT + 600 * MS, SENT + 10 * MS, true).expired()).isEqualTo(Limit.IDLE);
  }

  @Test
  void should_break_a_tie_first_token_then_total_then_idle() {
    RequestTimeout timeout = limits(300L, 300L, 300L);
    timeout.start(SENT);
    timeout.headersArrived(SENT);
    assertThat(timeout.check(SENT + 300 * MS, SENT, true).expired()).isEqualTo(Limit.FIRST_TOKEN);

    timeout.firstTokenArrived();
    assertThat(timeout.check(SENT + 300 * MS, SENT, true).expired()).isEqualTo(Limit.TOTAL);
  }

  @Test
  void should_forget_every_deadline_when_the_request_is_resent() {
    RequestTimeout timeout = limits(300L, 100L, 400L);
    timeout.start(SENT);
    timeout.headersArrived(SENT);
    timeout.reset();

    assertThat(timeout.check(SENT + 10_000 * MS, SENT, false)).isEqualTo(Check.wakeAt(SENT + 10_100 * MS));
  }

  @Test
  void should_word_each_limit_with_its_figure() {
    RequestTimeout timeout = limits(300L, 200L, 1_000L);

    assertThat(timeout.message(Limit.FIRST_TOKEN, true, 0, 0, 0))
        .isEqualTo("no first token within the first-token timeout of 300 ms");
    assertThat(timeout.message(Limit.FIRST_TOKEN, false, 0, 0, 0))
        .isEqualTo("no complete answer within the first-token timeout of 300 ms");
    assertThat(timeout.message(Limit.TOTAL, true, 0, 0, 0))
        .isEqualTo("request exceeded the total timeout of 1000 ms");
    assertThat(timeout.message(Limit.IDLE, true, SENT + 250 * MS, SENT, 7))
        .isEqualTo("no data for 250 ms, over the idle timeout of 200 ms between chunks (after 7 content chunks)");
    assertThat(RequestTimeout.cause()).isEqualTo("timeout");
  }
}
