package io.llmgatling.engine.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgatling.engine.LlmRequest;
import io.llmgatling.engine.LlmResult;
import io.llmgatling.engine.Message;
import io.llmgatling.engine.Operation;
import io.llmgatling.engine.Part;
import io.llmgatling.engine.Timeouts;
import io.llmgatling.engine.check.ResultCheck;
import io.llmgatling.engine.dialect.Chunk;
import io.llmgatling.engine.dialect.Dialects;
import io.llmgatling.engine.dialect.ResponseAccumulator;
import io.llmgatling.json.Json;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a record and a result say of tool calls and structured answers, and the checks on them. */
class ToolAndSchemaRecordTest {
  private static final long MS = 1_000_000L;
  private static final long SENT = 9_000 * MS;
  private static final List<Map<String, Object>> TOOLS = List.of(Map.of("type", "function", "function",
      Map.of("name", "get_weather", "parameters", Map.of("type", "object"))));

  private static LlmResult build(List<Message> messages, Map<String, Object> options, ResponseAccumulator acc) {
    LlmRequest request = new LlmRequest("t", Dialects.byId("openai"), Operation.CHAT, URI.create("http://127.0.0.1:1"),
        null, "m", messages, null, List.of(), true, 64, options, Timeouts.DEFAULT);
    acc.accept(new Chunk.Done("stop"));
    Timeline t = Timeline.of(SENT, SENT + 5 * MS, SENT + 40 * MS, SENT + 10 * MS, SENT + 20 * MS, SENT + 30 * MS);
    return new RecordBuilder(1, request, SENT, SENT).build(t, acc, true, 200, null, null, false, SENT + 40 * MS);
  }

  @Test
  void should_record_the_calls_of_an_answer_to_a_request_offering_tools_and_time_them_as_tokens() {
    ResponseAccumulator acc = new ResponseAccumulator();
    acc.accept(new Chunk.ToolCallDelta(0, "call_1", "get_weather", ""));
    acc.accept(new Chunk.ToolCallDelta(0, null, null, "{\"city\":"));
    acc.accept(new Chunk.ToolCallDelta(0, null, null, "\"Lyon\"}"));

    LlmResult result = build(List.of(Message.user("Lyon?")), Map.of("tools", TOOLS), acc);

    assertThat(result.record().toolCalls()).isEqualTo(1);
    assertThat(result.record().toolResult()).isFalse();
    assertThat(result.record().ttftMs()).isEqualTo(10.0);
    assertThat(result.record().outputTokens()).as("3 generated pieces, no server count").isEqualTo(3);
    assertThat(result.toolCalls()).containsExactly(new Part.ToolCall("call_1", "get_weather", "{\"city\":\"Lyon\"}"));
    assertThat(ResultCheck.toolCall().failure(ResultCheck.toolCall().extractor().apply(result))).isEmpty();
    assertThat(ResultCheck.toolCallId().extractor().apply(result)).isEqualTo("call_1");
  }

  @Test
  void should_mark_the_tool_result_turn_and_fail_the_tool_call_check_on_a_text_answer() {
    ResponseAccumulator acc = new ResponseAccumulator();
    acc.token("It rains.");
    List<Message> history = List.of(Message.user("Lyon?"),
        Message.assistant(new Part.ToolCall("call_1", "get_weather", "{}")), Message.toolResult("call_1", "rain"));

    LlmResult result = build(history, Map.of("tools", TOOLS), acc);

    assertThat(result.record().toolResult()).isTrue();
    assertThat(result.record().toolCalls()).isZero();
    assertThat(ResultCheck.toolCall().failure(ResultCheck.toolCall().extractor().apply(result)))
        .hasValueSatisfying(m -> assertThat(m).contains("no tool call (answered with text)"));
  }

  @Test
  void should_fail_the_tool_call_check_on_a_tool_not_offered_or_arguments_that_do_not_parse() {
    ResponseAccumulator other = new ResponseAccumulator();
    other.accept(new Chunk.ToolCallDelta(0, null, "delete_everything", "{}"));
    ResponseAccumulator broken = new ResponseAccumulator();
    broken.accept(new Chunk.ToolCallDelta(0, null, "get_weather", "{\"city\":"));

    assertThat(ResultCheck.toolCall().extractor().apply(build(List.of(Message.user("x")), Map.of("tools", TOOLS),
        other))).asString().contains("not one of the offered tools");
    assertThat(ResultCheck.toolCall().extractor().apply(build(List.of(Message.user("x")), Map.of("tools", TOOLS),
        broken))).asString().contains("do not parse");
  }

  @Test
  void should_judge_a_structured_answer_against_the_requested_schema() throws Exception {
    Map<String, Object> options = Dialects.byId("openai").schemaOptions("n",
        Json.MAPPER.readTree("{\"type\":\"object\",\"required\":[\"n\"],\"properties\":{\"n\":{\"type\":\"integer\"}}}"));
    ResponseAccumulator valid = new ResponseAccumulator();
    valid.token("{\"n\":");
    valid.token("3}");
    ResponseAccumulator invalid = new ResponseAccumulator();
    invalid.token("{\"n\":\"three\"}");
    ResponseAccumulator plain = new ResponseAccumulator();
    plain.token("three");

    LlmResult ok = build(List.of(Message.user("n?")), options, valid);
    LlmResult wrong = build(List.of(Message.user("n?")), options, invalid);
    LlmResult none = build(List.of(Message.user("n?")), Map.of(), plain);

    assertThat(ok.record().jsonValid()).isTrue();
    assertThat(ResultCheck.jsonValid().failure(ResultCheck.jsonValid().extractor().apply(ok))).isEmpty();
    assertThat(wrong.record().jsonValid()).isFalse();
    assertThat(ResultCheck.jsonValid().failure(ResultCheck.jsonValid().extractor().apply(wrong)))
        .hasValueSatisfying(m -> assertThat(m).contains("jsonValid check failed").contains("n"));
    assertThat(none.record().jsonValid()).isNull();
    assertThat(none.record().toolCalls()).isNull();
  }
}
