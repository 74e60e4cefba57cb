package io.llmgatling.simulator.dialect.lmstudio;

import static io.llmgatling.support.JsonShape.assertSameShape;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.engine.dialect.Dialects;
import io.llmgatling.engine.dialect.ResponseAccumulator;
import io.llmgatling.engine.dialect.WireFixtures;
import io.llmgatling.engine.wire.SseEvent;
import io.llmgatling.json.Json;
import io.llmgatling.simulator.ModelSpec;
import io.llmgatling.simulator.SimulatorConfig;
import io.llmgatling.simulator.dialect.ChunkTemplate;
import io.llmgatling.simulator.dialect.Kind;
import io.llmgatling.simulator.dialect.Outcome;
import io.llmgatling.simulator.dialect.ScriptedExchange;
import io.llmgatling.simulator.dialect.ToolCallPlan;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The simulator's LM Studio REST v1 checked field by field against LM Studio's docs (the golden transcripts of
 * wire/lmstudio-v1, written from lmstudio-ai/docs chat.md, streaming-events.md, list.md): list, chat, streamed events
 * and their order, errors; and read back by the client's reader.
 */
class LmStudioV1DialectTest {
  private static final String API = "lmstudio-v1";
  private static final SimulatorConfig CONFIG = SimulatorConfig.forProfile("lmstudio");
  private static final ModelSpec MODEL = CONFIG.model("qwen2.5-7b-instruct");
  /** 14 prompt tokens, 3 reasoning + 2 answer tokens, 2.5 s load, 20 ms prefill, 100 ms decode. */
  private static final Outcome OUTCOME = new Outcome(14, 5, "stop", 3_000_000_000L, 2_500_000_000L, 20_000_000,
      100_000_000, 0, 1, null, 3);

  /** A stored chat's answer (the docs' transcripts carry a response_id). */
  private static LmStudioV1Wire wire(boolean loads) {
    return new LmStudioV1Wire("qwen2.5-7b-instruct", MODEL, 7, true, loads, CONFIG, 42);
  }

  private static void token(ByteArrayOutputStream out, ChunkTemplate t, String token) {
    out.writeBytes(t.prefix());
    out.writeBytes(token.getBytes(StandardCharsets.UTF_8));
    out.writeBytes(t.suffix());
  }

