package io.llmgatling.engine.dialect.anthropic;

import static io.llmgatling.engine.dialect.SseReplay.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.engine.LlmRequest;
import io.llmgatling.engine.Message;
import io.llmgatling.engine.Operation;
import io.llmgatling.engine.Part;
import io.llmgatling.engine.dialect.Chunk;
import io.llmgatling.engine.dialect.Dialects;
import io.llmgatling.engine.dialect.ResponseAccumulator;
import io.llmgatling.engine.dialect.SseReplay;
import io.llmgatling.engine.dialect.StreamLineReader;
import io.llmgatling.json.Json;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Anthropic client dialect on the golden transcripts of docs/apis.md (src/test/resources/wire/anthropic). */
class AnthropicDialectTest {
  private static final AnthropicDialect API = AnthropicDialect.INSTANCE;

  private static LlmRequest request(Operation op, List<Message> messages, Integer maxTokens,
      Map<String, Object> options) {
    return new LlmRequest("chat", API, op, URI.create("http://localhost:11434"), "sk-1", "qwen3:4b", messages,
        "Once upon", List.of("a"), true, maxTokens, options, null);
  }

  private static JsonNode json(String text) throws Exception {
    return Json.MAPPER.readTree(text);
  }

  @Test
  void should_be_registered_as_anthropic() {
    assertThat(Dialects.byId("anthropic")).isSameAs(API);
  }

  @Test
  void should_post_messages_with_max_tokens_always_and_the_system_prompt_at_the_top() {
    LlmRequest chat = request(Operation.CHAT, List.of(Message.system("Be brief."), Message.user("hi")), null,
        Map.of("stop", "\n", "temperature", 0.2));
    assertThat(API.path(chat)).isEqualTo("/v1/messages");
    JsonNode body = API.body(chat);
    assertThat(body.get("max_tokens").asInt()).isEqualTo(AnthropicDialect.DEFAULT_MAX_TOKENS);
    assertThat(body.get("system").asText()).isEqualTo("Be brief.");
    assertThat(body.get("messages").toString()).isEqualTo("[{\"role\":\"user\",\"content\":\"hi\"}]");
    assertThat(body.get("stop_sequences").toString()).isEqualTo("[\"\\n\"]");
    assertThat(body.has("stop")).isFalse();
    assertThat(body.get("stream").asBoolean()).isTrue();
    assertThat(API.body(request(Operation.CHAT, List.of(Message.user("hi")), 64, Map.of())).get("max_tokens").asInt())
        .isEqualTo(64);
  }

  @Test
  void should_send_the_key_as_x_api_key_with_the_api_version() {
    Map<String, String> headers = new LinkedHashMap<>();
    API.headers("sk-1", headers::put);
    assertThat(headers).containsExactly(Map.entry("anthropic-version", "2023-06-01"), Map.entry("x-api-key", "sk-1"));
  }

  @Test
  void should_write_images_tool_calls_and_tool_results_as_blocks() throws Exception {
    JsonNode messages = API.body(request(Operation.CHAT, List.of(Message.user("Weather in Paris?"),
        Message.assistant(new Part.ToolCall("toolu_01A09q90qw90lq917835lq9", "get_weather", "{\"city\":\"Paris\"}")),
        Message.toolResult("toolu_01A09q90qw90lq917835lq9", "{\"tempC\":18,\"sky\":\"clear\"}")), 64, Map.of()))
        .get("messages");
    assertThat(messages).isEqualTo(json(fixture("anthropic/request-tool-result.json")).get("messages"));
    JsonNode image = API.body(request(Operation.CHAT, List.of(Message.user(new Part.Text("What is this?"),
        new Part.Image("image/png", new byte[] {1, 2, 3}))), 64, Map.of())).get("messages");
    assertThat(image).isEqualTo(json("[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"What is this?\"},"
        + "{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"AQID\"}}]}]"));
  }

  @Test
  void should_send_embeddings_to_the_same_servers_openai_embeddings_endpoint() {
    assertThat(API.path(request(Operation.EMBED, List.of(), null, Map.of()))).isEqualTo("/v1/embeddings");
  }

  @Test
  void should_read_a_plain_stream_with_usage_from_message_start_and_message_delta() {
    ResponseAccumulator acc = SseReplay.accumulate(API, fixture("anthropic/stream-plain.sse"));
    assertThat(acc.contentChunks()).isEqualTo(5);
    assertThat(acc.text()).isNotBlank();
    assertThat(acc.ended()).isTrue();
    assertThat(acc.finishReason()).isEqualTo("stop");
    assertThat(acc.promptTokens()).isEqualTo(14);
    assertThat(acc.serverOutputTokens()).isEqualTo(5);
    assertThat(acc.cachedTokens()).isZero();
  }

