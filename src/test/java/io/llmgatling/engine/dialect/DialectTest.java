package io.llmgatling.engine.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.engine.LlmRequest;
import io.llmgatling.engine.Message;
import io.llmgatling.engine.Operation;
import io.llmgatling.json.Json;
import io.llmgatling.engine.wire.SseEvent;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Dialects on chunks recorded from (or shaped exactly like) each server's real output. */
class DialectTest {

  private static LlmRequest request(Dialect api, Operation op, String baseUrl, boolean stream) {
    return new LlmRequest("chat", api, op, URI.create(baseUrl), null, "m", List.of(Message.user("hi")), "p",
        List.of("a", "b"), stream, 64, Map.of("temperature", 0.2, "keep_alive", "5m"), null);
  }

  private static JsonNode json(String text) throws Exception {
    return Json.MAPPER.readTree(text);
  }

  @Test
  void should_build_ollama_requests_with_num_predict_in_options() {
    Dialect ollama = Dialects.byId("ollama");
    LlmRequest chat = request(Dialects.byId("ollama"), Operation.CHAT, "http://localhost:11434", true);
    assertThat(ollama.path(chat)).isEqualTo("/api/chat");
    var body = ollama.body(chat);
    assertThat(body.get("messages").toString()).isEqualTo("[{\"role\":\"user\",\"content\":\"hi\"}]");
    assertThat(body.get("stream").asBoolean()).isTrue();
    assertThat(body.get("keep_alive").asText()).isEqualTo("5m");
    assertThat(body.get("options").get("num_predict").asInt()).isEqualTo(64);
    assertThat(body.get("options").get("temperature").asDouble()).isEqualTo(0.2);
    assertThat(ollama.responseFormat(chat)).isEqualTo(WireFormat.NDJSON);
    assertThat(ollama.path(request(Dialects.byId("ollama"), Operation.COMPLETION, "http://h", true))).isEqualTo("/api/generate");
    LlmRequest embed = request(Dialects.byId("ollama"), Operation.EMBED, "http://h", true);
    assertThat(ollama.path(embed)).isEqualTo("/api/embed");
    assertThat(ollama.body(embed).get("input").toString()).isEqualTo("[\"a\",\"b\"]");
    assertThat(ollama.responseFormat(embed)).isEqualTo(WireFormat.JSON);
  }

  @Test
  void should_read_an_ollama_chat_stream_with_durations_and_queue() throws Exception {
    Dialect ollama = Dialects.byId("ollama");
    ResponseAccumulator acc = new ResponseAccumulator();
    ollama.readChunk(json("{\"model\":\"m\",\"created_at\":\"2025-01-01T00:00:00Z\","
        + "\"message\":{\"role\":\"assistant\",\"content\":\"Hel\"},\"done\":false}"), acc);
    ollama.readChunk(json("{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"lo\"},\"done\":false}"), acc);
    assertThat(acc.ended()).isFalse();
    ollama.readChunk(json("{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},"
        + "\"done_reason\":\"stop\",\"done\":true,\"total_duration\":900000000,\"load_duration\":100000000,"
        + "\"prompt_eval_count\":12,\"prompt_eval_duration\":200000000,\"eval_count\":2,"
        + "\"eval_duration\":300000000}"), acc);
    assertThat(acc.text()).isEqualTo("Hello");
    assertThat(acc.contentChunks()).isEqualTo(2);
    assertThat(acc.ended()).isTrue();
    assertThat(acc.finishReason()).isEqualTo("stop");
    assertThat(acc.promptTokens()).isEqualTo(12);
    assertThat(acc.serverOutputTokens()).isEqualTo(2);
    assertThat(acc.loadMs()).isEqualTo(100.0);
    assertThat(acc.promptEvalMs()).isEqualTo(200.0);
    assertThat(acc.evalMs()).isEqualTo(300.0);
    assertThat(acc.serverTotalMs()).isEqualTo(900.0);
    assertThat(acc.queueMs()).isEqualTo(300.0);
  }

