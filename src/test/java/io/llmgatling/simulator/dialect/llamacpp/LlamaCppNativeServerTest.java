package io.llmgatling.simulator.dialect.llamacpp;

import static io.llmgatling.support.JsonShape.assertSameShape;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.engine.LlmRequest;
import io.llmgatling.engine.Message;
import io.llmgatling.engine.Operation;
import io.llmgatling.engine.dialect.Dialect;
import io.llmgatling.engine.dialect.Dialects;
import io.llmgatling.engine.dialect.ResponseAccumulator;
import io.llmgatling.engine.dialect.WireFixtures;
import io.llmgatling.engine.wire.SseEvent;
import io.llmgatling.json.Json;
import io.llmgatling.simulator.ModelSpec;
import io.llmgatling.simulator.SimulatorConfig;
import io.llmgatling.simulator.dialect.Kind;
import io.llmgatling.simulator.dialect.Outcome;
import io.llmgatling.simulator.dialect.ScriptedExchange;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The simulator's llama-server native routes checked against llama.cpp's server README (the golden transcripts of
 * wire/llamacpp-native): {@code /completion} streamed and not, {@code /props}; and read back by the client.
 */
class LlamaCppNativeServerTest {
  private static final String API = "llamacpp-native";
  private static final SimulatorConfig CONFIG = SimulatorConfig.forProfile("llamacpp");
  private static final ModelSpec MODEL = CONFIG.models().get(0);
  private static final Outcome OUTCOME = new Outcome(14, 3, "stop", 200_000_000, 0, 21_000_000, 80_000_000, 0, 1, 4);

  private static byte[] stream(List<String> tokens, Outcome outcome) {
    return ScriptedExchange.stream(new LlamaCppNativeWire(MODEL, 14, 64, true), tokens, outcome)
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void should_stream_data_only_chunks_and_a_final_stop_chunk_shaped_like_the_readme() throws Exception {
    List<SseEvent> served = WireFixtures.events(stream(List.of("The", " sky", "."), OUTCOME));
    List<SseEvent> documented = WireFixtures.events(WireFixtures.bytes(API, "completion-stream.sse"));
    assertThat(served).hasSize(4).allSatisfy(e -> assertThat(e.event()).isEqualTo("message"));
    JsonNode partial = Json.MAPPER.readTree(served.get(0).data());
    JsonNode documentedPartial = Json.MAPPER.readTree(documented.get(0).data());
    for (String field : List.of("index", "content", "tokens", "stop", "id_slot", "tokens_evaluated")) {
      assertThat(partial.get(field)).as(field).isNotNull();
      assertThat(partial.get(field).getNodeType()).as(field).isEqualTo(documentedPartial.get(field).getNodeType());
    }
    JsonNode last = Json.MAPPER.readTree(served.get(3).data());
    assertSameShape(Json.MAPPER.readTree(documented.get(documented.size() - 1).data()), last, "final chunk",
        Set.of("generation_settings"));
    assertThat(last.path("stop_type").asText()).isEqualTo("eos");
    assertThat(last.path("timings").path("cache_n").asInt()).isEqualTo(4);
  }

  @Test
  void should_be_read_by_the_client_as_the_engine_counted_it() {
    Dialect client = Dialects.byId(API);
    LlmRequest request = new LlmRequest("chat", client, Operation.CHAT, URI.create("http://h"), null, "m",
        List.of(Message.user("hi")), null, List.of(), true, 64, Map.of(), null);
    Outcome limited = new Outcome(14, 3, "length", 200_000_000, 0, 21_000_000, 80_000_000, 0, 1, 4);
    ResponseAccumulator acc = WireFixtures.readSse(client.readerFor(request),
        stream(List.of("<think>", "Hm", "</think>", "Yes"), limited));
    assertThat(acc.text()).isEqualTo("Yes");
    assertThat(acc.reasoningChunks()).isEqualTo(3);
    assertThat(acc.finishReason()).isEqualTo("length");
    assertThat(acc.promptTokens()).isEqualTo(14);
    assertThat(acc.serverOutputTokens()).isEqualTo(3);
    assertThat(acc.cachedTokens()).isEqualTo(4);
    assertThat(acc.promptEvalMs()).isEqualTo(21.0);
    assertThat(acc.evalMs()).isEqualTo(80.0);
  }

  @Test
  void should_answer_non_streamed_with_the_whole_content_and_think_tags_around_reasoning() throws Exception {
    LlamaCppNativeWire wire = new LlamaCppNativeWire(MODEL, 14, 64, false);
    JsonNode body = Json.MAPPER.readTree(wire.body(OUTCOME, "The sky."));
    assertSameShape(WireFixtures.json(API, "completion.json"), body, "completion.json", Set.of("generation_settings"));
    assertThat(Json.MAPPER.readTree(wire.body(OUTCOME, "Hm", "Yes")).path("content").asText())
        .isEqualTo("<think>Hm</think>Yes");
    assertThat(wire.reasoningTemplate()).isNull();
  }

  @Test
  void should_serve_props_with_slots_context_and_model_path() throws Exception {
    ScriptedExchange x = new ScriptedExchange(CONFIG, "GET", "/props", "").through(new LlamaCppNativeDialect());
    JsonNode props = Json.MAPPER.readTree(x.answers.get(0).body());
    assertSameShape(WireFixtures.json(API, "props.json"), props, "props", Set.of("params", "next_token"));
    assertThat(props.path("total_slots").asInt()).isEqualTo(CONFIG.slots());
    assertThat(props.path("default_generation_settings").path("n_ctx").asInt()).isEqualTo(MODEL.contextLength());
    assertThat(props.path("model_path").asText()).endsWith(MODEL.name());
  }

  @Test
  void should_parse_the_documented_requests_into_generations() {
    ScriptedExchange text = new ScriptedExchange(CONFIG, "POST", "/completion",
        WireFixtures.utf8(WireFixtures.bytes(API, "request-stream.json"))).through(new LlamaCppNativeDialect());
    assertThat(text.answers).isEmpty();
    assertThat(text.generated.kind()).isEqualTo(Kind.TEXT);
    assertThat(text.generated.stream()).isTrue();
    assertThat(text.generated.outputTokens()).isLessThanOrEqualTo(64);
    assertThat(text.admitted.model()).isEqualTo(MODEL);
    ScriptedExchange image = new ScriptedExchange(CONFIG, "POST", "/completion",
        WireFixtures.utf8(WireFixtures.bytes(API, "request-image.json"))).through(new LlamaCppNativeDialect());
    assertThat(image.generated.promptTokens()).isGreaterThan(text.generated.promptTokens());
  }

  @Test
  void should_refuse_a_prompt_over_the_context_in_llama_server_words() throws Exception {
    String huge = "{\"prompt\":\"" + "word ".repeat(200_000) + "\"}";
    ScriptedExchange x = new ScriptedExchange(CONFIG, "POST", "/completion", huge).through(new LlamaCppNativeDialect());
    assertThat(x.answers.get(0).status()).isEqualTo(400);
    assertSameShape(WireFixtures.json(API, "error-503-loading.json"), Json.MAPPER.readTree(x.answers.get(0).body()),
        "error");
    assertThat(Json.MAPPER.readTree(x.answers.get(0).body()).path("error").path("type").asText())
        .isEqualTo("exceed_context_size_error");
  }
}
