package io.llmgatling.simulator.dialect.ollama;

import static io.llmgatling.simulator.dialect.ScriptedExchange.mask;
import static io.llmgatling.simulator.dialect.ScriptedExchange.stream;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmgatling.simulator.SimulatorConfig;
import io.llmgatling.simulator.dialect.GenerationRequest;
import io.llmgatling.simulator.dialect.Kind;
import io.llmgatling.simulator.dialect.Outcome;
import io.llmgatling.simulator.dialect.ScriptedExchange;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Ollama's frames for a scripted generation, byte for byte, and its request parsing. */
class OllamaDialectTest {
  private static final SimulatorConfig CONFIG = SimulatorConfig.forProfile("ollama");
  private static final Outcome OUTCOME = new Outcome(4, 2, "stop", 5_000_000, 1_000_000, 2_000_000, 1_500_000, 0,
      100);

  private static ScriptedExchange post(String path, String body) {
    return new ScriptedExchange(CONFIG, "POST", path, body).through(new OllamaDialect());
  }

  @Test
  void should_stream_chat_as_ndjson_objects_then_a_done_object_with_durations() {
    assertThat(stream(new OllamaWire(Kind.CHAT, "llama3.2:3b", CONFIG), List.of("Hello", " world"), OUTCOME))
        .isEqualTo("""
            {"model":"llama3.2:3b","created_at":"TS","message":{"role":"assistant","content":"Hello"},"done":false}
            {"model":"llama3.2:3b","created_at":"TS","message":{"role":"assistant","content":" world"},"done":false}
            {"model":"llama3.2:3b","created_at":"TS","message":{"role":"assistant","content":""},\
            "done_reason":"stop","done":true,"total_duration":5000000,"load_duration":1000000,\
            "prompt_eval_count":4,"prompt_eval_duration":2000000,"eval_count":2,"eval_duration":1500000}
            """);
  }

  @Test
  void should_answer_generate_in_one_object_with_response_and_context() {
    assertThat(mask(new OllamaWire(Kind.TEXT, "llama3.2:3b", CONFIG).body(OUTCOME, "Hello world")))
        .isEqualTo("{\"model\":\"llama3.2:3b\",\"created_at\":\"TS\",\"response\":\"Hello world\",\"done\":true,"
            + "\"done_reason\":\"stop\",\"context\":[128000,128001,128002,128003,128004,128005],"
            + "\"total_duration\":5000000,\"load_duration\":1000000,\"prompt_eval_count\":4,"
            + "\"prompt_eval_duration\":2000000,\"eval_count\":2,\"eval_duration\":1500000}");
  }

  @Test
  void should_write_errors_and_faults_in_ollama_shape() {
    OllamaWire wire = new OllamaWire(Kind.CHAT, "llama3.2:3b", CONFIG);
    assertThat(wire.errorBody(500, "boom")).isEqualTo("{\"error\":\"boom\"}");
    assertThat(new String(wire.errorFrame("boom"))).isEqualTo("{\"error\":\"boom\"}\n");
    assertThat(new String(wire.malformedFrame())).isEqualTo("{\"model\":\"x\",\"created_at\":\n");
  }

  @Test
  void should_parse_a_chat_into_a_streamed_generation_capped_by_num_predict() {
    GenerationRequest g = post("/api/chat", "{\"model\":\"llama3.2:3b\",\"messages\":[{\"role\":\"user\","
        + "\"content\":\"abcdefgh\"}],\"options\":{\"num_predict\":3}}").generated;
    assertThat(g.kind()).isEqualTo(Kind.CHAT);
    assertThat(g.stream()).as("Ollama streams unless told not to").isTrue();
    assertThat(g.promptTokens()).isEqualTo(2);
    assertThat(g.outputTokens()).isEqualTo(3);
    assertThat(g.doneReason()).isEqualTo("length");
  }

  @Test
  void should_truncate_a_prompt_over_num_ctx_and_load_only_without_messages() {
    assertThat(post("/api/generate", "{\"model\":\"llama3.2:3b\",\"prompt\":\"" + "x".repeat(400)
        + "\",\"options\":{\"num_ctx\":10}}").generated.promptTokens()).isEqualTo(10);
    GenerationRequest load = post("/api/chat", "{\"model\":\"llama3.2:3b\"}").generated;
    assertThat(load.outputTokens()).isZero();
    assertThat(load.doneReason()).isEqualTo("load");
  }

  @Test
  void should_parse_keep_alive_and_refuse_an_invalid_one() {
    assertThat(post("/api/chat", "{\"model\":\"llama3.2:3b\",\"keep_alive\":\"1m30s\"}").generated.keepAliveNanos())
        .isEqualTo(90_000_000_000L);
    ScriptedExchange bad = post("/api/chat", "{\"model\":\"llama3.2:3b\",\"keep_alive\":\"5x\"}");
    assertThat(bad.generated).isNull();
    assertThat(bad.answers).containsExactly(new ScriptedExchange.Answer(400, "application/json; charset=utf-8",
        "{\"error\":\"time: invalid duration \\\"5x\\\"\"}"));
  }

  @Test
  void should_charge_images_and_tools_to_the_prompt() {
    int plain = post("/api/chat", "{\"model\":\"llama3.2:3b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
        .generated.promptTokens();
    int withImage = post("/api/chat", "{\"model\":\"llama3.2:3b\",\"messages\":[{\"role\":\"user\",\"content\":"
        + "\"hi\",\"images\":[\"" + "A".repeat(400_000) + "\"]}],\"tools\":[{\"type\":\"function\",\"function\":"
        + "{\"name\":\"get_weather\"}}]}").generated.promptTokens();
    assertThat(withImage).isGreaterThan(plain + 290);
  }
}