  @Test
  void should_read_ollama_generate_and_embed_and_errors() throws Exception {
    Dialect ollama = Dialects.byId("ollama");
    ResponseAccumulator gen = new ResponseAccumulator();
    ollama.readChunk(json("{\"response\":\"Once\",\"done\":false}"), gen);
    assertThat(gen.text()).isEqualTo("Once");

    ResponseAccumulator embed = new ResponseAccumulator();
    ollama.readBody(json("{\"model\":\"m\",\"embeddings\":[[0.1,0.2,0.3],[0.4,0.5,0.6]],"
        + "\"total_duration\":14143917,\"load_duration\":1019500,\"prompt_eval_count\":8}"), embed);
    assertThat(embed.embeddings()).isEqualTo(2);
    assertThat(embed.dimensions()).isEqualTo(3);
    assertThat(embed.ended()).isTrue();

    ResponseAccumulator error = new ResponseAccumulator();
    ollama.readChunk(json("{\"error\":\"an error was encountered while running the model\"}"), error);
    assertThat(error.streamError()).isEqualTo("an error was encountered while running the model");
  }

  @Test
  void should_build_openai_requests_with_usage_requested_and_no_duplicate_v1() {
    Dialect openai = Dialects.byId("openai");
    LlmRequest chat = request(Dialects.byId("openai"), Operation.CHAT, "http://localhost:8000", true);
    assertThat(openai.path(chat)).isEqualTo("/v1/chat/completions");
    var body = openai.body(chat);
    assertThat(body.get("model").asText()).isEqualTo("m");
    assertThat(body.get("messages").toString()).isEqualTo("[{\"role\":\"user\",\"content\":\"hi\"}]");
    assertThat(body.get("stream").asBoolean()).isTrue();
    assertThat(body.get("stream_options").toString()).isEqualTo("{\"include_usage\":true}");
    assertThat(body.get("max_tokens").asInt()).isEqualTo(64);
    assertThat(body.get("temperature").asDouble()).isEqualTo(0.2);
    assertThat(openai.path(request(Dialects.byId("openai"), Operation.CHAT, "http://localhost:8000/v1", true)))
        .isEqualTo("/chat/completions");
    assertThat(openai.path(request(Dialects.byId("openai"), Operation.COMPLETION, "http://h", false))).isEqualTo("/v1/completions");
    LlmRequest embed = request(Dialects.byId("openai"), Operation.EMBED, "http://h", false);
    assertThat(openai.path(embed)).isEqualTo("/v1/embeddings");
    assertThat(openai.body(embed).get("encoding_format").asText()).isEqualTo("float");
    assertThat(openai.body(embed).has("stream")).isFalse();
    assertThat(openai.body(request(Dialects.byId("openai"), Operation.CHAT, "http://h", false)).has("stream_options")).isFalse();
  }

