package io.llmgatling.engine.dialect.responses;

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
import io.llmgatling.engine.dialect.WireFormat;
import io.llmgatling.json.Json;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Responses client dialect on the golden transcripts of docs/apis.md (src/test/resources/wire/responses). */
class ResponsesDialectTest {
  private static final ResponsesDialect API = ResponsesDialect.INSTANCE;

  private static LlmRequest request(Operation op, String baseUrl, List<Message> messages, boolean stream) {
    return new LlmRequest("chat", API, op, URI.create(baseUrl), null, "qwen3:4b", messages, "Once upon",
        List.of("a", "b"), stream, 64, Map.of("temperature", 0.7), null);
  }

  private static JsonNode json(String text) throws Exception {
    return Json.MAPPER.readTree(text);
  }

  @Test
  void should_be_registered_as_responses() {
    assertThat(Dialects.byId("responses")).isSameAs(API);
  }

  @Test
  void should_post_to_v1_responses_once_whether_or_not_the_base_url_has_v1() {
    LlmRequest chat = request(Operation.CHAT, "http://localhost:11434", List.of(Message.user("hi")), true);
    assertThat(API.path(chat)).isEqualTo("/v1/responses");
    assertThat(API.path(request(Operation.CHAT, "http://h:8080/v1", List.of(Message.user("hi")), true)))
        .isEqualTo("/responses");
    assertThat(API.responseFormat(chat)).isEqualTo(WireFormat.SSE);
  }

  @Test
  void should_send_embeddings_to_the_same_servers_openai_embeddings_endpoint() {
    LlmRequest embed = request(Operation.EMBED, "http://localhost:11434", List.of(), false);
    assertThat(API.path(embed)).isEqualTo("/v1/embeddings");
    assertThat(API.body(embed).get("input").toString()).isEqualTo("[\"a\",\"b\"]");
    ResponseAccumulator acc = SseReplay.body(API, "{\"object\":\"list\",\"data\":[{\"embedding\":[0.1,0.2]},"
        + "{\"embedding\":[0.3,0.4]}],\"usage\":{\"prompt_tokens\":4,\"total_tokens\":4}}");
    assertThat(acc.embeddings()).isEqualTo(2);
    assertThat(acc.dimensions()).isEqualTo(2);
    assertThat(acc.ended()).isTrue();
  }

  @Test
  void should_write_the_system_prompt_as_instructions_and_the_rest_as_input_items() throws Exception {
    LlmRequest chat = request(Operation.CHAT, "http://h", List.of(Message.system("You are a concise assistant."),
        Message.user(new Part.Text("What is in this picture?"), new Part.Image("image/png", new byte[] {1, 2, 3}))),
        true);
    JsonNode body = API.body(chat);
    assertThat(body.get("instructions").asText()).isEqualTo("You are a concise assistant.");
    assertThat(body.get("input")).isEqualTo(json("[{\"type\":\"message\",\"role\":\"user\",\"content\":["
        + "{\"type\":\"input_text\",\"text\":\"What is in this picture?\"},"
        + "{\"type\":\"input_image\",\"image_url\":\"data:image/png;base64,AQID\",\"detail\":\"auto\"}]}]"));
    assertThat(body.get("max_output_tokens").asInt()).isEqualTo(64);
    assertThat(body.get("stream").asBoolean()).isTrue();
    assertThat(body.get("store").asBoolean()).isFalse();
    assertThat(body.get("temperature").asDouble()).isEqualTo(0.7);
    assertThat(body.has("stream_options")).isFalse();
    assertThat(body.has("max_tokens")).isFalse();
  }

  @Test
  void should_write_a_tool_call_and_its_result_as_function_call_items() throws Exception {
    JsonNode input = API.body(request(Operation.CHAT, "http://h", List.of(Message.user("Weather in Paris?"),
        Message.assistant(new Part.ToolCall("call_k3Zq9", "get_weather", "{\"city\":\"Paris\"}")),
        Message.toolResult("call_k3Zq9", "{\"tempC\":18,\"sky\":\"clear\"}")), false)).get("input");
    assertThat(input).isEqualTo(json(fixture("responses/request-tool-result.json")).get("input"));
  }

  @Test
  void should_send_a_completion_prompt_as_the_input_string() {
    assertThat(API.body(request(Operation.COMPLETION, "http://h", List.of(), false)).get("input").asText())
        .isEqualTo("Once upon");
  }

  @Test
  void should_read_a_plain_stream_into_tokens_usage_and_its_end() {
    ResponseAccumulator acc = SseReplay.accumulate(API, fixture("responses/stream-plain.sse"));
    assertThat(acc.contentChunks()).isEqualTo(5);
    assertThat(acc.text()).isNotBlank();
    assertThat(acc.ended()).isTrue();
    assertThat(acc.finishReason()).isEqualTo("stop");
    assertThat(acc.promptTokens()).isEqualTo(14);
    assertThat(acc.serverOutputTokens()).isEqualTo(5);
    assertThat(acc.cachedTokens()).isZero();
    assertThat(acc.serverReasoningTokens()).isNull(); // 0 means "not counted"
  }

