package io.llmgatling.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgatling.engine.LlmRequest;
import io.llmgatling.engine.Message;
import io.llmgatling.engine.Operation;
import io.llmgatling.engine.Timeouts;
import io.llmgatling.engine.dialect.Dialects;
import io.llmgatling.json.Json;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code llm.think} and {@code llm.think.<task>}: parsed, carried to the tasks, worded per API. */
class ThinkOptionTest {
  @TempDir
  Path userFiles;

  private WorkloadConfig load(String... keyValues) {
    Map<String, String> properties = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      properties.put(keyValues[i], keyValues[i + 1]);
    }
    return WorkloadConfig.load(properties, userFiles);
  }

  @Test
  void should_give_every_task_the_run_wide_think_and_one_task_its_own() {
    WorkloadConfig config = load("llm.think", "OFF", "llm.think.code", "high", "llm.mix", "chat,code");

    assertThat(config.optionsFor(Tasks.CHAT)).containsEntry(LlmRequest.THINK_OPTION, Json.MAPPER.valueToTree("off"));
    assertThat(config.optionsFor(Tasks.CODE)).containsEntry(LlmRequest.THINK_OPTION, Json.MAPPER.valueToTree("high"));
    assertThat(config.describe()).containsEntry("llm.think", "off").containsEntry("llm.think.code", "high");
  }

  @Test
  void should_leave_thinking_to_the_server_when_not_set() {
    assertThat(load().optionsFor(Tasks.CHAT)).doesNotContainKey(LlmRequest.THINK_OPTION);
  }

  @Test
  void should_refuse_an_unknown_think_value_in_one_line() {
    assertThatThrownBy(() -> load("llm.think", "maybe"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("llm.think: 'maybe' is not one of on, off, low, medium, high");
  }

  private static ObjectNode body(String api, Operation operation, String think) {
    LlmRequest request = new LlmRequest("chat", Dialects.byId(api), operation, URI.create("http://127.0.0.1:1"), null,
        "m", List.of(Message.user("hi")), "hi", List.of(), true, 16, Map.of(), Timeouts.DEFAULT, think);
    ObjectNode body = request.api().body(request);
    request.api().think(body, think, request);
    return body;
  }

  @Test
  void should_word_think_as_ollamas_think_field() {
    assertThat(body("ollama", Operation.CHAT, "off").get("think").asBoolean(true)).isFalse();
    assertThat(body("ollama", Operation.CHAT, "on").get("think").asBoolean(false)).isTrue();
    assertThat(body("ollama", Operation.GENERATE, "high").get("think").asText()).isEqualTo("high");
  }

  @Test
  void should_word_think_as_openai_reasoning_effort_on_chats_only() {
    assertThat(body("openai", Operation.CHAT, "off").get("reasoning_effort").asText()).isEqualTo("none");
    assertThat(body("openai", Operation.CHAT, "on").get("reasoning_effort").asText()).isEqualTo("medium");
    assertThat(body("lmstudio", Operation.CHAT, "low").get("reasoning_effort").asText()).isEqualTo("low");
    assertThat(body("llamacpp", Operation.CHAT, "high").get("reasoning_effort").asText()).isEqualTo("high");
    assertThat(body("openai", Operation.COMPLETION, "off").has("reasoning_effort")).isFalse();
  }
}
