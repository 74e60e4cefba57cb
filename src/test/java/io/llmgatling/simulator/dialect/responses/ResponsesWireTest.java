package io.llmgatling.simulator.dialect.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.engine.dialect.Chunk;
import io.llmgatling.engine.dialect.ResponseAccumulator;
import io.llmgatling.engine.dialect.SseReplay;
import io.llmgatling.engine.dialect.responses.ResponsesDialect;
import io.llmgatling.json.Json;
import io.llmgatling.simulator.TextSource;
import io.llmgatling.simulator.dialect.ToolCallPlan;
import io.llmgatling.simulator.dialect.WirePlayback;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The simulator's Responses frames, played in the engine's order and read back by the client dialect. */
class ResponsesWireTest {
  private static final long SEED = 42;
  private static final ToolCallPlan CALL = new ToolCallPlan("call_k3Zq9", "get_weather", "{\"city\":\"Paris\"}");

  /** The data of every event, in order. */
  private static List<JsonNode> events(String sse) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String block : sse.split("\n\n")) {
      String[] lines = block.split("\n");
      assertThat(lines[0]).startsWith("event: ");
      assertThat(lines[1]).startsWith("data: ");
      JsonNode data = Json.MAPPER.readTree(lines[1].substring(6));
      assertThat(data.path("type").asText()).isEqualTo(lines[0].substring(7));
      out.add(data);
    }
    return out;
  }

  private static List<String> types(List<JsonNode> events) {
    return events.stream().map(e -> e.path("type").asText()).distinct().toList();
  }

  private static void assertNumberedFromZero(List<JsonNode> events) {
    for (int i = 0; i < events.size(); i++) {
      assertThat(events.get(i).path("sequence_number").asInt()).as("event %d", i).isEqualTo(i);
    }
  }

  @Test
  void should_stream_a_plain_answer_in_the_sdks_event_order_numbered_from_zero() throws Exception {
    ResponsesWire wire = new ResponsesWire("qwen3:4b", 7, SEED, 64, 0, false);
    String sse = WirePlayback.stream(wire, SEED, 0, 5, null, WirePlayback.outcome(14, 5, 0, null, false));
    List<JsonNode> events = events(sse);

    assertThat(types(events)).containsExactly("response.created", "response.in_progress",
        "response.output_item.added", "response.content_part.added", "response.output_text.delta",
        "response.output_text.done", "response.content_part.done", "response.output_item.done",
        "response.completed");
    assertNumberedFromZero(events);
    assertThat(events.get(0).at("/response/output").isArray()).isTrue();
    JsonNode completed = events.get(events.size() - 1).path("response");
    assertThat(completed.at("/output/0/content/0/text").asText()).isEqualTo(TextSource.text(SEED, 0, 5));
    assertThat(completed.at("/usage/input_tokens").asInt()).isEqualTo(14);
    assertThat(completed.at("/usage/output_tokens").asInt()).isEqualTo(5);

    ResponseAccumulator acc = SseReplay.accumulate(ResponsesDialect.INSTANCE, sse);
    assertThat(acc.text()).isEqualTo(TextSource.text(SEED, 0, 5));
    assertThat(acc.contentChunks()).isEqualTo(5);
    assertThat(acc.ended()).isTrue();
    assertThat(acc.finishReason()).isEqualTo("stop");
    assertThat(acc.serverOutputTokens()).isEqualTo(5);
  }

  @Test
  void should_stream_reasoning_as_a_reasoning_item_before_the_message_item() throws Exception {
    ResponsesWire wire = new ResponsesWire("qwen3:4b", 7, SEED, 64, 3, false);
    String sse = WirePlayback.stream(wire, SEED, 3, 4, null, WirePlayback.outcome(14, 7, 3, 8, false));
    List<JsonNode> events = events(sse);

    assertNumberedFromZero(events);
    assertThat(types(events)).containsSubsequence("response.reasoning_text.delta", "response.reasoning_text.done",
        "response.output_text.delta", "response.completed");
    for (JsonNode e : events) {
      if (e.path("type").asText().equals("response.reasoning_text.delta")) {
        assertThat(e.path("output_index").asInt()).isZero();
      }
      if (e.path("type").asText().equals("response.output_text.delta")) {
        assertThat(e.path("output_index").asInt()).isEqualTo(1);
      }
    }
    JsonNode completed = events.get(events.size() - 1).path("response");
    assertThat(completed.at("/output/0/type").asText()).isEqualTo("reasoning");
    assertThat(completed.at("/output/0/content/0/text").asText()).isEqualTo(TextSource.text(SEED, 0, 3));
    assertThat(completed.at("/output/1/content/0/text").asText()).isEqualTo(TextSource.text(SEED, 3, 4));

    ResponseAccumulator acc = SseReplay.accumulate(ResponsesDialect.INSTANCE, sse);
    assertThat(acc.reasoningChunks()).isEqualTo(3);
    assertThat(acc.contentChunks()).isEqualTo(7);
    assertThat(acc.text()).isEqualTo(TextSource.text(SEED, 3, 4));
    assertThat(acc.serverReasoningTokens()).isEqualTo(3);
    assertThat(acc.cachedTokens()).isEqualTo(8);
  }

  @Test
  void should_stay_valid_when_reasoning_comes_that_the_wire_was_not_told_of() throws Exception {
    ResponsesWire wire = new ResponsesWire("qwen3:4b", 7, SEED, 64, 0, false); // the message item opens first
    String sse = WirePlayback.stream(wire, SEED, 2, 3, null, WirePlayback.outcome(14, 5, 2, null, false));
    List<JsonNode> events = events(sse);

    assertNumberedFromZero(events);
    for (JsonNode e : events) {
      if (e.path("type").asText().equals("response.output_text.delta")) {
        assertThat(e.path("output_index").asInt()).isZero();
      }
      if (e.path("type").asText().equals("response.reasoning_text.delta")) {
        assertThat(e.path("output_index").asInt()).isEqualTo(1);
      }
    }
    JsonNode completed = events.get(events.size() - 1).path("response");
    assertThat(completed.at("/output/0/type").asText()).isEqualTo("message");
    assertThat(completed.at("/output/0/content/0/text").asText()).isEqualTo(TextSource.text(SEED, 2, 3));
    assertThat(completed.at("/output/1/type").asText()).isEqualTo("reasoning");
    ResponseAccumulator acc = SseReplay.accumulate(ResponsesDialect.INSTANCE, sse);
    assertThat(acc.reasoningChunks()).isEqualTo(2);
    assertThat(acc.text()).isEqualTo(TextSource.text(SEED, 2, 3));
  }

  @Test
  void should_stream_a_tool_call_as_a_function_call_item_with_argument_deltas() throws Exception {
    ResponsesWire wire = new ResponsesWire("qwen3:4b", 7, SEED, 64, 0, true);
    String sse = WirePlayback.stream(wire, SEED, 0, 0, CALL, WirePlayback.outcome(82, 5, 0, null, false));
    List<JsonNode> events = events(sse);

    assertNumberedFromZero(events);
    assertThat(types(events)).containsExactly("response.created", "response.in_progress",
        "response.output_item.added", "response.function_call_arguments.delta",
        "response.function_call_arguments.done", "response.output_item.done", "response.completed");
    List<Chunk> chunks = SseReplay.chunks(ResponsesDialect.INSTANCE, sse, true);
    StringBuilder arguments = new StringBuilder();
    chunks.stream().filter(Chunk.ToolCallDelta.class::isInstance).map(Chunk.ToolCallDelta.class::cast)
        .forEach(d -> arguments.append(d.argumentsDelta() == null ? "" : d.argumentsDelta()));
    assertThat(arguments.toString()).isEqualTo(CALL.argumentsJson());
    assertThat(chunks).contains(new Chunk.ToolCallDelta(0, "call_k3Zq9", "get_weather", null),
        new Chunk.Done("tool_calls"));
  }

  @Test
  void should_end_an_answer_cut_by_its_limit_with_response_incomplete() throws Exception {
    ResponsesWire wire = new ResponsesWire("qwen3:4b", 7, SEED, 6, 0, false);
    String sse = WirePlayback.stream(wire, SEED, 0, 6, null, WirePlayback.outcome(14, 6, 0, null, true));
    JsonNode last = events(sse).get(events(sse).size() - 1);
    assertThat(last.path("type").asText()).isEqualTo("response.incomplete");
    assertThat(last.at("/response/incomplete_details/reason").asText()).isEqualTo("max_output_tokens");
    assertThat(SseReplay.accumulate(ResponsesDialect.INSTANCE, sse).finishReason()).isEqualTo("length");
  }

  @Test
  void should_write_whole_responses_the_client_reads_back() {
    ResponsesWire wire = new ResponsesWire("qwen3:4b", 7, SEED, 64, 0, false);
    String body = new String(wire.body(WirePlayback.outcome(14, 7, 3, null, false), "Let me think", "Blue."),
        StandardCharsets.UTF_8);
    ResponseAccumulator acc = SseReplay.body(ResponsesDialect.INSTANCE, body);
    assertThat(acc.text()).isEqualTo("Blue.");
    assertThat(acc.reasoningChunks()).isEqualTo(1);
    assertThat(acc.serverReasoningTokens()).isEqualTo(3);
    String call = new String(wire.toolCallBody(WirePlayback.outcome(82, 5, 0, null, false), "", CALL),
        StandardCharsets.UTF_8);
    assertThat(SseReplay.body(ResponsesDialect.INSTANCE, call).finishReason()).isEqualTo("tool_calls");
  }

  @Test
  void should_send_a_mid_stream_error_as_an_error_event_and_response_failed() throws Exception {
    ResponsesWire wire = new ResponsesWire("qwen3:4b", 7, SEED, 64, 0, false);
    String sse = new String(wire.streamStart().get(0), StandardCharsets.UTF_8)
        + new String(wire.errorFrame("boom"), StandardCharsets.UTF_8);
    assertThat(types(events(sse))).containsExactly("response.created", "error", "response.failed");
    assertThat(SseReplay.accumulate(ResponsesDialect.INSTANCE, sse).streamError()).isEqualTo("boom");
  }

  @Test
  void should_name_an_unknown_model_with_the_code_model_not_found() throws Exception {
    JsonNode error = Json.MAPPER.readTree(ResponsesWire.error(404, "model \"x\" not found, try pulling it first"));
    assertThat(error.at("/error/code").asText()).isEqualTo("model_not_found");
    assertThat(error.at("/error/type").asText()).isEqualTo("invalid_request_error");
  }
}