  @Test
  void should_read_reasoning_text_deltas_as_reasoning_with_the_servers_count() {
    ResponseAccumulator acc = SseReplay.accumulate(API, fixture("responses/stream-reasoning.sse"));
    assertThat(acc.reasoningChunks()).isEqualTo(7);
    assertThat(acc.contentChunks()).isEqualTo(10);
    assertThat(acc.serverReasoningTokens()).isEqualTo(7);
    assertThat(acc.serverOutputTokens()).isEqualTo(10);
    assertThat(acc.ended()).isTrue();
  }

  @Test
  void should_read_ollamas_reasoning_summary_deltas_as_reasoning() {
    ResponseAccumulator acc = SseReplay.accumulate(API, fixture("responses/stream-reasoning-ollama.sse"));
    assertThat(acc.reasoningChunks()).isEqualTo(7);
    assertThat(acc.contentChunks()).isEqualTo(10);
    assertThat(acc.serverReasoningTokens()).isNull();
  }

  @Test
  void should_record_an_incomplete_response_as_ended_on_its_length() {
    ResponseAccumulator acc = SseReplay.accumulate(API, fixture("responses/stream-reasoning-incomplete.sse"));
    assertThat(acc.ended()).isTrue();
    assertThat(acc.finishReason()).isEqualTo("length");
    assertThat(acc.reasoningChunks()).isEqualTo(6);
    assertThat(acc.text()).isEmpty();
    assertThat(SseReplay.body(API, fixture("responses/reasoning-incomplete.json")).finishReason()).isEqualTo("length");
  }

  @Test
  void should_read_a_streamed_function_call_as_tool_call_pieces() {
    List<Chunk> chunks = SseReplay.chunks(API, fixture("responses/stream-tool-call.sse"), true);
    assertThat(chunks).filteredOn(Chunk.ToolCallDelta.class::isInstance).containsExactly(
        new Chunk.ToolCallDelta(0, "call_k3Zq9", "get_weather", null),
        new Chunk.ToolCallDelta(0, null, null, "{\"city\":"),
        new Chunk.ToolCallDelta(0, null, null, "\"Paris\""),
        new Chunk.ToolCallDelta(0, null, null, "}"));
    assertThat(chunks).contains(new Chunk.Done("tool_calls"), new Chunk.Usage(82, 12, 64, null, false));
  }

  @Test
  void should_read_a_mid_stream_error_event_as_a_stream_error() {
    ResponseAccumulator acc = SseReplay.accumulate(API, fixture("responses/stream-error.sse"));
    assertThat(acc.streamError()).isEqualTo("model runner has unexpectedly stopped");
  }

  @Test
  void should_read_whole_responses_with_reasoning_text_and_tool_calls() {
    ResponseAccumulator plain = SseReplay.body(API, fixture("responses/plain.json"));
    assertThat(plain.text()).isNotBlank();
    assertThat(plain.ended()).isTrue();
    assertThat(plain.serverOutputTokens()).isPositive();
    ResponseAccumulator reasoning = SseReplay.body(API, fixture("responses/reasoning.json"));
    assertThat(reasoning.reasoningChunks()).isEqualTo(1);
    assertThat(reasoning.text()).isNotBlank();
    ResponseAccumulator tool = SseReplay.body(API, fixture("responses/tool-call.json"));
    assertThat(tool.toolCallDeltas()).isEqualTo(1);
    assertThat(tool.finishReason()).isEqualTo("tool_calls");
  }

  @Test
  void should_take_the_message_of_an_error_body() throws Exception {
    assertThat(API.errorMessage(json(fixture("responses/error-404.json")), "x"))
        .isEqualTo("model \"no-such-model\" not found");
  }

  @Test
  void should_read_every_transcript_from_tokens_exactly_as_from_the_tree() {
    for (String name : List.of("stream-plain.sse", "stream-reasoning.sse", "stream-reasoning-ollama.sse",
        "stream-reasoning-incomplete.sse", "stream-tool-call.sse", "stream-error.sse")) {
      String sse = fixture("responses/" + name);
      assertThat(SseReplay.chunks(API, sse, true)).as(name).isEqualTo(SseReplay.chunks(API, sse, false));
    }
  }

  @Test
  void should_read_text_deltas_on_the_fast_path() {
    String delta = "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\","
        + "\"sequence_number\":5,\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":\" sky\","
        + "\"logprobs\":[]}\n\n";
    List<Chunk> out = new java.util.ArrayList<>();
    var lines = new io.llmgatling.engine.dialect.StreamLineReader(API::readChunkFast);
    byte[] data = delta.substring(delta.indexOf("data: ") + 6, delta.length() - 2).getBytes();
    assertThat(lines.read(data, 0, data.length, out::add)).isTrue();
    assertThat(out).containsExactly(new Chunk.Token(" sky", 1));
    assertThat(API.readsEventFast("response.output_text.delta")).isTrue();
    assertThat(API.readsEventFast("response.completed")).isFalse();
  }
}
