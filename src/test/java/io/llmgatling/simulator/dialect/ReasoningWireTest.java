package io.llmgatling.simulator.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.engine.dialect.ChunkSink;
import io.llmgatling.engine.dialect.Dialect;
import io.llmgatling.engine.dialect.Dialects;
import io.llmgatling.engine.dialect.ResponseAccumulator;
import io.llmgatling.json.Json;
import io.llmgatling.simulator.SimulatorConfig;
import io.llmgatling.simulator.dialect.llamacpp.LlamaCppDialect;
import io.llmgatling.simulator.dialect.lmstudio.LmStudioDialect;
import io.llmgatling.simulator.dialect.ollama.OllamaDialect;
import io.llmgatling.simulator.dialect.openai.OpenAiDialect;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each existing API's reasoning frames, written by the simulator's wire as the engine frames a thinking phase and
 * read back by the client dialect of the same API (both its paths: from the tokens and from the tree).
 */
class ReasoningWireTest {
  private static final List<String> THINKING = List.of("The", " user", " asks");
  private static final List<String> ANSWER = List.of("Blue", ".");

  /** What the simulator's dialect made of a request, played through its wire and read by the client. */
  private record Played(GenerationRequest request, ResponseAccumulator tree, ResponseAccumulator fast, String wire) {
  }

  private static Played play(String profile, ServerDialect server, String path, String body, String clientApi,
      boolean ndjson) throws IOException {
    ScriptedExchange x = new ScriptedExchange(SimulatorConfig.forProfile(profile), "POST", path, body).through(server);
    assertThat(x.answers).as("no refusal").isEmpty();
    GenerationRequest g = x.generated;
    Outcome outcome = new Outcome(10, THINKING.size() + ANSWER.size(), "stop", 5_000_000, 0, 1_000_000, 3_000_000, 0,
        100, null, THINKING.size());
    String wire;
    if (g.stream()) {
      wire = stream(g.wire(), outcome);
    } else {
      wire = new String(g.wire().body(outcome, String.join("", THINKING), String.join("", ANSWER)),
          StandardCharsets.UTF_8);
    }
    Dialect client = Dialects.byId(clientApi);
    ResponseAccumulator tree = new ResponseAccumulator();
    ResponseAccumulator fast = new ResponseAccumulator();
    if (!g.stream()) {
      client.readBody(Json.MAPPER.readTree(wire), tree);
      readFast(client, wire, fast, true);
    } else {
      for (String object : objects(wire, ndjson)) {
        client.readChunk(Json.MAPPER.readTree(object), tree);
        readFast(client, object, fast, false);
      }
    }
    return new Played(g, tree, fast, wire);
  }

  private static void readFast(Dialect client, String json, ChunkSink out, boolean body) throws IOException {
    ResponseAccumulator probe = new ResponseAccumulator();
    boolean read = body ? client.readBodyFast(Json.MAPPER.createParser(json), probe)
        : client.readChunkFast(Json.MAPPER.createParser(json), probe);
    if (read) {
      client.readChunkFast(Json.MAPPER.createParser(json), out);
    } else if (body) {
      client.readBody(Json.MAPPER.readTree(json), out);
    } else {
      client.readChunk(Json.MAPPER.readTree(json), out);
    }
  }

  /** The JSON objects of a stream: NDJSON lines, or the data of SSE events without {@code [DONE]}. */
  private static List<String> objects(String wire, boolean ndjson) {
    List<String> out = new ArrayList<>();
    for (String piece : wire.split(ndjson ? "\n" : "\n\n")) {
      String json = ndjson ? piece : piece.replaceFirst("^data: ", "");
      if (!json.isBlank() && !json.equals("[DONE]")) {
        out.add(json);
      }
    }
    return out;
  }

