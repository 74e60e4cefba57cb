package io.llmgatling.simulator.dialect.ollama;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.engine.Part;
import io.llmgatling.engine.dialect.ResponseAccumulator;
import io.llmgatling.json.Json;
import io.llmgatling.simulator.SimulatorConfig;
import io.llmgatling.simulator.dialect.Kind;
import io.llmgatling.simulator.dialect.Outcome;
import io.llmgatling.simulator.dialect.ToolCallPlan;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Ollama's tool calls (sent whole, arguments an object), read back by the client's own dialect. */
class OllamaToolCallTest {
  private static final SimulatorConfig CONFIG = SimulatorConfig.forProfile("ollama");
  private static final Outcome OUTCOME = new Outcome(40, 3, "tool_calls", 5_000_000, 0, 2_000_000, 1_500_000, 0, 100);
  private static final ToolCallPlan CALL = new ToolCallPlan("call_7", "get_weather", "{\"city\":\"Lyon\"}");

  @Test
  void should_stream_the_call_whole_in_one_line_then_end_with_done_reason_stop() throws Exception {
    OllamaWire wire = new OllamaWire(Kind.CHAT, "llama3.2:3b", CONFIG);
    assertThat(wire.toolCallTemplate()).as("Ollama sends a call whole").isNull();
    ResponseAccumulator acc = new ResponseAccumulator();
    for (byte[] line : wire.toolCallEnd(CALL)) {
      JsonNode node = Json.MAPPER.readTree(new String(line, StandardCharsets.UTF_8));
      assertThat(node.path("message").path("tool_calls").path(0).path("function").path("arguments").isObject()).isTrue();
      io.llmgatling.engine.dialect.ollama.OllamaDialect.INSTANCE.readChunk(node, acc);
    }
    for (byte[] line : wire.streamEnd(OUTCOME)) {
      io.llmgatling.engine.dialect.ollama.OllamaDialect.INSTANCE.readChunk(Json.MAPPER.readTree(line), acc);
    }
    assertThat(acc.toolCalls()).containsExactly(new Part.ToolCall(null, "get_weather", "{\"city\":\"Lyon\"}"));
    assertThat(acc.contentChunks()).isEqualTo(1);
    assertThat(acc.finishReason()).isEqualTo("stop");
    assertThat(acc.serverOutputTokens()).isEqualTo(3);
  }

  @Test
  void should_answer_a_non_streamed_call_in_the_final_object() throws Exception {
    byte[] body = new OllamaWire(Kind.CHAT, "llama3.2:3b", CONFIG).toolCallBody(OUTCOME, "", CALL);

    ResponseAccumulator acc = new ResponseAccumulator();
    io.llmgatling.engine.dialect.ollama.OllamaDialect.INSTANCE.readBody(Json.MAPPER.readTree(body), acc);
    assertThat(acc.toolCalls()).containsExactly(new Part.ToolCall(null, "get_weather", "{\"city\":\"Lyon\"}"));
    assertThat(acc.ended()).isTrue();
  }
}
