package io.llmgatling.engine.dialect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.engine.Operation;
import io.llmgatling.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The registry, and what each dialect says about its server kind and its pre-flight. */
class DialectsTest {

  @Test
  void should_find_a_dialect_by_its_id_case_insensitively() {
    assertThat(Dialects.byId(" OpenAI ").id()).isEqualTo("openai");
    assertThat(Dialects.all()).extracting(Dialect::id).containsExactly("ollama", "openai", "lmstudio", "llamacpp", "responses", "anthropic", "lmstudio-v0",
        "lmstudio-v1", "llamacpp-native");
  }

  @Test
  void should_name_the_valid_ids_for_an_unknown_one() {
    assertThatThrownBy(() -> Dialects.byId("grpc")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown API 'grpc', expected one of: ollama, openai, lmstudio, llamacpp, responses, anthropic,"
            + " lmstudio-v0, lmstudio-v1, llamacpp-native");
  }

  @Test
  void should_run_completions_on_ollama_generate_and_on_the_completions_endpoint_elsewhere() {
    assertThat(Dialects.byId("ollama").operationFor(Operation.GENERATE)).isEqualTo(Operation.GENERATE);
    for (String api : List.of("openai", "lmstudio", "llamacpp")) {
      assertThat(Dialects.byId(api).operationFor(Operation.GENERATE)).as(api).isEqualTo(Operation.COMPLETION);
      assertThat(Dialects.byId(api).operationFor(Operation.CHAT)).as(api).isEqualTo(Operation.CHAT);
    }
  }

  /** A server answering the pre-flight's GETs from a map; records the paths asked. */
  private static final class FakeServer implements ServerQuery {
    private final Map<String, String> answers;
    private final List<String> asked = new ArrayList<>();

    FakeServer(Map<String, String> answers) {
      this.answers = answers;
    }

    @Override
    public JsonNode get(String path) {
      asked.add(path);
      String answer = answers.get(path);
      if (answer == null) {
        throw new IllegalStateException(path + " answered HTTP 404");
      }
      try {
        return Json.MAPPER.readTree(answer);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public Optional<JsonNode> tryGet(String path) {
      try {
        return Optional.of(get(path));
      } catch (IllegalStateException e) {
        return Optional.empty();
      }
    }
  }

  @Test
  void should_ask_ollama_for_its_version_and_tags() {
    FakeServer server = new FakeServer(Map.of("/api/version", "{\"version\":\"0.12.3\"}",
        "/api/tags", "{\"models\":[{\"name\":\"llama3.2:latest\"},{\"model\":\"nomic-embed-text:latest\"}]}"));
    ServerInfo info = Dialects.byId("ollama").describeServer(server);
    assertThat(info).isEqualTo(new ServerInfo("0.12.3", List.of("llama3.2:latest", "nomic-embed-text:latest"), null));
    assertThat(server.asked).containsExactly("/api/version", "/api/tags");
    assertThat(Dialects.byId("ollama").servesModel(info.models(), "llama3.2")).isTrue();
    assertThat(Dialects.byId("ollama").servesModel(info.models(), "qwen3")).isFalse();
    assertThat(Dialects.byId("ollama").missingModelHint()).isEqualTo("Pull it (ollama pull NAME) or set -Dllm.model=...");
  }

  @Test
  void should_ask_openai_shaped_servers_for_their_models_under_their_prefix() {
    String list = "{\"object\":\"list\",\"data\":[{\"id\":\"qwen2.5-7b-instruct\"}]}";
    FakeServer openai = new FakeServer(Map.of("/v1/models", list));
    assertThat(Dialects.byId("openai").describeServer(openai))
        .isEqualTo(new ServerInfo(null, List.of("qwen2.5-7b-instruct"), null));
    FakeServer lmstudio = new FakeServer(Map.of("/api/v0/models", list));
    assertThat(Dialects.byId("lmstudio").describeServer(lmstudio).models()).containsExactly("qwen2.5-7b-instruct");
    assertThat(Dialects.byId("openai").missingModelHint()).isEqualTo("Set -Dllm.model=...");
  }

  @Test
  void should_ask_llama_server_for_its_slots_and_accept_any_model_name_it_is_sent() {
    FakeServer server = new FakeServer(Map.of("/v1/models", "{\"data\":[{\"id\":\"model.gguf\"}]}",
        "/props", "{\"total_slots\":4}"));
    ServerInfo info = Dialects.byId("llamacpp").describeServer(server);
    assertThat(info).isEqualTo(new ServerInfo(null, List.of("model.gguf"), 4));
    assertThat(Dialects.byId("llamacpp").servesModel(info.models(), "anything")).isTrue();
    FakeServer noProps = new FakeServer(Map.of("/v1/models", "{\"data\":[]}"));
    assertThat(Dialects.byId("llamacpp").describeServer(noProps).slots()).isNull();
    assertThat(Dialects.byId("llamacpp").servesModel(List.of(), "anything")).isFalse();
  }

  @Test
  void should_say_which_dialect_carries_llama_server_timings() {
    assertThat(Dialects.all()).filteredOn(Dialect::sendsServerTimings).extracting(Dialect::id)
        .containsExactly("llamacpp", "llamacpp-native");
  }
}
