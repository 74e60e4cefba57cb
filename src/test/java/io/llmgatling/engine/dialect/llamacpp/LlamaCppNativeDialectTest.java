package io.llmgatling.engine.dialect.llamacpp;

import static io.llmgatling.engine.dialect.WireFixtures.bytes;
import static io.llmgatling.engine.dialect.WireFixtures.json;
import static io.llmgatling.engine.dialect.WireFixtures.readSse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.engine.LlmRequest;
import io.llmgatling.engine.Message;
import io.llmgatling.engine.Operation;
import io.llmgatling.engine.Part;
import io.llmgatling.engine.dialect.ChunkReader;
import io.llmgatling.engine.dialect.Dialect;
import io.llmgatling.engine.dialect.Dialects;
import io.llmgatling.engine.dialect.ResponseAccumulator;
import io.llmgatling.engine.dialect.ServerInfo;
import io.llmgatling.engine.dialect.ServerQuery;
import io.llmgatling.engine.dialect.WireFixtures;
import io.llmgatling.engine.dialect.WireFormat;
import io.llmgatling.json.Json;
import java.net.URI;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** llama-server's native /completion as the client speaks it, on the golden transcripts of wire/llamacpp-native. */
class LlamaCppNativeDialectTest {
  private static final Dialect NATIVE = Dialects.byId("llamacpp-native");
  private static final String API = "llamacpp-native";

  private static LlmRequest chat(List<Message> messages, boolean stream) {
    return new LlmRequest("chat", NATIVE, Operation.CHAT, URI.create("http://localhost:8080"), null, "m", messages,
        null, List.of(), stream, 64, Map.of("temperature", 0.7, "seed", 42), null);
  }

  private static ResponseAccumulator stream(String file) {
    ChunkReader reader = NATIVE.readerFor(chat(List.of(Message.user("Why is the sky blue?")), true));
    return readSse(reader, bytes(API, file));
  }

  @Test
  void should_render_chat_in_chatml_like_the_fixture_request() {
    LlmRequest request = chat(List.of(Message.user("Why is the sky blue?")), true);
    assertThat(NATIVE.path(request)).isEqualTo("/completion");
    JsonNode body = NATIVE.body(request);
    JsonNode expected = json(API, "request-stream.json");
    for (String field : List.of("prompt", "n_predict", "stream", "temperature", "seed", "stop", "cache_prompt")) {
      assertThat(body.get(field)).as(field).isEqualTo(expected.get(field));
    }
    assertThat(NATIVE.responseFormat(request)).isEqualTo(WireFormat.SSE);
  }

