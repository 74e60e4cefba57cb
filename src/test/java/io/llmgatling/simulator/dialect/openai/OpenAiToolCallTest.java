package io.llmgatling.simulator.dialect.openai;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgatling.engine.Part;
import io.llmgatling.engine.dialect.ResponseAccumulator;
import io.llmgatling.json.Json;
import io.llmgatling.simulator.ModelSpec;
import io.llmgatling.simulator.SimulatorConfig;
import io.llmgatling.simulator.dialect.ChunkTemplate;
import io.llmgatling.simulator.dialect.Frames;
import io.llmgatling.simulator.dialect.GenerationRequest;
import io.llmgatling.simulator.dialect.Kind;
import io.llmgatling.simulator.dialect.Outcome;
import io.llmgatling.simulator.dialect.ScriptedExchange;
import io.llmgatling.simulator.dialect.ToolCallPlan;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The simulator's OpenAI-compatible tool calls, read back by the client's own dialect. */
class OpenAiToolCallTest {
  private static final SimulatorConfig CONFIG = SimulatorConfig.forProfile("ollama");
  private static final ModelSpec MODEL = CONFIG.model("llama3.2:3b");
  private static final Outcome OUTCOME = new Outcome(40, 3, "tool_calls", 5_000_000, 0, 2_000_000, 1_500_000, 0, 100);
  private static final ToolCallPlan CALL = new ToolCallPlan("call_7", "get_weather", "{\"city\":\"Lyon \\\"2\\\"\"}");
  private static final String TOOLS = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
      + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}}]";

  @Test
  void should_stream_the_call_name_first_then_argument_pieces_and_finish_with_tool_calls() throws Exception {
    OpenAiWire wire = new OpenAiWire(Kind.CHAT, "llama3.2:3b", MODEL, 7, true, CONFIG);
    List<byte[]> frames = new ArrayList<>(wire.toolCallStart(CALL));
    ChunkTemplate template = wire.toolCallTemplate();
    for (String piece : new String[] {"{\"city\"", ":\"Lyon \\\"2", "\\\"\"}"}) {
      String escaped = Frames.quote(piece); // the engine writes each piece JSON-string-escaped
      frames.add(concat(template.prefix(), escaped.substring(1, escaped.length() - 1).getBytes(StandardCharsets.UTF_8),
          template.suffix()));
    }
    frames.addAll(wire.toolCallEnd(CALL));
    frames.addAll(wire.streamEnd(OUTCOME));

    ResponseAccumulator acc = new ResponseAccumulator();
    for (byte[] frame : frames) {
      String data = new String(frame, StandardCharsets.UTF_8).substring("data: ".length()).strip();
      if (!data.equals("[DONE]")) {
        io.llmgatling.engine.dialect.openai.OpenAiDialect.INSTANCE.readChunk(Json.MAPPER.readTree(data), acc);
      }
    }
    assertThat(acc.toolCalls()).containsExactly(new Part.ToolCall("call_7", "get_weather", CALL.argumentsJson()));
    assertThat(acc.contentChunks()).as("the name, then 3 argument pieces").isEqualTo(4);
    assertThat(acc.finishReason()).isEqualTo("tool_calls");
    assertThat(acc.serverOutputTokens()).isEqualTo(3);
  }

  @Test
  void should_answer_a_non_streamed_call_in_the_message_with_content_null() throws Exception {
    byte[] body = new OpenAiWire(Kind.CHAT, "llama3.2:3b", MODEL, 7, false, CONFIG).toolCallBody(OUTCOME, "", CALL);

    assertThat(Json.MAPPER.readTree(body).path("choices").path(0).path("message").path("content").isNull()).isTrue();
    ResponseAccumulator acc = new ResponseAccumulator();
    io.llmgatling.engine.dialect.openai.OpenAiDialect.INSTANCE.readBody(Json.MAPPER.readTree(body), acc);
    assertThat(acc.toolCalls()).containsExactly(new Part.ToolCall("call_7", "get_weather", CALL.argumentsJson()));
    assertThat(acc.finishReason()).isEqualTo("tool_calls");
  }

  @Test
  void should_plan_a_call_of_the_first_tool_when_tools_are_offered_and_text_after_the_tool_result() {
    GenerationRequest call = post("{\"model\":\"llama3.2:3b\",\"messages\":[{\"role\":\"user\",\"content\":\"Lyon?\"}],"
        + TOOLS + "}").generated;
    GenerationRequest answer = post("{\"model\":\"llama3.2:3b\",\"messages\":[{\"role\":\"user\",\"content\":\"Lyon?\"},"
        + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
        + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{}\"}}]},{\"role\":\"tool\",\"tool_call_id\":\"call_1\","
        + "\"content\":\"14 C\"}]," + TOOLS + "}").generated;
    GenerationRequest none = post("{\"model\":\"llama3.2:3b\",\"messages\":[{\"role\":\"user\",\"content\":\"Lyon?\"}],"
        + TOOLS + ",\"tool_choice\":\"none\"}").generated;

    assertThat(call.toolCall()).isNotNull();
    assertThat(call.toolCall().name()).isEqualTo("get_weather");
    assertThat(Frames.quote(call.toolCall().argumentsJson())).contains("city");
    assertThat(answer.toolCall()).isNull();
    assertThat(none.toolCall()).isNull();
  }

  private static ScriptedExchange post(String body) {
    return new ScriptedExchange(CONFIG, "POST", "/v1/chat/completions", body).through(new OpenAiDialect());
  }

  private static byte[] concat(byte[]... parts) {
    int size = 0;
    for (byte[] p : parts) {
      size += p.length;
    }
    byte[] all = new byte[size];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, all, at, p.length);
      at += p.length;
    }
    return all;
  }
}
