package io.llmgatling.simulator.dialect.lmstudio;

import static io.llmgatling.simulator.dialect.ScriptedExchange.mask;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmgatling.simulator.ModelSpec;
import io.llmgatling.simulator.SimulatorConfig;
import io.llmgatling.simulator.dialect.Kind;
import io.llmgatling.simulator.dialect.Outcome;
import io.llmgatling.simulator.dialect.ScriptedExchange;
import org.junit.jupiter.api.Test;

/** LM Studio v0's frames: OpenAI's plus stats, model_info and runtime; its errors and catalog. */
class LmStudioDialectTest {
  private static final SimulatorConfig CONFIG = SimulatorConfig.forProfile("lmstudio");
  private static final ModelSpec MODEL = CONFIG.model("llama-3.2-3b-instruct");

  @Test
  void should_add_stats_model_info_and_runtime_after_usage() {
    Outcome o = new Outcome(4, 2, "stop", 5_000_000, 0, 2_000_000, 500_000_000, 0, -1);
    assertThat(mask(new LmStudioWire(Kind.CHAT, "llama-3.2-3b-instruct", MODEL, 1, false, CONFIG).body(o, "Hi")))
        .isEqualTo("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":0,"
            + "\"model\":\"llama-3.2-3b-instruct\",\"system_fingerprint\":\"llama-3.2-3b-instruct\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hi\",\"refusal\":null},"
            + "\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":4,"
            + "\"completion_tokens\":2,\"total_tokens\":6},\"stats\":{\"tokens_per_second\":4.0,"
            + "\"time_to_first_token\":0.0,\"generation_time\":0.0,\"stop_reason\":\"eosFound\"},"
            + "\"model_info\":{\"arch\":\"llama\",\"quant\":\"Q4_K_M\",\"format\":\"gguf\",\"context_length\":131072},"
            + "\"runtime\":{\"name\":\"llama.cpp-linux-x86_64-nvidia-cuda12-avx2\",\"version\":\"1.52.1\","
            + "\"supported_formats\":[\"gguf\"]}}");
  }

  @Test
  void should_write_errors_as_a_plain_error_field_with_lm_studio_context_wording() {
    ScriptedExchange x = new ScriptedExchange(CONFIG, "POST", "/api/v0/completions",
        "{\"model\":\"llama-3.2-3b-instruct\",\"prompt\":\"" + "x".repeat(600_000) + "\"}")
        .through(new LmStudioDialect());
    assertThat(x.answers.get(0).body()).startsWith("{\"error\":\"Trying to keep the first 150000 tokens when "
        + "context the overflows.");
  }

  @Test
  void should_list_models_with_type_and_state() {
    ScriptedExchange x = new ScriptedExchange(CONFIG, "GET", "/api/v0/models", "").through(new LmStudioDialect());
    assertThat(x.answers.get(0).body()).startsWith("{\"object\":\"list\",\"data\":[{\"id\":\"llama-3.2-3b-instruct\","
        + "\"object\":\"model\",\"type\":\"llm\",\"publisher\":\"lmstudio-community\",\"arch\":\"llama\","
        + "\"compatibility_type\":\"gguf\",\"quantization\":\"Q4_K_M\",\"state\":\"not-loaded\","
        + "\"max_context_length\":131072}");
  }
}
