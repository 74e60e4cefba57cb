package io.llmgatling.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.support.GatlingRun;
import io.llmgatling.support.RunFiles;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The tools, structured and vision tasks end to end against the embedded simulator (issue 17's "done when": the
 * mix {@code chat,tools,structured,vision} runs green), on Ollama's native API and the OpenAI-compatible ones (plain,
 * LM Studio v0, llama-server).
 */
class TaskMixIT {

  @ParameterizedTest
  @ValueSource(strings = {"ollama", "openai", "lmstudio", "llamacpp"})
  void should_run_tools_structured_and_vision_with_every_request_and_check_passing(String api) throws Exception {
    GatlingRun.Outcome outcome = GatlingRun.run("MultiTaskSimulation",
        Map.of("llm.duration", "6s", "llm.rate", "4", "llm.api", api, "llm.mix", "chat,tools,structured,vision"));

    assertThat(outcome.exitCode()).isZero();
    JsonNode summary = RunFiles.summary(outcome.resultsDir());
    assertThat(summary.path("passed").asBoolean()).isTrue();
    assertThat(summary.path("all").path("ko").asLong()).isZero();
    List<JsonNode> records = RunFiles.records(outcome.resultsDir());
    assertThat(records).allSatisfy(r -> assertThat(r.path("ok").asBoolean()).as(r.toString()).isTrue());

    // tools: a first turn that calls a tool (its pieces are output tokens, so it has a TTFT), then the result turn
    List<JsonNode> calls = records.stream()
        .filter(r -> r.path("task").asText().equals("tools") && !r.path("toolResult").asBoolean()).toList();
    List<JsonNode> results = records.stream()
        .filter(r -> r.path("task").asText().equals("tools") && r.path("toolResult").asBoolean()).toList();
    assertThat(calls).isNotEmpty().allSatisfy(r -> {
      assertThat(r.path("toolCalls").asInt()).as(r.toString()).isEqualTo(1);
      assertThat(r.path("ttftMs").isNumber()).as(r.toString()).isTrue();
      assertThat(r.path("outputTokens").asInt()).isPositive();
    });
    assertThat(results).isNotEmpty().allSatisfy(r -> assertThat(r.path("toolCalls").asInt()).isZero());
    JsonNode tools = summary.path("tasks").path("tools");
    assertThat(tools.path("toolCallRate").asDouble()).isEqualTo(1.0);

    // structured: every answer JSON valid against its schema
    List<JsonNode> structured = records.stream().filter(r -> r.path("task").asText().equals("structured")).toList();
    assertThat(structured).isNotEmpty().allSatisfy(r -> assertThat(r.path("jsonValid").asBoolean()).isTrue());
    assertThat(summary.path("tasks").path("structured").path("jsonValidRate").asDouble()).isEqualTo(1.0);

    // vision: the image was accepted and charged to the prompt (64 tokens at least, over a one-line question)
    List<JsonNode> vision = records.stream().filter(r -> r.path("task").asText().equals("vision")).toList();
    assertThat(vision).isNotEmpty().allSatisfy(r -> assertThat(r.path("promptTokens").asInt()).isGreaterThan(64));
    // figures of the other tasks are not touched
    assertThat(summary.path("tasks").path("chat").has("jsonValidRate")).isFalse();
  }
}
