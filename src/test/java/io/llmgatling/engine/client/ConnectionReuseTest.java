package io.llmgatling.engine.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgatling.engine.client.ConnectionReuse.KeepAlive;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConnectionReuseTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  @Test
  void should_read_llama_servers_keep_alive_header() {
    assertThat(ConnectionReuse.parse("timeout=5, max=100")).isEqualTo(new KeepAlive(5 * SECOND, 100));
  }

  @Test
  void should_read_nodes_keep_alive_header_without_max() {
    assertThat(ConnectionReuse.parse("timeout=5")).isEqualTo(new KeepAlive(5 * SECOND, ConnectionReuse.NO_LIMIT));
  }

  @Test
  void should_read_parameters_in_any_order_case_and_spacing_with_quotes_and_fractions() {
    assertThat(ConnectionReuse.parse(" MAX = 7 ;Timeout=\"1.5\" , foo=bar")).isEqualTo(new KeepAlive(1500 * MS, 7));
  }

  @Test
  void should_read_nothing_from_an_absent_empty_or_unreadable_header() {
    assertThat(ConnectionReuse.parse(null)).isEqualTo(KeepAlive.NONE);
    assertThat(ConnectionReuse.parse("")).isEqualTo(KeepAlive.NONE);
    assertThat(ConnectionReuse.parse("timeout=soon, max=-3, max")).isEqualTo(KeepAlive.NONE);
  }

  @Test
  void should_retire_a_connection_one_second_before_a_five_second_limit() {
    long limit = ConnectionReuse.idleLimitNanos(5 * SECOND);
    assertThat(limit).isEqualTo(4 * SECOND);
    assertThat(ConnectionReuse.retireIdle(3_999 * MS, limit)).isFalse();
    assertThat(ConnectionReuse.retireIdle(4 * SECOND, limit)).isTrue();
  }

  @Test
  void should_retire_a_connection_half_way_through_a_limit_of_two_seconds_or_less() {
    assertThat(ConnectionReuse.idleLimitNanos(SECOND)).isEqualTo(500 * MS);
    assertThat(ConnectionReuse.idleLimitNanos(2 * SECOND)).isEqualTo(SECOND);
    assertThat(ConnectionReuse.retireIdle(900 * MS, ConnectionReuse.idleLimitNanos(SECOND))).isTrue();
  }

  @Test
  void should_not_reuse_after_a_zero_timeout_and_keep_connections_without_one() {
    assertThat(ConnectionReuse.idleLimitNanos(0)).isZero();
    assertThat(ConnectionReuse.retireIdle(0, 0)).isTrue();
    assertThat(ConnectionReuse.idleLimitNanos(ConnectionReuse.NO_LIMIT)).isEqualTo(ConnectionReuse.NO_LIMIT);
    assertThat(ConnectionReuse.retireIdle(3_600 * SECOND, ConnectionReuse.NO_LIMIT)).isFalse();
  }

  @Test
  void should_never_send_more_than_max_requests_on_a_connection() {
    assertThat(ConnectionReuse.mayCarryAnother(99, 100)).isTrue();
    assertThat(ConnectionReuse.mayCarryAnother(100, 100)).isFalse();
    assertThat(ConnectionReuse.mayCarryAnother(1, 1)).isFalse();
    assertThat(ConnectionReuse.mayCarryAnother(1_000_000, ConnectionReuse.NO_LIMIT)).isTrue();
  }

  @Test
  void should_resend_a_request_whose_reused_connection_failed_before_any_response_byte() {
    assertThat(ConnectionReuse.resendOnNewConnection(true, false, false, 50_000)).isTrue();
    assertThat(ConnectionReuse.resendOnNewConnection(true, false, false, -1)).as("write failed").isTrue();
  }

  @Test
  void should_not_resend_on_a_fresh_connection_after_a_response_byte_or_a_second_time() {
    assertThat(ConnectionReuse.resendOnNewConnection(false, false, false, 50_000)).as("fresh").isFalse();
    assertThat(ConnectionReuse.resendOnNewConnection(true, false, true, 50_000)).as("byte seen").isFalse();
    assertThat(ConnectionReuse.resendOnNewConnection(true, true, false, 50_000)).as("resent already").isFalse();
  }

  @Test
  void should_not_resend_when_the_server_dropped_the_request_long_after_reading_it() {
    assertThat(ConnectionReuse.resendOnNewConnection(true, false, false,
        ConnectionReuse.STALE_CLOSE_WINDOW_NANOS + 1)).isFalse();
  }
}
