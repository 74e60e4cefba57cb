package io.llmgatling.simulator.dialect.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.engine.dialect.Chunk;
import io.llmgatling.engine.dialect.ResponseAccumulator;
import io.llmgatling.engine.dialect.SseReplay;
import io.llmgatling.engine.dialect.anthropic.AnthropicDialect;
import io.llmgatling.json.Json;
import io.llmgatling.simulator.TextSource;
import io.llmgatling.simulator.dialect.ToolCallPlan;
import io.llmgatling.simulator.dialect.WirePlayback;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The simulator's Anthropic frames, played in the engine's order and read back by the client dialect. */
class AnthropicWireTest {
  private static final long SEED = 42;
  private static final ToolCallPlan CALL = new ToolCallPlan("call_k3Zq9", "get_weather", "{\"city\":\"Paris\"}");

  private static List<JsonNode> events(String sse) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String block : sse.split("\n\n")) {
      String[] lines = block.split("\n");
      assertThat(lines[0]).as("every message has its event line").startsWith("event: ");
      JsonNode data = Json.MAPPER.readTree(lines[1].substring(6));
      assertThat(data.path("type").asText()).isEqualTo(lines[0].substring(7));
      out.add(data);
    }
    return out;
  }

  private static List<String> types(List<JsonNode> events) {
    return events.stream().map(e -> e.path("type").asText()).toList();
  }

  @Test
  void should_stream_a_plain_answer_with_usage_in_message_start_and_message_delta() throws Exception {
    AnthropicWire wire = new AnthropicWire("qwen3:4b", 7, 14, 0, false);
    String sse = WirePlayback.stream(wire, SEED, 0, 3, null, WirePlayback.outcome(14, 3, 0, 4, false));
    List<JsonNode> events = events(sse);

    assertThat(types(events)).containsExactly("message_start", "ping", "content_block_start", "content_block_delta",
        "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop");
    assertThat(events.get(0).at("/message/usage/input_tokens").asInt()).isEqualTo(14);
    assertThat(events.get(0).at("/message/content").isArray()).isTrue();
    assertThat(events.get(7).at("/usage/output_tokens").asInt()).isEqualTo(3);
    assertThat(events.get(7).at("/delta/stop_reason").asText()).isEqualTo("end_turn");

    ResponseAccumulator acc = SseReplay.accumulate(AnthropicDialect.INSTANCE, sse);
    assertThat(acc.text()).isEqualTo(TextSource.text(SEED, 0, 3));
    assertThat(acc.ended()).isTrue();
    assertThat(acc.finishReason()).isEqualTo("stop");
    assertThat(acc.promptTokens()).isEqualTo(14);
    assertThat(acc.cachedTokens()).isEqualTo(4);
    assertThat(acc.serverOutputTokens()).isEqualTo(3);
  }

  @Test
  void should_stream_thinking_as_a_signed_thinking_block_before_the_text_block() throws Exception {
    AnthropicWire wire = new AnthropicWire("qwen3:4b", 7, 14, 2, false);
    String sse = WirePlayback.stream(wire, SEED, 2, 3, null, WirePlayback.outcome(14, 5, 2, null, false));
    List<JsonNode> events = events(sse);

    assertThat(types(events)).containsExactly("message_start", "ping", "content_block_start", "content_block_delta",
        "content_block_delta", "content_block_delta", "content_block_stop", "content_block_start",
        "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta",
        "message_stop");
    assertThat(events.get(2).path("content_block").toString())
        .isEqualTo("{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}");
    assertThat(events.get(5).at("/delta/type").asText()).isEqualTo("signature_delta");
    assertThat(events.get(7).path("index").asInt()).isEqualTo(1);
    assertThat(events.get(8).path("index").asInt()).isEqualTo(1);

    ResponseAccumulator acc = SseReplay.accumulate(AnthropicDialect.INSTANCE, sse);
    assertThat(acc.reasoningChunks()).isEqualTo(2);
    assertThat(acc.contentChunks()).isEqualTo(5);
    assertThat(acc.text()).isEqualTo(TextSource.text(SEED, 2, 3));
  }

  @Test
  void should_stream_a_tool_call_as_a_tool_use_block_with_input_json_deltas() throws Exception {
    AnthropicWire wire = new AnthropicWire("qwen3:4b", 7, 80, 0, true);
    String sse = WirePlayback.stream(wire, SEED, 0, 0, CALL, WirePlayback.outcome(80, 5, 0, null, false));
    List<JsonNode> events = events(sse);
    assertThat(events.get(2).path("content_block").toString())
        .isEqualTo("{\"type\":\"tool_use\",\"id\":\"toolu_k3Zq9\",\"name\":\"get_weather\",\"input\":{}}");
    List<Chunk> chunks = SseReplay.chunks(AnthropicDialect.INSTANCE, sse, true);
    StringBuilder arguments = new StringBuilder();
    chunks.stream().filter(Chunk.ToolCallDelta.class::isInstance).map(Chunk.ToolCallDelta.class::cast)
        .forEach(d -> arguments.append(d.argumentsDelta() == null ? "" : d.argumentsDelta()));
    assertThat(arguments.toString()).isEqualTo(CALL.argumentsJson());
    assertThat(SseReplay.accumulate(AnthropicDialect.INSTANCE, sse).finishReason()).isEqualTo("tool_calls");
  }

  @Test
  void should_say_max_tokens_when_the_answer_hit_its_limit() {
    AnthropicWire wire = new AnthropicWire("qwen3:4b", 7, 14, 0, false);
    String sse = WirePlayback.stream(wire, SEED, 0, 4, null, WirePlayback.outcome(14, 4, 0, null, true));
    assertThat(sse).contains("\"stop_reason\":\"max_tokens\"");
    assertThat(SseReplay.accumulate(AnthropicDialect.INSTANCE, sse).finishReason()).isEqualTo("length");
  }

  @Test
  void should_write_whole_messages_the_client_reads_back() {
    AnthropicWire wire = new AnthropicWire("qwen3:4b", 7, 14, 0, false);
    String body = new String(wire.body(WirePlayback.outcome(14, 7, 3, 6, false), "Let me think", "Blue."),
        StandardCharsets.UTF_8);
    ResponseAccumulator acc = SseReplay.body(AnthropicDialect.INSTANCE, body);
    assertThat(acc.text()).isEqualTo("Blue.");
    assertThat(acc.reasoningChunks()).isEqualTo(1);
    assertThat(acc.promptTokens()).isEqualTo(14);
    assertThat(acc.cachedTokens()).isEqualTo(6);
    String call = new String(wire.toolCallBody(WirePlayback.outcome(80, 5, 0, null, false), "", CALL),
        StandardCharsets.UTF_8);
    ResponseAccumulator tool = SseReplay.body(AnthropicDialect.INSTANCE, call);
    assertThat(tool.finishReason()).isEqualTo("tool_calls");
    assertThat(tool.toolCallDeltas()).isEqualTo(1);
  }

  @Test
  void should_write_errors_in_anthropics_shape() throws Exception {
    assertThat(Json.MAPPER.readTree(AnthropicWire.error(404, "model \"x\" not found")).toString())
        .isEqualTo("{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":\"model \\\"x\\\" not found\"}}");
    AnthropicWire wire = new AnthropicWire("qwen3:4b", 7, 14, 0, false);
    String sse = new String(wire.errorFrame("Overloaded"), StandardCharsets.UTF_8);
    assertThat(sse).startsWith("event: error\n");
    assertThat(SseReplay.accumulate(AnthropicDialect.INSTANCE, sse).streamError()).isEqualTo("Overloaded");
  }
}