  @Test
  void should_read_thinking_deltas_as_reasoning_before_the_text() {
    ResponseAccumulator acc = SseReplay.accumulate(API, fixture("anthropic/stream-reasoning.sse"));
    assertThat(acc.reasoningChunks()).isEqualTo(7);
    assertThat(acc.contentChunks()).isEqualTo(10);
    assertThat(acc.serverOutputTokens()).isEqualTo(10);
  }

  @Test
  void should_record_max_tokens_as_length() {
    ResponseAccumulator acc = SseReplay.accumulate(API, fixture("anthropic/stream-reasoning-max-tokens.sse"));
    assertThat(acc.finishReason()).isEqualTo("length");
    assertThat(acc.reasoningChunks()).isEqualTo(6);
    assertThat(acc.text()).isEmpty();
  }

  @Test
  void should_read_a_tool_use_block_and_cached_prompt_tokens() {
    List<Chunk> chunks = SseReplay.chunks(API, fixture("anthropic/stream-tool-call.sse"), true);
    assertThat(chunks).filteredOn(Chunk.ToolCallDelta.class::isInstance).first()
        .isEqualTo(new Chunk.ToolCallDelta(0, "toolu_01A09q90qw90lq917835lq9", "get_weather", null));
    assertThat(chunks).filteredOn(Chunk.ToolCallDelta.class::isInstance).allMatch(c ->
        ((Chunk.ToolCallDelta) c).argumentsDelta() == null || !((Chunk.ToolCallDelta) c).argumentsDelta().isEmpty());
    ResponseAccumulator acc = SseReplay.accumulate(API, fixture("anthropic/stream-tool-call.sse"));
    assertThat(acc.finishReason()).isEqualTo("tool_calls");
    assertThat(acc.promptTokens()).isEqualTo(96 + 64);
    assertThat(acc.cachedTokens()).isEqualTo(64);
    assertThat(acc.serverOutputTokens()).isEqualTo(12);
  }

  @Test
  void should_read_an_error_event_as_a_stream_error() throws Exception {
    assertThat(SseReplay.accumulate(API, fixture("anthropic/stream-error.sse")).streamError()).isEqualTo("Overloaded");
    assertThat(API.errorMessage(json(fixture("anthropic/error-400.json")), "x")).isEqualTo("max_tokens: Field required");
  }

  @Test
  void should_read_whole_messages_with_thinking_text_and_tool_use() {
    ResponseAccumulator plain = SseReplay.body(API, fixture("anthropic/plain.json"));
    assertThat(plain.text()).isEqualTo("The sky looks blue.");
    assertThat(plain.finishReason()).isEqualTo("stop");
    assertThat(plain.serverOutputTokens()).isEqualTo(5);
    assertThat(plain.promptTokens()).isEqualTo(14);
    assertThat(SseReplay.body(API, fixture("anthropic/reasoning.json")).reasoningChunks()).isEqualTo(1);
    ResponseAccumulator tool = SseReplay.body(API, fixture("anthropic/tool-call.json"));
    assertThat(tool.toolCallDeltas()).isEqualTo(1);
    assertThat(tool.finishReason()).isEqualTo("tool_calls");
  }

  @Test
  void should_read_every_transcript_from_tokens_exactly_as_from_the_tree() {
    for (String name : List.of("stream-plain.sse", "stream-reasoning.sse", "stream-reasoning-max-tokens.sse",
        "stream-tool-call.sse", "stream-error.sse")) {
      String sse = fixture("anthropic/" + name);
      assertThat(SseReplay.chunks(API, sse, true)).as(name).isEqualTo(SseReplay.chunks(API, sse, false));
    }
  }

  @Test
  void should_read_text_and_thinking_deltas_on_the_fast_path() {
    List<Chunk> out = new ArrayList<>();
    StreamLineReader lines = new StreamLineReader(API::readChunkFast);
    for (String data : List.of(
        "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\" sky\"}}",
        "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"thinking\":\"Let\",\"type\":\"thinking_delta\"}}")) {
      byte[] bytes = data.getBytes();
      assertThat(lines.read(bytes, 0, bytes.length, out::add)).as(data).isTrue();
    }
    byte[] tool = "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\"}}"
        .getBytes();
    assertThat(lines.read(tool, 0, tool.length, out::add)).isFalse();
    assertThat(out).containsExactly(new Chunk.Token(" sky", 1), new Chunk.Reasoning("Let"));
  }
}
