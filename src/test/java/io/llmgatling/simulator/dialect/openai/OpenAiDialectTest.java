package io.llmgatling.simulator.dialect.openai;

import static io.llmgatling.simulator.dialect.ScriptedExchange.mask;
import static io.llmgatling.simulator.dialect.ScriptedExchange.stream;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmgatling.simulator.ModelSpec;
import io.llmgatling.simulator.SimulatorConfig;
import io.llmgatling.simulator.dialect.GenerationRequest;
import io.llmgatling.simulator.dialect.Kind;
import io.llmgatling.simulator.dialect.Outcome;
import io.llmgatling.simulator.dialect.ScriptedExchange;
import java.util.List;
import org.junit.jupiter.api.Test;

/** OpenAI's SSE frames for a scripted generation, byte for byte, and its request parsing. */
class OpenAiDialectTest {
  private static final SimulatorConfig CONFIG = SimulatorConfig.forProfile("ollama");
  private static final ModelSpec MODEL = CONFIG.model("llama3.2:3b");
  private static final Outcome OUTCOME = new Outcome(4, 2, "length", 5_000_000, 1_000_000, 2_000_000, 1_500_000, 0,
      100);

  private static ScriptedExchange post(String path, String body) {
    return new ScriptedExchange(CONFIG, "POST", path, body).through(new OpenAiDialect());
  }

  @Test
  void should_stream_chat_chunks_a_final_chunk_usage_and_done() {
    assertThat(stream(new OpenAiWire(Kind.CHAT, "llama3.2:3b", MODEL, 9, true, CONFIG), List.of("Hi", " there"),
        OUTCOME)).isEqualTo("""
            data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":0,"model":"llama3.2:3b",\
            "system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},\
            "logprobs":null,"finish_reason":null}]}

            data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":0,"model":"llama3.2:3b",\
            "system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":" there"},\
            "logprobs":null,"finish_reason":null}]}

            data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":0,"model":"llama3.2:3b",\
            "system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{},"logprobs":null,\
            "finish_reason":"length"}]}

            data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":0,"model":"llama3.2:3b",\
            "system_fingerprint":"fp_ollama","choices":[],"usage":{"prompt_tokens":4,"completion_tokens":2,\
            "total_tokens":6}}

            data: [DONE]

            """);
  }

  @Test
  void should_answer_a_text_completion_in_one_body_with_usage() {
    assertThat(mask(new OpenAiWire(Kind.TEXT, "llama3.2:3b", MODEL, 3, false, CONFIG).body(OUTCOME, "Hi there")))
        .isEqualTo("{\"id\":\"cmpl-3\",\"object\":\"text_completion\",\"created\":0,\"model\":\"llama3.2:3b\","
            + "\"system_fingerprint\":\"fp_ollama\",\"choices\":[{\"index\":0,\"text\":\"Hi there\",\"logprobs\":null,"
            + "\"finish_reason\":\"length\"}],\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":2,"
            + "\"total_tokens\":6}}");
  }

  @Test
  void should_write_errors_in_openai_shape() {
    OpenAiWire wire = new OpenAiWire(Kind.CHAT, "llama3.2:3b", MODEL, 1, false, CONFIG);
    assertThat(wire.errorBody(404, "nope"))
        .isEqualTo("{\"error\":{\"message\":\"nope\",\"type\":\"not_found_error\",\"param\":null,\"code\":null}}");
    assertThat(new String(wire.errorFrame("boom"))).isEqualTo(
        "data: {\"error\":{\"message\":\"boom\",\"type\":\"api_error\",\"param\":null,\"code\":null}}\n\n");
  }

  @Test
  void should_parse_max_tokens_stream_and_include_usage() {
    GenerationRequest g = post("/v1/chat/completions", "{\"model\":\"llama3.2:3b\",\"messages\":[{\"role\":\"user\","
        + "\"content\":\"abcd\"}],\"stream\":true,\"stream_options\":{\"include_usage\":true},\"max_tokens\":2}")
        .generated;
    assertThat(g.stream()).isTrue();
    assertThat(g.promptTokens()).isEqualTo(1);
    assertThat(g.outputTokens()).isEqualTo(2);
    assertThat(g.doneReason()).isEqualTo("length");
    assertThat(g.keepAliveNanos()).isNull();
  }

  @Test
  void should_refuse_a_chat_without_messages_and_a_prompt_over_the_context() {
    ScriptedExchange empty = post("/v1/chat/completions", "{\"model\":\"llama3.2:3b\",\"messages\":[]}");
    assertThat(empty.generated).isNull();
    assertThat(empty.answers.get(0).body()).contains("'messages' is required and must be a non-empty array");
    ScriptedExchange tooLong = post("/v1/completions", "{\"model\":\"llama3.2:3b\",\"prompt\":\""
        + "x".repeat(600_000) + "\"}");
    assertThat(tooLong.answers.get(0).body()).isEqualTo("{\"error\":{\"message\":\"the request exceeds the "
        + "available context size, try increasing it\",\"type\":\"exceed_context_size_error\",\"param\":null,"
        + "\"code\":null}}");
  }

  @Test
  void should_answer_embeddings_as_base64_when_asked() {
    ScriptedExchange x = post("/v1/embeddings", "{\"model\":\"nomic-embed-text\",\"input\":[\"a\",\"b\"],"
        + "\"dimensions\":2,\"encoding_format\":\"base64\"}");
    assertThat(x.generated.kind()).isEqualTo(Kind.EMBED);
    String body = new String(x.generated.wire().embeddingBody(new Outcome(2, 0, "stop", 0, 0, 0, 0, 0, -1)));
    assertThat(body).startsWith("{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"embedding\":\"")
        .endsWith("\"model\":\"nomic-embed-text\",\"usage\":{\"prompt_tokens\":2,\"total_tokens\":2}}");
  }
}
