package io.llmgatling.simulator.dialect.llamacpp;

import static io.llmgatling.simulator.dialect.ScriptedExchange.mask;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmgatling.simulator.ModelSpec;
import io.llmgatling.simulator.SimulatorConfig;
import io.llmgatling.simulator.dialect.Kind;
import io.llmgatling.simulator.dialect.Outcome;
import io.llmgatling.simulator.dialect.ScriptedExchange;
import java.util.List;
import org.junit.jupiter.api.Test;

/** llama-server's /v1 frames: OpenAI's plus timings; its error object; /v1 only under its timings. */
class LlamaCppDialectTest {
  private static final SimulatorConfig CONFIG = SimulatorConfig.forProfile("llamacpp");
  private static final ModelSpec MODEL = CONFIG.models().get(0);

  @Test
  void should_end_a_stream_with_timings_in_the_final_chunk() {
    Outcome o = new Outcome(4, 2, "stop", 5_000_000, 0, 2_000_000, 4_000_000, 0, 100);
    assertThat(ScriptedExchange.stream(new LlamaCppWire(Kind.TEXT, "m", MODEL, 5, false, CONFIG), List.of("Hi"), o))
        .isEqualTo("""
            data: {"id":"cmpl-5","object":"text_completion","created":0,"model":"m",\
            "system_fingerprint":"b6500-sim","choices":[{"index":0,"text":"Hi","logprobs":null,\
            "finish_reason":null}]}

            data: {"id":"cmpl-5","object":"text_completion","created":0,"model":"m",\
            "system_fingerprint":"b6500-sim","choices":[{"index":0,"text":"","logprobs":null,\
            "finish_reason":"stop"}],"timings":{"cache_n":0,"prompt_n":4,"prompt_ms":2.0,\
            "prompt_per_token_ms":0.5,"prompt_per_second":2000.0,"predicted_n":2,"predicted_ms":4.0,\
            "predicted_per_token_ms":2.0,"predicted_per_second":500.0}}

            data: [DONE]

            """);
  }

  @Test
  void should_write_errors_in_llama_server_shape() {
    LlamaCppWire wire = new LlamaCppWire(Kind.CHAT, "m", MODEL, 1, false, CONFIG);
    assertThat(wire.errorBody(503, "busy"))
        .isEqualTo("{\"error\":{\"code\":503,\"message\":\"busy\",\"type\":\"unavailable_error\"}}");
    assertThat(mask(wire.errorBody(400, "the request exceeds the available context size, try increasing it")))
        .contains("\"type\":\"exceed_context_size_error\"");
  }

  @Test
  void should_serve_v1_only_with_llama_server_timings_and_health_always() {
    SimulatorConfig plain = CONFIG.toBuilder().llamacppTimings(false).build();
    assertThat(new ScriptedExchange(plain, "GET", "/health", "").through(new LlamaCppDialect()).answers.get(0).body())
        .isEqualTo("{\"status\":\"ok\"}");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ScriptedExchange(plain, "POST",
        "/v1/chat/completions", "{}").through(new LlamaCppDialect())).isInstanceOf(IllegalArgumentException.class);
    assertThat(new ScriptedExchange(CONFIG, "POST", "/v1/chat/completions", "{\"model\":\"" + MODEL.name() + "\",\"messages\":"
        + "[{\"role\":\"user\",\"content\":\"hi\"}]}").through(new LlamaCppDialect()).generated.wire())
        .isInstanceOf(LlamaCppWire.class);
  }
}
