package io.llmgatling.engine.dialect.lmstudio;

import static io.llmgatling.engine.dialect.WireFixtures.bytes;
import static io.llmgatling.engine.dialect.WireFixtures.json;
import static io.llmgatling.engine.dialect.WireFixtures.readSse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.engine.LlmRequest;
import io.llmgatling.engine.Message;
import io.llmgatling.engine.Operation;
import io.llmgatling.engine.Part;
import io.llmgatling.engine.dialect.Chunk;
import io.llmgatling.engine.dialect.Dialect;
import io.llmgatling.engine.dialect.Dialects;
import io.llmgatling.engine.dialect.ResponseAccumulator;
import io.llmgatling.engine.dialect.ServerInfo;
import io.llmgatling.engine.dialect.ServerQuery;
import io.llmgatling.engine.dialect.WireFormat;
import io.llmgatling.json.Json;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** LM Studio REST v1 as the client speaks it, on the golden transcripts of wire/lmstudio-v1. */
class LmStudioV1DialectTest {
  private static final Dialect V1 = Dialects.byId("lmstudio-v1");
  private static final String API = "lmstudio-v1";

  private static LlmRequest chat(List<Message> messages, boolean stream, Map<String, Object> options) {
    return new LlmRequest("chat", V1, Operation.CHAT, URI.create("http://localhost:1234"), null, "qwen/qwen3-4b",
        messages, null, List.of(), stream, 64, options, null);
  }

  @Test
  void should_send_one_user_turn_with_system_prompt_limit_and_store_false() {
    LlmRequest request = chat(List.of(Message.system("You are a concise assistant."), Message.user("Why?")), true,
        Map.of("temperature", 0.7));
    assertThat(V1.path(request)).isEqualTo("/api/v1/chat");
    assertThat(V1.body(request).toString()).isEqualTo("{\"model\":\"qwen/qwen3-4b\",\"input\":\"Why?\","
        + "\"system_prompt\":\"You are a concise assistant.\",\"stream\":true,\"max_output_tokens\":64,"
        + "\"store\":false,\"temperature\":0.7}");
    assertThat(V1.responseFormat(request)).isEqualTo(WireFormat.SSE);
  }