  /** The engine's framing of a thinking phase then an answer (Generation#phase), timestamps written as text. */
  private static String stream(WireFormat wire, Outcome outcome) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    wire.streamStart().forEach(out::writeBytes);
    wire.reasoningStart().forEach(out::writeBytes);
    ChunkTemplate thinking = wire.reasoningTemplate();
    assertThat(thinking).as("the existing APIs have a reasoning field").isNotNull();
    THINKING.forEach(token -> write(out, thinking, token));
    wire.reasoningEnd().forEach(out::writeBytes);
    wire.answerStart().forEach(out::writeBytes);
    ANSWER.forEach(token -> write(out, wire.chunkTemplate(), token));
    wire.answerEnd().forEach(out::writeBytes);
    wire.streamEnd(outcome).forEach(out::writeBytes);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static void write(ByteArrayOutputStream out, ChunkTemplate t, String token) {
    out.writeBytes(t.prefix());
    if (t.middle() != null) {
      out.writeBytes("2026-11-30T19:40:00.000Z".getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(t.middle());
    }
    out.writeBytes(token.getBytes(StandardCharsets.UTF_8));
    out.writeBytes(t.suffix());
  }

  private static void assertReadBack(Played p, boolean streamed) {
    for (ResponseAccumulator acc : List.of(p.tree(), p.fast())) {
      assertThat(acc.reasoningChunks()).as(p.wire()).isEqualTo(streamed ? THINKING.size() : 1);
      assertThat(acc.answerChunks()).as(p.wire()).isEqualTo(streamed ? ANSWER.size() : 1);
      assertThat(acc.text()).as(p.wire()).isEqualTo("Blue.");
      assertThat(acc.ended()).isTrue();
    }
  }

  @Test
  void should_send_ollama_chat_thinking_in_message_thinking() throws IOException {
    Played p = play("ollama", new OllamaDialect(), "/api/chat",
        "{\"model\":\"qwen3:4b\",\"messages\":[{\"role\":\"user\",\"content\":\"Why is the sky blue?\"}]}",
        "ollama", true);

    assertThat(p.request().reasoningTokens()).isBetween(64, 256);
    assertThat(p.wire()).contains("\"message\":{\"role\":\"assistant\",\"content\":\"\",\"thinking\":\"The\"}");
    assertReadBack(p, true);
  }

  @Test
  void should_send_ollama_generate_thinking_at_the_top_level() throws IOException {
    Played p = play("ollama", new OllamaDialect(), "/api/generate",
        "{\"model\":\"qwen3:4b\",\"prompt\":\"Why is the sky blue?\",\"think\":true}", "ollama", true);

    assertThat(p.wire()).contains("\"response\":\"\",\"thinking\":\" user\",\"done\":false}");
    assertReadBack(p, true);
  }

  @Test
  void should_answer_ollama_unstreamed_with_the_thinking_beside_the_content() throws IOException {
    Played p = play("ollama", new OllamaDialect(), "/api/chat", "{\"model\":\"qwen3:4b\",\"stream\":false,"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"Why?\"}]}", "ollama", true);

    assertThat(p.wire()).contains("\"content\":\"Blue.\",\"thinking\":\"The user asks\"");
    assertReadBack(p, false);
  }

  @Test
  void should_turn_ollama_thinking_off_and_refuse_it_for_a_model_without() {
    ScriptedExchange off = new ScriptedExchange(SimulatorConfig.forProfile("ollama"), "POST", "/api/chat",
        "{\"model\":\"qwen3:4b\",\"think\":false,\"messages\":[{\"role\":\"user\",\"content\":\"Why?\"}]}")
        .through(new OllamaDialect());
    ScriptedExchange refused = new ScriptedExchange(SimulatorConfig.forProfile("ollama"), "POST", "/api/chat",
        "{\"model\":\"llama3.2:3b\",\"think\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Why?\"}]}")
        .through(new OllamaDialect());

    assertThat(off.generated.reasoningTokens()).isZero();
    assertThat(refused.answers).singleElement().satisfies(a -> {
      assertThat(a.status()).isEqualTo(400);
      assertThat(a.body()).contains("\\\"llama3.2:3b\\\" does not support thinking");
    });
  }

  @Test
  void should_send_reasoning_behind_ollamas_v1_under_its_own_name() throws IOException {
    Played p = play("ollama", new OpenAiDialect(), "/v1/chat/completions", "{\"model\":\"qwen3:4b\",\"stream\":true,"
        + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"Why?\"}]}",
        "openai", false);

    assertThat(p.wire()).contains("\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"reasoning\":\"The\"}")
        .doesNotContain("reasoning_tokens");
    assertReadBack(p, true);
    assertThat(p.tree().serverReasoningTokens()).isNull();
  }

  @Test
  void should_send_lm_studio_reasoning_content_and_count_it_in_the_usage() throws IOException {
    Played p = play("lmstudio", new LmStudioDialect(), "/api/v0/chat/completions",
        "{\"model\":\"qwen/qwen3-4b\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Why?\"}]}", "lmstudio", false);

    assertThat(p.wire()).contains("\"reasoning_content\":\"The\"")
        .contains("\"completion_tokens_details\":{\"reasoning_tokens\":3}");
    assertReadBack(p, true);
    assertThat(p.tree().serverReasoningTokens()).isEqualTo(3);
  }

  @Test
  void should_answer_lm_studio_unstreamed_with_reasoning_content_and_its_count() throws IOException {
    Played p = play("lmstudio", new OpenAiDialect(), "/v1/chat/completions",
        "{\"model\":\"qwen/qwen3-4b\",\"messages\":[{\"role\":\"user\",\"content\":\"Why?\"}]}", "openai", false);

    assertThat(p.wire()).contains("\"reasoning_content\":\"The user asks\"");
    assertReadBack(p, false);
    assertThat(p.tree().serverReasoningTokens()).isEqualTo(3);
  }

  @Test
  void should_send_llama_server_reasoning_content_without_a_reasoning_count() throws IOException {
    Played p = play("llamacpp", new LlamaCppDialect(), "/v1/chat/completions",
        "{\"model\":\"qwen3-4b-q4_k_m.gguf\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Why?\"}]}", "llamacpp", false);

    assertThat(p.wire()).contains("\"reasoning_content\":\"The\"").doesNotContain("reasoning_tokens");
    assertReadBack(p, true);
  }

  @Test
  void should_take_the_think_option_of_each_openai_style_server() {
    SimulatorConfig config = SimulatorConfig.forProfile("llamacpp");
    String chat = "\"messages\":[{\"role\":\"user\",\"content\":\"Why?\"}]}";
    String model = "{\"model\":\"qwen3-4b-q4_k_m.gguf\",";

    assertThat(generated(config, model + chat)).isBetween(64, 256);
    assertThat(generated(config, model + "\"reasoning_effort\":\"none\"," + chat)).isZero();
    assertThat(generated(config, model + "\"chat_template_kwargs\":{\"enable_thinking\":false}," + chat)).isZero();
    assertThat(generated(config, model + "\"reasoning_effort\":\"high\"," + chat)).isBetween(128, 512);
    assertThat(generated(config, model + "\"reasoning\":{\"effort\":\"low\"}," + chat)).isBetween(32, 128);
    assertThat(generated(config, "{\"model\":\"qwen2.5-7b-instruct-q4_k_m.gguf\"," + chat))
        .as("a model without reasoning").isZero();
  }

  @Test
  void should_scale_the_seeded_thinking_by_the_effort() {
    var model = SimulatorConfig.forProfile("ollama").model("qwen3:4b");
    for (long seed = 0; seed < 20; seed++) {
      int medium = GenerationRequest.reasoningTokens(model, null, seed);
      assertThat(medium).isBetween(64, 256).isEqualTo(GenerationRequest.reasoningTokens(model, "on", seed));
      assertThat(GenerationRequest.reasoningTokens(model, "high", seed)).isEqualTo(medium * 2);
      assertThat(GenerationRequest.reasoningTokens(model, "low", seed)).isEqualTo(Math.round(medium * 0.5f));
      assertThat(GenerationRequest.reasoningTokens(model, "off", seed)).isZero();
    }
  }

  @Test
  void should_cut_the_thinking_at_the_cap_and_leave_no_answer() {
    GenerationRequest capped = GenerationRequest.answer(Kind.CHAT, true, null, 10, false, 16, 100_000, 7,
        SimulatorConfig.forProfile("ollama"), null, 100);
    GenerationRequest roomy = GenerationRequest.answer(Kind.CHAT, true, null, 10, false, 10_000, 100_000, 7,
        SimulatorConfig.forProfile("ollama"), null, 100);

    assertThat(capped.outputTokens()).isEqualTo(16);
    assertThat(capped.reasoningTokens()).isEqualTo(16);
    assertThat(capped.doneReason()).isEqualTo("length");
    assertThat(roomy.reasoningTokens()).isEqualTo(100);
    assertThat(roomy.outputTokens()).as("thinking, then the natural answer").isGreaterThan(100);
    assertThat(roomy.doneReason()).isEqualTo("stop");
  }

  private static int generated(SimulatorConfig config, String body) {
    return new ScriptedExchange(config, "POST", "/v1/chat/completions", body).through(new LlamaCppDialect())
        .generated.reasoningTokens();
  }
}