  @Test
  void should_send_images_as_multimodal_data_with_one_media_marker_each() {
    byte[] png = Base64.getDecoder().decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/"
        + "iZk9HQAAAABJRU5ErkJggg==");
    LlmRequest request = chat(List.of(Message.user(new Part.Image("image/png", png),
        new Part.Text("What is in this picture?"))), true);
    assertThat(NATIVE.body(request).get("prompt")).isEqualTo(json(API, "request-image.json").get("prompt"));
  }

  @Test
  void should_send_completions_as_the_raw_prompt_and_embeddings_to_v1() {
    LlmRequest completion = new LlmRequest("completion", NATIVE, Operation.COMPLETION, URI.create("http://h:8080"),
        null, "m", List.of(), "Once upon", List.of(), false, 8, Map.of(), null);
    assertThat(NATIVE.path(completion)).isEqualTo("/completion");
    assertThat(NATIVE.body(completion).toString()).isEqualTo("{\"prompt\":\"Once upon\",\"n_predict\":8,"
        + "\"stream\":false,\"cache_prompt\":true}");
    LlmRequest embed = new LlmRequest("embeddings", NATIVE, Operation.EMBED, URI.create("http://h:8080"), null, "e",
        List.of(), null, List.of("a"), false, null, Map.of(), null);
    assertThat(NATIVE.path(embed)).isEqualTo("/v1/embeddings");
  }

  @Test
  void should_read_a_stream_with_counts_cache_and_timings_from_the_final_chunk() {
    ResponseAccumulator acc = stream("completion-stream.sse");
    assertThat(acc.text()).isEqualTo("The sky looks blue.");
    assertThat(acc.contentChunks()).isEqualTo(5);
    assertThat(acc.ended()).isTrue();
    assertThat(acc.finishReason()).isEqualTo("stop");
    assertThat(acc.promptTokens()).isEqualTo(14);
    assertThat(acc.serverOutputTokens()).isEqualTo(5);
    assertThat(acc.cachedTokens()).isZero();
    assertThat(acc.promptEvalMs()).isEqualTo(21.482);
    assertThat(acc.evalMs()).isEqualTo(80.337);
    assertThat(acc.serverBusyMs()).isCloseTo(21.482 + 80.337, Offset.offset(1e-9));
  }

  @Test
  void should_count_the_think_block_as_reasoning_and_the_rest_as_the_answer() {
    ResponseAccumulator acc = stream("completion-stream-think.sse");
    assertThat(acc.text()).isEqualTo("\n\nRayleigh scattering.");
    assertThat(acc.reasoningChunks()).isEqualTo(8);
    assertThat(acc.contentChunks()).isEqualTo(12);
    assertThat(acc.cachedTokens()).isEqualTo(8);
    assertThat(acc.serverOutputTokens()).isEqualTo(12);
  }

  @Test
  void should_end_on_the_limit_while_still_thinking_as_length_with_no_answer() {
    ResponseAccumulator acc = stream("completion-stream-think-limit.sse");
    assertThat(acc.finishReason()).isEqualTo("length");
    assertThat(acc.text()).isEmpty();
    assertThat(acc.reasoningChunks()).isEqualTo(5);
  }

  @Test
  void should_split_tags_inside_a_piece() {
    ResponseAccumulator acc = new ResponseAccumulator();
    ChunkReader reader = NATIVE.readerFor(chat(List.of(Message.user("x")), true));
    reader.readChunk(Json.MAPPER.createObjectNode().put("content", "a<think>b</think>c<think>d"), acc);
    reader.readChunk(Json.MAPPER.createObjectNode().put("content", "e</think>f"), acc);
    assertThat(acc.text()).isEqualTo("acf");
    assertThat(acc.reasoningChunks()).isEqualTo(3); // "<think>b</think>", "<think>d", "e</think>"
  }

  @Test
  void should_read_a_mid_stream_error_line() {
    ResponseAccumulator acc = stream("completion-stream-error.sse");
    assertThat(acc.text()).isEqualTo("The");
    assertThat(acc.streamError()).startsWith("Failed to decode the batch: KV cache is full");
    assertThat(acc.ended()).isFalse();
  }

  @Test
  void should_read_a_whole_answer_and_error_bodies() {
    ResponseAccumulator acc = new ResponseAccumulator();
    NATIVE.readerFor(chat(List.of(Message.user("x")), false)).readBody(json(API, "completion.json"), acc);
    assertThat(acc.text()).isEqualTo("The sky looks blue.");
    assertThat(acc.ended()).isTrue();
    assertThat(acc.serverOutputTokens()).isEqualTo(5);
    assertThat(acc.promptEvalMs()).isEqualTo(21.482);
    assertThat(NATIVE.errorMessage(json(API, "error-400.json"), "?"))
        .isEqualTo("the request exceeds the available context size, try increasing it");
    assertThat(NATIVE.errorMessage(json(API, "error-503-loading.json"), "?")).isEqualTo("Loading model");
  }

  @Test
  void should_ask_props_for_model_build_and_slots() {
    ServerQuery server = new ServerQuery() {
      @Override
      public JsonNode get(String path) {
        assertThat(path).isEqualTo("/props");
        return json(API, "props.json");
      }

      @Override
      public Optional<JsonNode> tryGet(String path) {
        return Optional.of(get(path));
      }
    };
    ServerInfo info = NATIVE.describeServer(server);
    assertThat(info).isEqualTo(new ServerInfo("b7210-4e1c8a2f", List.of("qwen3-4b-q4_k_m.gguf"), 2));
    assertThat(NATIVE.servesModel(info.models(), "anything")).isTrue();
    assertThat(WireFixtures.utf8(bytes(API, "props.json"))).contains("\"n_ctx\"");
  }

  @Test
  void should_read_per_token_chunks_from_their_tokens_as_the_tree_reads_them() throws Exception {
    for (String file : List.of("completion-stream.sse", "completion-stream-think.sse",
        "completion-stream-think-limit.sse", "completion-stream-error.sse")) {
      ChunkReader tree = NATIVE.readerFor(chat(List.of(Message.user("x")), true));
      ChunkReader fast = NATIVE.readerFor(chat(List.of(Message.user("x")), true));
      io.llmgatling.engine.dialect.StreamLineReader lines = new io.llmgatling.engine.dialect.StreamLineReader(
          fast::readChunkFast);
      int fastRead = 0;
      for (io.llmgatling.engine.wire.SseEvent event : WireFixtures.events(bytes(API, file))) {
        List<io.llmgatling.engine.dialect.Chunk> byTree = new java.util.ArrayList<>();
        List<io.llmgatling.engine.dialect.Chunk> byTokens = new java.util.ArrayList<>();
        tree.readEvent(event, Json.MAPPER.readTree(event.data()), byTree::add);
        byte[] data = event.data().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (lines.read(data, 0, data.length, byTokens::add)) {
          fastRead++;
        } else {
          fast.readEvent(event, Json.MAPPER.readTree(event.data()), byTokens::add);
        }
        assertThat(byTokens).as("%s: %s", file, event.data()).isEqualTo(byTree);
      }
      assertThat(fastRead).as(file).isPositive();
    }
  }
}