  /** A stream as the engine frames it: start, reasoning phase, answer, end. */
  static byte[] play(LmStudioV1Wire wire, List<String> reasoning, List<String> answer, Outcome outcome) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    wire.streamStart().forEach(out::writeBytes);
    if (!reasoning.isEmpty()) {
      wire.reasoningStart().forEach(out::writeBytes);
      reasoning.forEach(t -> token(out, wire.reasoningTemplate(), t));
      wire.reasoningEnd().forEach(out::writeBytes);
    }
    wire.answerStart().forEach(out::writeBytes);
    answer.forEach(t -> token(out, wire.chunkTemplate(), t));
    wire.answerEnd().forEach(out::writeBytes);
    wire.streamEnd(outcome).forEach(out::writeBytes);
    return out.toByteArray();
  }

  /** Event types in order, repeats of one type in a row shown once. */
  private static List<String> order(byte[] sse) {
    List<String> types = new ArrayList<>();
    for (SseEvent e : WireFixtures.events(sse)) {
      if (types.isEmpty() || !types.get(types.size() - 1).equals(e.event())) {
        types.add(e.event());
      }
    }
    return types;
  }

  /** The first event of each type: its data. */
  private static Map<String, JsonNode> byType(byte[] sse) throws Exception {
    Map<String, JsonNode> first = new LinkedHashMap<>();
    for (SseEvent e : WireFixtures.events(sse)) {
      JsonNode data = Json.MAPPER.readTree(e.data());
      assertThat(data.path("type").asText()).as("the data of %s repeats its type", e.event()).isEqualTo(e.event());
      first.putIfAbsent(e.event(), data);
    }
    return first;
  }

  private static void assertLikeFixture(byte[] served, String fixture) throws Exception {
    byte[] documented = WireFixtures.bytes(API, fixture);
    assertThat(order(served)).isEqualTo(order(documented));
    Map<String, JsonNode> servedEvents = byType(served);
    byType(documented).forEach((type, data) -> assertSameShape(data, servedEvents.get(type), fixture + " " + type));
  }

  @Test
  void should_stream_a_reasoning_answer_in_the_documented_order_and_shape() throws Exception {
    assertLikeFixture(play(wire(false), List.of("The", " user", " asks"), List.of("Rayleigh", " scattering"),
        OUTCOME), "stream-reasoning.sse");
  }

  @Test
  void should_stream_the_model_load_events_when_the_request_loads_the_model() throws Exception {
    Outcome plain = new Outcome(14, 2, "stop", 3_000_000_000L, 2_500_000_000L, 20_000_000, 100_000_000, 0, 1);
    assertLikeFixture(play(wire(true), List.of(), List.of("The", " sky"), plain), "stream-plain.sse");
  }

  @Test
  void should_frame_server_tool_calls_like_the_docs() throws Exception {
    LmStudioV1Wire wire = wire(false);
    ToolCallPlan call = new ToolCallPlan("call_1", "get_weather", "{\"query\":\"weather Paris\"}");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    wire.streamStart().forEach(out::writeBytes);
    wire.toolCallStart(call).forEach(out::writeBytes);
    wire.toolCallEnd(call).forEach(out::writeBytes);
    Map<String, JsonNode> served = byType(out.toByteArray());
    Map<String, JsonNode> documented = byType(WireFixtures.bytes(API, "stream-tool-call.sse"));
    for (String type : List.of("tool_call.start", "tool_call.arguments", "tool_call.success")) {
      assertSameShape(documented.get(type), served.get(type), type);
    }
    assertSameShape(WireFixtures.json(API, "tool-call.json"),
        Json.MAPPER.readTree(wire.toolCallBody(OUTCOME, "", call)), "tool-call.json", java.util.Set.of("output"));
  }

  @Test
  void should_be_read_by_the_client_as_the_engine_counted_it() {
    byte[] served = play(wire(true), List.of("The", " user", " asks"), List.of("Rayleigh", " scattering"), OUTCOME);
    ResponseAccumulator acc = WireFixtures.readSse(Dialects.byId("lmstudio-v1"), served);
    assertThat(acc.text()).isEqualTo("Rayleigh scattering");
    assertThat(acc.reasoningChunks()).isEqualTo(3);
    assertThat(acc.ended()).isTrue();
    assertThat(acc.promptTokens()).isEqualTo(14);
    assertThat(acc.serverOutputTokens()).isEqualTo(5);
    assertThat(acc.serverReasoningTokens()).isEqualTo(3);
    assertThat(acc.loadMs()).isEqualTo(2500.0);
    assertThat(acc.promptEvalMs()).isEqualTo(20.0);
    assertThat(acc.evalMs()).isCloseTo(100.0, org.assertj.core.data.Offset.offset(1e-6));
  }

  @Test
  void should_repeat_the_streamed_text_in_chat_end_as_the_non_streamed_body_has_it() throws Exception {
    JsonNode end = null;
    for (SseEvent e : WireFixtures.events(play(wire(false), List.of(), List.of("x"), OUTCOME))) {
      end = e.event().equals("chat.end") ? Json.MAPPER.readTree(e.data()) : end;
    }
    JsonNode output = end.path("result").path("output");
    assertThat(output.get(0).path("type").asText()).isEqualTo("reasoning");
    assertThat(output.get(1).path("type").asText()).isEqualTo("message");
    assertThat(output.get(1).path("content").asText()).isNotBlank();
  }

  @Test
  void should_answer_non_streamed_like_the_docs() throws Exception {
    LmStudioV1Wire wire = wire(false);
    assertSameShape(WireFixtures.json(API, "plain.json"), Json.MAPPER.readTree(wire.body(OUTCOME, "The sky.")),
        "plain.json", java.util.Set.of("output"));
    JsonNode reasoning = Json.MAPPER.readTree(wire.body(OUTCOME, "Thinking.", "Rayleigh."));
    assertSameShape(WireFixtures.json(API, "reasoning.json"), reasoning, "reasoning.json");
    assertThat(reasoning.path("stats").path("reasoning_output_tokens").asInt()).isEqualTo(3);
    JsonNode noLoad = Json.MAPPER.readTree(new LmStudioV1Wire("qwen2.5-7b-instruct", MODEL, 7, false, false, CONFIG, 42)
        .body(new Outcome(1, 1, "stop", 1, 0, 1, 1, 0, 1), "x"));
    assertThat(noLoad.path("stats").has("model_load_time_seconds")).isFalse();
    assertThat(noLoad.has("response_id")).as("store: false keeps no response").isFalse();
  }

  @Test
  void should_list_models_like_the_docs() throws Exception {
    ScriptedExchange x = new ScriptedExchange(CONFIG, "GET", "/api/v1/models", "").through(new LmStudioV1Dialect());
    JsonNode served = Json.MAPPER.readTree(x.answers.get(0).body());
    JsonNode documented = WireFixtures.json(API, "models.json");
    assertSameShape(documented.path("models").get(0), served.path("models").get(0), "models[0] (llm)");
    assertSameShape(documented.path("models").get(2), served.path("models").get(2), "models[2] (embedding)");
    assertThat(served.path("models").get(0).path("loaded_instances").isArray()).isTrue();
  }

  @Test
  void should_play_an_older_lm_studio_that_answers_v1_paths_with_200_and_an_error() throws Exception {
    SimulatorConfig older = CONFIG.toBuilder().lmstudioApi("v0").build();
    ScriptedExchange x = new ScriptedExchange(older, "GET", "/api/v1/models", "").through(new LmStudioV1Dialect());
    assertThat(x.answers.get(0).status()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(x.answers.get(0).body()))
        .isEqualTo(WireFixtures.json(API, "v0-server-unknown-endpoint-200.json"));
  }

  @Test
  void should_write_errors_in_v1_shape() throws Exception {
    LmStudioV1Dialect dialect = new LmStudioV1Dialect();
    assertSameShape(WireFixtures.json(API, "error-404.json"),
        Json.MAPPER.readTree(dialect.errorBody(404, "model \"no-such-model\" not found")), "error-404");
    assertThat(Json.MAPPER.readTree(dialect.errorBody(404, "model \"x\" not found")).path("error").path("type")
        .asText()).isEqualTo("model_not_found");
    assertThat(Json.MAPPER.readTree(dialect.errorBody(400, "bad")).path("error").path("type").asText())
        .isEqualTo("invalid_request");
    ResponseAccumulator acc = new ResponseAccumulator();
    WireFixtures.readSse(Dialects.byId("lmstudio-v1"), wire(false).errorFrame("boom"), acc);
    assertThat(acc.streamError()).isEqualTo("boom");
    assertThat(acc.ended()).as("chat.end follows the error").isTrue();
  }

  @Test
  void should_parse_the_documented_request_into_a_generation() {
    String request = WireFixtures.utf8(WireFixtures.bytes(API, "request-stream.json"))
        .replace("qwen/qwen3-4b", "qwen2.5-7b-instruct");
    ScriptedExchange x = new ScriptedExchange(CONFIG, "POST", "/api/v1/chat", request)
        .through(new LmStudioV1Dialect());
    assertThat(x.answers).isEmpty();
    assertThat(x.generated.kind()).isEqualTo(Kind.CHAT);
    assertThat(x.generated.stream()).isTrue();
    assertThat(x.generated.promptTokens()).isGreaterThan(10);
    assertThat(x.generated.outputTokens()).isLessThanOrEqualTo(64);
  }
}