  @Test
  void should_send_images_as_input_items_like_the_fixture() {
    byte[] png = java.util.Base64.getDecoder().decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8"
        + "DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg==");
    LlmRequest request = chat(List.of(Message.system("You are a concise assistant."),
        Message.user(new Part.Text("What is in this picture?"), new Part.Image("image/png", png))), true,
        Map.of("temperature", 0.7, "reasoning", "low"));
    JsonNode expected = json(API, "request-stream.json");
    JsonNode body = V1.body(request);
    assertThat(body.get("input")).isEqualTo(expected.get("input"));
    for (String field : List.of("model", "stream", "system_prompt", "max_output_tokens", "temperature", "reasoning",
        "store")) {
      assertThat(body.get(field)).as(field).isEqualTo(expected.get(field));
    }
  }

  @Test
  void should_write_earlier_turns_as_labelled_text_in_the_one_input() {
    LlmRequest request = chat(List.of(Message.user("Hi"), Message.assistant("Hello!"), Message.user("How are you?")),
        false, Map.of());
    assertThat(V1.body(request).get("input").asText()).isEqualTo("User: Hi\n\nAssistant: Hello!\n\nUser: How are you?");
    assertThat(V1.responseFormat(request)).isEqualTo(WireFormat.JSON);
  }

  @Test
  void should_send_completions_embeddings_and_tool_turns_through_v0() {
    LlmRequest completion = new LlmRequest("completion", V1, Operation.COMPLETION, URI.create("http://h:1234"), null,
        "m", List.of(), "Once", List.of(), true, 8, Map.of(), null);
    assertThat(V1.path(completion)).isEqualTo("/api/v0/completions");
    LlmRequest embed = new LlmRequest("embeddings", V1, Operation.EMBED, URI.create("http://h:1234"), null, "e",
        List.of(), null, List.of("a"), false, null, Map.of(), null);
    assertThat(V1.path(embed)).isEqualTo("/api/v0/embeddings");
    LlmRequest tools = chat(List.of(Message.user("weather?")), true, Map.of("tools", List.of(Map.of("type", "function"))));
    assertThat(V1.path(tools)).isEqualTo("/api/v0/chat/completions");
    assertThat(V1.body(tools).has("messages")).isTrue();
  }

  @Test
  void should_read_a_plain_stream_with_load_time_counts_and_timings() {
    ResponseAccumulator acc = readSse(V1, bytes(API, "stream-plain.sse"));
    assertThat(acc.text()).isEqualTo("The sky looks blue.");
    assertThat(acc.contentChunks()).isEqualTo(5);
    assertThat(acc.reasoningChunks()).isZero();
    assertThat(acc.ended()).isTrue();
    assertThat(acc.streamError()).isNull();
    assertThat(acc.promptTokens()).isEqualTo(14);
    assertThat(acc.serverOutputTokens()).isEqualTo(5);
    assertThat(acc.serverReasoningTokens()).isZero();
    assertThat(acc.cachedTokens()).isNull();
    assertThat(acc.loadMs()).isEqualTo(2481.0);
    assertThat(acc.promptEvalMs()).isCloseTo(62.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(acc.evalMs()).isCloseTo(5 * 1000 / 61.7, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(acc.serverBusyMs()).isCloseTo(2481 + 62 + 5 * 1000 / 61.7, org.assertj.core.data.Offset.offset(1e-6));
  }

  @Test
  void should_take_the_load_time_from_the_model_load_event_when_stats_omit_it() {
    List<Chunk> chunks = new ArrayList<>();
    byte[] sse = ("event: model_load.end\ndata: {\"type\":\"model_load.end\",\"model_instance_id\":\"m\","
        + "\"load_time_seconds\":1.5}\n\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    readSse(V1, sse, chunks::add);
    assertThat(chunks).containsExactly(new Chunk.ServerTimings(null, 1500.0, null, null, null, null));
  }

  @Test
  void should_read_reasoning_deltas_as_reasoning_and_the_server_reasoning_count() {
    ResponseAccumulator acc = readSse(V1, bytes(API, "stream-reasoning.sse"));
    assertThat(acc.text()).isEqualTo("Rayleigh scattering.");
    assertThat(acc.reasoningChunks()).isEqualTo(7);
    assertThat(acc.contentChunks()).isEqualTo(10);
    assertThat(acc.serverOutputTokens()).isEqualTo(10);
    assertThat(acc.serverReasoningTokens()).isEqualTo(7);
    assertThat(acc.loadMs()).isNull();
    assertThat(acc.ended()).isTrue();
  }

  @Test
  void should_read_server_tool_calls_as_tool_call_pieces_the_model_generated() {
    ResponseAccumulator acc = readSse(V1, bytes(API, "stream-tool-call.sse"));
    assertThat(acc.text()).isEqualTo("It is 18 °C and clear in Paris.");
    assertThat(acc.toolCallDeltas()).isEqualTo(2);
    // 9 message deltas and the call's name and arguments: the model generated them (a call-only answer has a TTFT)
    assertThat(acc.contentChunks()).isEqualTo(11);
    assertThat(acc.promptTokens()).isEqualTo(212);
  }

  @Test
  void should_say_length_when_the_output_reached_the_request_limit_as_v1_gives_no_stop_reason() {
    LlmRequest capped = new LlmRequest("chat", V1, Operation.CHAT, URI.create("http://localhost:1234"), null, "m",
        List.of(Message.user("Why?")), null, List.of(), true, 10, Map.of(), null);
    assertThat(readSse(V1.readerFor(capped), bytes(API, "stream-reasoning.sse")).finishReason()).isEqualTo("length");
    assertThat(readSse(V1.readerFor(capped), bytes(API, "stream-plain.sse")).finishReason()).isEqualTo("stop");
    ResponseAccumulator body = new ResponseAccumulator();
    V1.readerFor(capped).readBody(json(API, "reasoning.json"), body);
    assertThat(body.finishReason()).isEqualTo("length");
    assertThat(readSse(V1, bytes(API, "stream-plain.sse")).finishReason()).as("no limit known").isNull();
  }

  @Test
  void should_keep_the_error_event_even_though_chat_end_follows() {
    ResponseAccumulator acc = readSse(V1, bytes(API, "stream-error.sse"));
    assertThat(acc.streamError()).isEqualTo("The model has crashed without additional information. (Exit code: null)");
    assertThat(acc.text()).isEqualTo("The sky");
    assertThat(acc.serverOutputTokens()).isEqualTo(2);
  }

  @Test
  void should_read_non_streamed_answers() {
    ResponseAccumulator plain = new ResponseAccumulator();
    V1.readBody(json(API, "plain.json"), plain);
    assertThat(plain.text()).isEqualTo("The sky looks blue.");
    assertThat(plain.ended()).isTrue();
    assertThat(plain.serverOutputTokens()).isEqualTo(5);
    assertThat(plain.loadMs()).isEqualTo(2481.0);
    ResponseAccumulator reasoning = new ResponseAccumulator();
    V1.readBody(json(API, "reasoning.json"), reasoning);
    assertThat(reasoning.text()).isEqualTo("Rayleigh scattering.");
    assertThat(reasoning.reasoningChunks()).isEqualTo(1);
    assertThat(reasoning.serverReasoningTokens()).isEqualTo(7);
    ResponseAccumulator tool = new ResponseAccumulator();
    V1.readBody(json(API, "tool-call.json"), tool);
    assertThat(tool.toolCallDeltas()).isEqualTo(1);
    assertThat(tool.text()).isEqualTo("It is 18 °C and clear in Paris.");
  }

  @Test
  void should_read_error_bodies_in_the_server_words() {
    assertThat(V1.errorMessage(json(API, "error-404.json"), "?")).isEqualTo("Model \"no-such-model\" not found");
    assertThat(V1.errorMessage(json(API, "error-400.json"), "?")).isEqualTo("\"model\" is required");
    ResponseAccumulator acc = new ResponseAccumulator();
    V1.readBody(json(API, "v0-server-unknown-endpoint-200.json"), acc);
    assertThat(acc.streamError()).isEqualTo("Unexpected endpoint or method. (GET /api/v1/models)");
  }

  /** A server answering GETs from a map. */
  private record Server(Map<String, String> answers) implements ServerQuery {
    @Override
    public JsonNode get(String path) {
      return tryGet(path).orElseThrow(() -> new IllegalStateException(path + " answered HTTP 404"));
    }

    @Override
    public Optional<JsonNode> tryGet(String path) {
      String body = answers.get(path);
      try {
        return body == null ? Optional.empty() : Optional.of(Json.MAPPER.readTree(body));
      } catch (Exception e) {
        return Optional.empty();
      }
    }
  }

  @Test
  void should_list_the_model_keys_of_api_v1_models() {
    Server server = new Server(Map.of("/api/v1/models", WireFixtures_text("models.json")));
    ServerInfo info = V1.describeServer(server);
    assertThat(info.models()).containsExactly("qwen/qwen3-4b", "google/gemma-3-4b",
        "text-embedding-nomic-embed-text-v1.5");
  }

  @Test
  void should_choose_v1_for_a_server_listing_models_and_v0_for_one_answering_an_error_with_200() {
    Dialect auto = Dialects.byId("lmstudio");
    assertThat(auto.choose(new Server(Map.of("/api/v1/models", WireFixtures_text("models.json"))))).isSameAs(V1);
    Server old = new Server(Map.of("/api/v1/models", WireFixtures_text("v0-server-unknown-endpoint-200.json")));
    assertThat(auto.choose(old).id()).isEqualTo("lmstudio-v0");
    assertThat(auto.choose(new Server(Map.of())).id()).isEqualTo("lmstudio-v0");
    assertThat(Dialects.byId("lmstudio-v0").choose(new Server(Map.of("/api/v1/models",
        WireFixtures_text("models.json")))).id()).isEqualTo("lmstudio-v0");
    assertThatThrownBy(() -> V1.describeServer(old)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no LM Studio REST v1 API").hasMessageContaining("-Dllm.api=lmstudio-v0");
  }

  private static String WireFixtures_text(String file) {
    return io.llmgatling.engine.dialect.WireFixtures.utf8(bytes(API, file));
  }
}
