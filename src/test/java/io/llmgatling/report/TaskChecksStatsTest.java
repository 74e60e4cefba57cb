package io.llmgatling.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.engine.record.RequestRecord;
import io.llmgatling.json.Json;
import org.junit.jupiter.api.Test;

/** toolCalls, toolCallRate and jsonValidRate in STATS, and their absence where no request had them. */
class TaskChecksStatsTest {

  private static RequestRecord record(boolean ok, Integer toolCalls, boolean toolResult, Boolean jsonValid) {
    return new RequestRecord(1, "t", "m", "openai", "chat", true, 0, 1.0, 2.0, 3.0, 4.0, null, null, null, 10, 5,
        "server", 5, null, null, null, null, null, 200, ok, ok ? null : "check", null, "stop", false, null, false, null, null, null, toolCalls,
        toolResult, jsonValid);
  }

  @Test
  void should_count_tool_calls_and_the_share_of_first_turns_that_called_a_tool() {
    GroupAggregator group = new GroupAggregator();
    group.add(record(true, 1, false, null), true);
    group.add(record(true, 0, true, null), true);   // the tool-result turn: not a chance to call
    group.add(record(false, 0, false, null), false); // answered with text: a failed toolCall() check
    group.add(record(true, 2, false, null), true);

    Stats stats = group.toStats(10);
    assertThat(stats.toolCalls()).isEqualTo(3);
    assertThat(stats.toolCallRate()).isEqualTo(0.6667);
    assertThat(stats.jsonValidRate()).isNull();
  }

  @Test
  void should_give_the_share_of_structured_answers_valid_against_their_schema() {
    GroupAggregator group = new GroupAggregator();
    group.add(record(true, null, false, true), true);
    group.add(record(false, null, false, false), false);
    group.add(record(true, null, false, null), true);

    Stats stats = group.toStats(10);
    assertThat(stats.jsonValidRate()).isEqualTo(0.5);
    assertThat(stats.toolCalls()).isNull();
    assertThat(stats.toolCallRate()).isNull();
  }

  @Test
  void should_leave_the_fields_out_of_the_json_of_a_group_without_them() {
    GroupAggregator group = new GroupAggregator();
    group.add(record(true, null, false, null), true);

    JsonNode json = Json.MAPPER.valueToTree(group.toStats(10));
    assertThat(json.has("toolCalls")).isFalse();
    assertThat(json.has("toolCallRate")).isFalse();
    assertThat(json.has("jsonValidRate")).isFalse();
    assertThat(json.has("queueMs")).isTrue();
  }
}
