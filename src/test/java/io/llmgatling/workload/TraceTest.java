package io.llmgatling.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceTest {

  @TempDir
  Path dir;

  @Test
  void should_read_the_mooncake_fields_of_each_line() {
    Trace trace = Trace.parse("""
        {"timestamp": 0, "input_length": 655, "output_length": 52, "hash_ids": [46, 47]}
        {"timestamp": 105.5, "input_length": 20, "output_length": 3, "hash_ids": ["a1f3", "09bc"], "extra": 1}
        """, 512);

    assertThat(trace.visits()).hasSize(2);
    Trace.Request first = trace.visits().get(0).requests().get(0);
    assertThat(first).isEqualTo(new Trace.Request(1, 0, 655, 52, List.of("46", "47"), null));
    assertThat(trace.visits().get(1).requests().get(0).hashIds()).containsExactly("a1f3", "09bc");
    assertThat(trace.visits().get(1).startMs()).isEqualTo(105.5);
    assertThat(trace.lines()).isEqualTo(2);
    assertThat(trace.skipped()).isEmpty();
  }

  @Test
  void should_order_visits_by_their_first_request_whatever_the_file_order() {
    Trace trace = Trace.parse("""
        {"timestamp": 900, "input_length": 10, "output_length": 5}
        {"timestamp": 100, "input_length": 10, "output_length": 5}
        {"timestamp": 500, "input_length": 10, "output_length": 5}
        """, 512);

    assertThat(trace.visits()).extracting(Trace.Visit::startMs).containsExactly(100.0, 500.0, 900.0);
    assertThat(trace.spanMs()).isEqualTo(900);
  }

  @Test
  void should_group_a_sessions_lines_into_one_visit_in_time_order() {
    Trace trace = Trace.parse("""
        {"timestamp": 5000, "input_length": 30, "output_length": 5, "session_id": "s1"}
        {"timestamp": 200, "input_length": 10, "output_length": 5}
        {"timestamp": 100, "input_length": 20, "output_length": 5, "session_id": "s1"}
        {"timestamp": 9000, "input_length": 40, "output_length": 5, "session_id": 7}
        """, 512);

    assertThat(trace.visits()).hasSize(3);
    Trace.Visit session = trace.visits().get(0);
    assertThat(session.sessionId()).isEqualTo("s1");
    assertThat(session.requests()).extracting(Trace.Request::inputLength).containsExactly(20, 30);
    assertThat(trace.visits().get(2).sessionId()).isEqualTo("7");
    assertThat(trace.sessions()).isEqualTo(2);
    assertThat(trace.requests()).isEqualTo(4);
  }

  @Test
  void should_read_aiperfs_delay_of_a_later_session_turn_and_keep_the_file_order() {
    Trace trace = Trace.parse("""
        {"timestamp": 100, "input_length": 20, "output_length": 5, "session_id": "s1"}
        {"delay": 2000, "input_length": 30, "output_length": 5, "session_id": "s1"}
        {"timestamp": 200, "input_length": 10, "output_length": 5}
        {"timestamp": 50, "input_length": 40, "output_length": 5, "session_id": "s1"}
        {"delay": 500, "input_length": 10, "output_length": 5, "session_id": "s2"}
        {"delay": -1, "input_length": 10, "output_length": 5, "session_id": "s3"}
        {"delay": 500, "input_length": 10, "output_length": 5}
        """, 512);

    Trace.Visit session = trace.visits().get(0);
    assertThat(session.requests()).extracting(Trace.Request::inputLength).containsExactly(20, 30, 40);
    assertThat(session.requests().get(1).afterDelay()).isTrue();
    assertThat(session.requests().get(1).delayMs()).isEqualTo(2000.0);
    assertThat(session.requests().get(0).afterDelay()).isFalse();
    assertThat(trace.requests()).isEqualTo(4);
    assertThat(trace.spanMs()).isEqualTo(200);
    assertThat(trace.skipped()).containsExactly(
        "line 5: session s2 has no timestamp before its first delay, so it cannot be placed in time",
        "line 6: delay must be a number of milliseconds >= 0, was -1",
        "line 7: timestamp must be a number of milliseconds >= 0, was missing");
  }

  @Test
  void should_skip_malformed_lines_naming_each_and_keep_the_rest() {
    Trace trace = Trace.parse("""
        {"timestamp": 0, "input_length": 10, "output_length": 5}
        {"timestamp": 1, "input_length": "10", "output_length": 5}
        not json

        {"timestamp": -4, "input_length": 10, "output_length": 5}
        {"timestamp": 2, "input_length": 10}
        {"timestamp": 3, "input_length": 10, "output_length": 5, "hash_ids": 3}
        {"timestamp": 4, "input_length": 10, "output_length": 5, "session_id": {"a": 1}}
        [1, 2]
        {"timestamp": 5, "input_length": 10, "output_length": 5}
        """, 512);

    assertThat(trace.requests()).isEqualTo(2);
    assertThat(trace.lines()).isEqualTo(9);
    assertThat(trace.skipped()).containsExactly(
        "line 2: input_length must be a whole number of tokens >= 1, was \"10\"",
        "line 3: not a JSON object (Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or"
            + " token 'null', 'true' or 'false'))",
        "line 5: timestamp must be a number of milliseconds >= 0, was -4",
        "line 6: output_length must be a whole number of tokens >= 1, was missing",
        "line 7: hash_ids must be an array of block ids, was 3",
        "line 8: session_id must be a string or a whole number, was {\"a\":1}",
        "line 9: not a JSON object");
  }

  @Test
  void should_refuse_a_trace_without_any_request_naming_the_first_bad_line() throws Exception {
    Path file = dir.resolve("bad.jsonl");
    Files.writeString(file, "\n{\"timestamp\": 0, \"input_length\": 0, \"output_length\": 5}\n");

    assertThatThrownBy(() -> Trace.load(file, 512)).isInstanceOf(ConfigException.class)
        .hasMessage("trace " + file + ": no request in it (line 2: input_length must be a whole number of tokens"
            + " >= 1, was 0)");
    assertThatThrownBy(() -> Trace.load(dir.resolve("none.jsonl"), 512)).isInstanceOf(ConfigException.class)
        .hasMessage("trace " + dir.resolve("none.jsonl") + ": no such file");
  }

  @Test
  void should_deal_whole_sessions_to_shards() {
    Trace trace = Trace.parse("""
        {"timestamp": 0, "input_length": 10, "output_length": 5, "session_id": "a"}
        {"timestamp": 1, "input_length": 10, "output_length": 5}
        {"timestamp": 2, "input_length": 10, "output_length": 5, "session_id": "a"}
        {"timestamp": 3, "input_length": 10, "output_length": 5}
        """, 512);

    Trace first = trace.shard(1, 2);
    Trace second = trace.shard(2, 2);

    assertThat(first.visits()).hasSize(2);
    assertThat(first.visits().get(0).requests()).hasSize(2);
    assertThat(second.visits()).hasSize(1);
    assertThat(first.requests() + second.requests()).isEqualTo(trace.requests());
  }

  @Test
  void should_read_the_shipped_sample_trace_without_a_skipped_line() {
    Trace trace = Trace.load(Path.of("user-files/traces/sample.jsonl"), Trace.DEFAULT_BLOCK_SIZE);

    assertThat(trace.skipped()).isEmpty();
    assertThat(trace.requests()).isBetween(100, 300);
    assertThat(trace.spanMs()).isBetween(30_000.0, 60_000.0);
    assertThat(trace.sessions()).isGreaterThanOrEqualTo(3);
    assertThat(trace.visits().stream().flatMap(v -> v.requests().stream())
        .filter(r -> r.hashIds().contains("0"))).hasSizeGreaterThan(10);
  }
}