  @Test
  void should_read_an_openai_chat_stream_where_role_and_usage_chunks_are_not_tokens() throws Exception {
    Dialect openai = Dialects.byId("openai");
    ResponseAccumulator acc = new ResponseAccumulator();
    String prefix = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",";
    sse(openai, acc, prefix + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}");
    sse(openai, acc, prefix + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}");
    sse(openai, acc, prefix + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\" there\"},\"finish_reason\":null}]}");
    sse(openai, acc, prefix + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}]}");
    sse(openai, acc, prefix + "\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2,\"total_tokens\":11}}");
    openai.readEvent(new SseEvent("message", "[DONE]", null), null, acc);
    assertThat(acc.text()).isEqualTo("Hi there");
    assertThat(acc.contentChunks()).isEqualTo(2);
    assertThat(acc.finishReason()).isEqualTo("length");
    assertThat(acc.promptTokens()).isEqualTo(9);
    assertThat(acc.serverOutputTokens()).isEqualTo(2);
    assertThat(acc.ended()).isTrue();
    assertThat(acc.queueMs()).isNull();
  }

  @Test
  void should_read_openai_completions_bodies_embeddings_and_stream_errors() throws Exception {
    Dialect openai = Dialects.byId("openai");
    ResponseAccumulator completion = new ResponseAccumulator();
    sse(openai, completion, "{\"choices\":[{\"text\":\"Once\",\"index\":0,\"finish_reason\":null}]}");
    assertThat(completion.text()).isEqualTo("Once");

    ResponseAccumulator body = new ResponseAccumulator();
    openai.readBody(json("{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Done.\"},"
        + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2}}"), body);
    assertThat(body.text()).isEqualTo("Done.");
    assertThat(body.serverOutputTokens()).isEqualTo(2);
    assertThat(body.ended()).isTrue();

    ResponseAccumulator embed = new ResponseAccumulator();
    openai.readBody(json("{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,"
        + "\"embedding\":[0.1,0.2]}],\"usage\":{\"prompt_tokens\":2,\"total_tokens\":2}}"), embed);
    assertThat(embed.embeddings()).isEqualTo(1);
    assertThat(embed.dimensions()).isEqualTo(2);

    ResponseAccumulator error = new ResponseAccumulator();
    sse(openai, error, "{\"error\":{\"message\":\"context length exceeded\",\"type\":\"invalid_request_error\"}}");
    assertThat(error.streamError()).isEqualTo("context length exceeded");

    ResponseAccumulator errorEvent = new ResponseAccumulator();
    openai.readEvent(new SseEvent("error", "{\"message\":\"overloaded\"}", null),
        json("{\"message\":\"overloaded\"}"), errorEvent);
    assertThat(errorEvent.streamError()).isEqualTo("overloaded");
  }

  @Test
  void should_use_lm_studio_v0_paths_and_read_its_stats() throws Exception {
    Dialect lmstudio = Dialects.byId("lmstudio");
    assertThat(lmstudio.path(request(Dialects.byId("lmstudio"), Operation.CHAT, "http://localhost:1234", true)))
        .isEqualTo("/api/v0/chat/completions");
    assertThat(lmstudio.path(request(Dialects.byId("lmstudio"), Operation.EMBED, "http://localhost:1234", true)))
        .isEqualTo("/api/v0/embeddings");
    ResponseAccumulator acc = new ResponseAccumulator();
    lmstudio.readBody(json("{\"id\":\"chatcmpl-x\",\"object\":\"chat.completion\",\"model\":\"granite\","
        + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"finish_reason\":\"stop\"}],"
        + "\"usage\":{\"prompt_tokens\":24,\"completion_tokens\":53,\"total_tokens\":77},"
        + "\"stats\":{\"tokens_per_second\":51.43,\"time_to_first_token\":0.111,\"generation_time\":0.954,"
        + "\"stop_reason\":\"eosFound\"},\"model_info\":{\"arch\":\"granite\"},\"runtime\":{\"name\":\"llama.cpp\"}}"), acc);
    assertThat(acc.promptEvalMs()).isEqualTo(111.0);
    assertThat(acc.evalMs()).isEqualTo(954.0);
    assertThat(acc.serverBusyMs()).isCloseTo(1065.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(acc.serverOutputTokens()).isEqualTo(53);
    assertThat(acc.finishReason()).isEqualTo("stop");
  }

  @Test
  void should_use_llama_server_v1_paths_and_read_its_timings() throws Exception {
    Dialect llama = Dialects.byId("llamacpp");
    assertThat(llama.path(request(Dialects.byId("llamacpp"), Operation.CHAT, "http://localhost:8080", true)))
        .isEqualTo("/v1/chat/completions");
    ResponseAccumulator acc = new ResponseAccumulator();
    sse(llama, acc, "{\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":{\"content\":\"Hi\"}}],"
        + "\"created\":1,\"model\":\"m\",\"object\":\"chat.completion.chunk\"}");
    sse(llama, acc, "{\"choices\":[{\"finish_reason\":\"stop\",\"index\":0,\"delta\":{}}],\"created\":1,"
        + "\"model\":\"m\",\"object\":\"chat.completion.chunk\",\"timings\":{\"prompt_n\":10,\"prompt_ms\":25.5,"
        + "\"prompt_per_token_ms\":2.55,\"prompt_per_second\":392.1,\"predicted_n\":1,\"predicted_ms\":12.25,"
        + "\"predicted_per_token_ms\":12.25,\"predicted_per_second\":81.6}}");
    assertThat(acc.text()).isEqualTo("Hi");
    assertThat(acc.promptEvalMs()).isEqualTo(25.5);
    assertThat(acc.evalMs()).isEqualTo(12.25);
    assertThat(acc.serverBusyMs()).isEqualTo(37.75);
    assertThat(acc.promptTokens()).isEqualTo(10);
    assertThat(acc.serverOutputTokens()).isEqualTo(1);
    assertThat(acc.queueMs()).isNull();
    assertThat(acc.ended()).isTrue();
  }

  @Test
  void should_take_error_messages_from_ollama_and_openai_error_bodies() throws Exception {
    assertThat(JsonRead.errorMessage(json("{\"error\":\"model 'x' not found\"}"), "?")).isEqualTo("model 'x' not found");
    assertThat(JsonRead.errorMessage(json("{\"error\":{\"message\":\"Rate limited\",\"code\":429}}"), "?"))
        .isEqualTo("Rate limited");
    assertThat(JsonRead.errorMessage(json("{\"other\":1}"), "fallback")).isEqualTo("fallback");
  }

  private static void sse(Dialect dialect, ChunkSink acc, String data) throws Exception {
    dialect.readEvent(new SseEvent("message", data, null), json(data), acc);
  }

  /** Ollama bodies and stream lines the token-level reader takes, each as the tree path reads it. */
  private static final List<String> OLLAMA_FAST = List.of(
      "{\"model\":\"m\",\"created_at\":\"2026-01-01T00:00:00Z\",\"response\":\"Hi there\",\"done\":true,"
          + "\"done_reason\":\"stop\",\"context\":[1,2,[3,{\"a\":4.5}]],\"total_duration\":31850223,"
          + "\"load_duration\":2355534,\"prompt_eval_count\":1,\"prompt_eval_duration\":0,\"eval_count\":16,"
          + "\"eval_duration\":3183721}",
      "{\"response\":\"x\",\"thinking\":\"hmm\",\"done\":false,\"eval_count\":3}",
      "{\"response\":\"\",\"done\":true,\"total_duration\":5000000000,\"eval_count\":null}",
      "{\"response\":null,\"done\":true,\"eval_count\":9999999999,\"total_duration\":1}",
      "{}",
      // streamed chat lines: the message is read too
      "{\"model\":\"m\",\"created_at\":\"t\",\"message\":{\"role\":\"assistant\",\"content\":\" word\"},"
          + "\"done\":false}",
      "{\"message\":{\"role\":\"assistant\",\"content\":\"\",\"thinking\":\"let me see\"},\"done\":false}",
      "{\"message\":{\"content\":\"hi\"},\"done\":true}",
      "{\"response\":\"ignored\",\"message\":{\"content\":\"wins\"},\"done\":false}");

  /** Ollama lines the token-level reader must leave to the tree path. */
  private static final List<String> OLLAMA_TREE_ONLY = List.of(
      "{\"message\":\"hi\",\"done\":true}", "{\"message\":{\"content\":1}}",
      "{\"message\":{\"content\":\"a\",\"content\":\"b\"}}", "{\"error\":\"boom\"}",
      "{\"embeddings\":[[0.1,0.2]]}", "{\"response\":5,\"done\":true}", "{\"done\":\"true\"}",
      "{\"response\":\"a\",\"response\":\"b\"}", "{\"eval_count\":1.5,\"done\":true}",
      "{\"response\":\"a\"} trailing",
      // after the object: tokens a non-blocking parser only sees end at the line end
      "{\"response\":\"a\"} 5", "{\"response\":\"a\"} tru", "{\"response\":\"a\"} \"ab}", "{\"response\":\"a\"}{}",
      "[1]", "{\"response\":\"a\"", "\"text\"",
      // tool calls are read on the tree path (rare: not worth a token reader)
      "{\"message\":{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"function\":{\"name\":\"f\"}}]},"
          + "\"done\":true,\"done_reason\":\"stop\",\"eval_count\":2,\"eval_duration\":5}");

  @Test
  void should_read_an_ollama_body_or_streamed_line_from_tokens_exactly_as_from_the_tree() throws Exception {
    Dialect ollama = Dialects.byId("ollama");
    for (String body : OLLAMA_FAST) {
      List<Chunk> tree = new ArrayList<>();
      ollama.readBody(json(body), tree::add);
      List<Chunk> tokens = new ArrayList<>();
      try (var parser = Json.MAPPER.createParser(body)) {
        assertThat(ollama.readBodyFast(parser, tokens::add)).as(body).isTrue();
      }
      assertThat(tokens).as(body).isEqualTo(tree);
    }
    for (String body : OLLAMA_TREE_ONLY) {
      List<Chunk> tokens = new ArrayList<>();
      try (var parser = Json.MAPPER.createParser(body)) {
        assertThat(ollama.readBodyFast(parser, tokens::add)).as(body).isFalse();
      }
      assertThat(tokens).as(body).isEmpty();
    }
  }

  /**
   * A stream's lines go through one non-blocking parser, fed a line at a time: each line must read as the tree
   * reads it, a line the fast path refuses (cut short, not JSON, two values) must leave nothing behind, and
   * the next line must read as if it were the first.
   */
  @Test
  void should_read_a_stream_line_after_line_with_one_parser_as_from_the_tree() throws Exception {
    Dialect ollama = Dialects.byId("ollama");
    try (StreamLineReader reader = new StreamLineReader(ollama::readChunkFast)) {
      for (int round = 0; round < 2; round++) {
        // every line of each list, each refused line between two read ones
        for (int i = 0; i < Math.max(OLLAMA_FAST.size(), OLLAMA_TREE_ONLY.size()); i++) {
          String line = OLLAMA_FAST.get(i % OLLAMA_FAST.size());
          List<Chunk> tree = new ArrayList<>();
          ollama.readChunk(json(line), tree::add);
          List<Chunk> tokens = new ArrayList<>();
          // the line inside a larger buffer, as the line splitter hands it over
          byte[] padded = ("xx" + line + "\r\nyy").getBytes(StandardCharsets.UTF_8);
          assertThat(reader.read(padded, 2, padded.length - 4, tokens::add)).as(line).isTrue();
          assertThat(tokens).as(line).isEqualTo(tree);

          String refused = OLLAMA_TREE_ONLY.get(i % OLLAMA_TREE_ONLY.size());
          List<Chunk> untouched = new ArrayList<>();
          byte[] bytes = refused.getBytes(StandardCharsets.UTF_8);
          assertThat(reader.read(bytes, 0, bytes.length, untouched::add)).as(refused).isFalse();
          assertThat(untouched).as(refused).isEmpty();
        }
      }
    }
  }

  /** OpenAI-shaped stream chunks the token-level reader takes, each as the tree path reads it. */
  private static final List<String> OPENAI_FAST = List.of(
      "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
          + "\"system_fingerprint\":\"fp\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
          + "\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}",
      "{\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" w\\u00f6rd\\n\"}}],\"usage\":null}",
      "{\"choices\":[{\"delta\":{\"reasoning_content\":\"hmm\",\"content\":null}}]}",
      "{\"choices\":[{\"delta\":{\"reasoning\":\"r\"}}]}",
      "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}",
      "{\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"choices\":[{\"text\":\"abc\",\"index\":0,"
          + "\"logprobs\":{\"tokens\":[\"a\"]},\"finish_reason\":null}]}",
      "{\"choices\":[{\"delta\":{\"content\":\"first\"}},{\"delta\":{\"content\":\"second\"}}]}",
      "{\"choices\":[],\"usage\":null}",
      "{\"choices\":[{\"delta\":{\"tool_calls\":null,\"content\":\"x\"}}]}",
      "{\"choices\":[{\"delta\":{\"content\":\"x\"},\"finish_reason\":\"\"}]}",
      "{\"choices\":[{\"text\":\"t\",\"delta\":{\"content\":\"d\"},\"matched_stop\":2}]}",
      "{}");

  /** OpenAI-shaped chunks the token-level reader must leave to the tree path. */
  private static final List<String> OPENAI_TREE_ONLY = List.of(
      "{\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}",
      "{\"error\":{\"message\":\"boom\"}}", "{\"choices\":[],\"timings\":{\"prompt_ms\":1}}",
      "{\"choices\":[],\"stats\":{}}", "{\"choices\":[{\"delta\":{\"content\":5}}]}",
      "{\"choices\":[{\"delta\":null}]}", "{\"choices\":{}}", "{\"choices\":[1]}",
      "{\"choices\":[{\"delta\":{\"content\":\"a\",\"content\":\"b\"}}]}",
      "{\"choices\":[],\"choices\":[]}", "{\"choices\":[{\"finish_reason\":\"stop\",\"finish_reason\":\"x\"}]}",
      "{\"obfuscation\":\"x\",\"choices\":[]}", "{\"choices\":[]} x", "{\"choices\":[]} 5",
      "{\"choices\":[{\"delta\":{\"content\":\"a\"", "[1]", "\"text\"",
      // tool calls are read on the tree path
      "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\"}}]},"
          + "\"finish_reason\":null}]}");

  @Test
  void should_read_an_openai_stream_chunk_from_tokens_exactly_as_from_the_tree() throws Exception {
    for (Dialect flavor : List.of(Dialects.byId("openai"), Dialects.byId("lmstudio"), Dialects.byId("llamacpp"))) {
      Dialect provider = flavor;
      try (StreamLineReader reader = new StreamLineReader(provider::readChunkFast)) {
        for (int i = 0; i < OPENAI_FAST.size(); i++) {
          String chunk = OPENAI_FAST.get(i);
          List<Chunk> tree = new ArrayList<>();
          provider.readChunk(json(chunk), tree::add);
          List<Chunk> blocking = new ArrayList<>();
          try (var parser = Json.MAPPER.createParser(chunk)) {
            assertThat(provider.readChunkFast(parser, blocking::add)).as("%s %s", flavor, chunk).isTrue();
          }
          assertThat(blocking).as("%s %s", flavor, chunk).isEqualTo(tree);
          List<Chunk> streamed = new ArrayList<>();
          byte[] bytes = chunk.getBytes(StandardCharsets.UTF_8);
          assertThat(reader.read(bytes, 0, bytes.length, streamed::add)).as("%s %s", flavor, chunk).isTrue();
          assertThat(streamed).as("%s %s", flavor, chunk).isEqualTo(tree);

          String refused = OPENAI_TREE_ONLY.get(i % OPENAI_TREE_ONLY.size());
          for (String r : i == 0 ? OPENAI_TREE_ONLY : List.of(refused)) {
            List<Chunk> untouched = new ArrayList<>();
            try (var parser = Json.MAPPER.createParser(r)) {
              assertThat(provider.readChunkFast(parser, untouched::add)).as("%s %s", flavor, r).isFalse();
            }
            byte[] refusedBytes = r.getBytes(StandardCharsets.UTF_8);
            assertThat(reader.read(refusedBytes, 0, refusedBytes.length, untouched::add)).as("%s %s", flavor, r).isFalse();
            assertThat(untouched).as("%s %s", flavor, r).isEmpty();
          }
        }
      }
    }
  }

  @Test
  void should_read_tool_calls_as_typed_pieces_in_each_dialect() throws Exception {
    List<Chunk> ollama = new ArrayList<>();
    Dialects.byId("ollama").readChunk(json("{\"message\":{\"role\":\"assistant\",\"content\":\"\","
        + "\"tool_calls\":[{\"function\":{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Paris\"}}}]},"
        + "\"done\":false}"), ollama::add);
    assertThat(ollama).containsExactly(new Chunk.ToolCallDelta(0, null, "get_weather", "{\"city\":\"Paris\"}"));

    List<Chunk> streamed = new ArrayList<>();
    Dialect openai = Dialects.byId("openai");
    sse(openai, streamed::add, "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\","
        + "\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]}}]}");
    sse(openai, streamed::add, "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
        + "\"function\":{\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]}}]}");
    sse(openai, streamed::add, "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}");
    assertThat(streamed).containsExactly(new Chunk.ToolCallDelta(0, "call_1", "get_weather", ""),
        new Chunk.ToolCallDelta(0, null, null, "{\"city\":\"Paris\"}"), new Chunk.Done("tool_calls"));

    List<Chunk> body = new ArrayList<>();
    openai.readBody(json("{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,"
        + "\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},"
        + "\"finish_reason\":\"tool_calls\"}]}"), body::add);
    assertThat(body).containsExactly(new Chunk.ToolCallDelta(0, "call_1", "f", "{}"), new Chunk.Done("tool_calls"));
  }

  @Test
  void should_read_an_ollama_chunk_into_typed_chunks_in_the_apis_order() throws Exception {
    List<Chunk> chunks = new ArrayList<>();
    Dialects.byId("ollama").readChunk(json("{\"message\":{\"content\":\"\",\"thinking\":\"hm\"},\"done\":true,"
        + "\"done_reason\":\"length\",\"eval_count\":3,\"total_duration\":2000000,\"eval_duration\":1000000}"),
        chunks::add);
    assertThat(chunks).containsExactly(new Chunk.Reasoning("hm"), new Chunk.Done("length"),
        new Chunk.Usage(null, 3, false), new Chunk.ServerTimings(1.0, null, null, 1.0, 2.0, null));
  }
}
