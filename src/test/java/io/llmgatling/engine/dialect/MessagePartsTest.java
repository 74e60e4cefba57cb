package io.llmgatling.engine.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.engine.LlmRequest;
import io.llmgatling.engine.Message;
import io.llmgatling.engine.Operation;
import io.llmgatling.engine.Part;
import io.llmgatling.json.Json;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each dialect writes each kind of message part in its API's shape (golden JSON of the messages array). */
class MessagePartsTest {
  private static final byte[] PNG = {1, 2, 3}; // base64 AQID

  private static final Message TEXT = Message.user("hi");
  private static final Message IMAGE = Message.user(new Part.Text("What is this?"), new Part.Image("image/png", PNG));
  private static final Message TOOL_CALL =
      Message.assistant(new Part.ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"));
  private static final Message TOOL_RESULT = Message.toolResult("call_1", "21 C");

  private static JsonNode messages(String api, Message message) {
    LlmRequest request = new LlmRequest("chat", Dialects.byId(api), Operation.CHAT, URI.create("http://h"), null, "m",
        List.of(message), null, null, true, null, null, null);
    return Dialects.byId(api).body(request).get("messages");
  }

  private static JsonNode json(String text) throws Exception {
    return Json.MAPPER.readTree(text);
  }

  @Test
  void should_write_text_as_a_plain_content_string_in_every_dialect() throws Exception {
    for (Dialect dialect : Dialects.all()) {
      if (List.of("responses", "lmstudio-v1", "llamacpp-native").contains(dialect.id())) {
        continue; // input items, one input string, one prompt string: no messages array; their own tests
      }
      assertThat(messages(dialect.id(), TEXT)).as(dialect.id()).isEqualTo(json("[{\"role\":\"user\",\"content\":\"hi\"}]"));
    }
  }

  @Test
  void should_write_an_image_as_base64_in_images_for_ollama() throws Exception {
    assertThat(messages("ollama", IMAGE)).isEqualTo(json(
        "[{\"role\":\"user\",\"content\":\"What is this?\",\"images\":[\"AQID\"]}]"));
  }

  @Test
  void should_write_a_tool_call_with_object_arguments_for_ollama() throws Exception {
    assertThat(messages("ollama", TOOL_CALL)).isEqualTo(json("[{\"role\":\"assistant\",\"content\":\"\","
        + "\"tool_calls\":[{\"function\":{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Paris\"}}}]}]"));
  }

  @Test
  void should_write_a_tool_result_as_a_tool_message_for_ollama() throws Exception {
    assertThat(messages("ollama", TOOL_RESULT)).isEqualTo(json("[{\"role\":\"tool\",\"content\":\"21 C\"}]"));
  }

  @Test
  void should_write_an_image_as_a_data_url_content_part_for_openai_shaped_dialects() throws Exception {
    for (String api : List.of("openai", "lmstudio", "llamacpp")) {
      assertThat(messages(api, IMAGE)).as(api).isEqualTo(json("[{\"role\":\"user\",\"content\":["
          + "{\"type\":\"text\",\"text\":\"What is this?\"},"
          + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,AQID\"}}]}]"));
    }
  }

  @Test
  void should_write_a_tool_call_with_json_text_arguments_for_openai_shaped_dialects() throws Exception {
    for (String api : List.of("openai", "lmstudio", "llamacpp")) {
      assertThat(messages(api, TOOL_CALL)).as(api).isEqualTo(json("[{\"role\":\"assistant\",\"content\":null,"
          + "\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
          + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]}]"));
    }
  }

  @Test
  void should_write_a_tool_result_with_its_call_id_for_openai_shaped_dialects() throws Exception {
    for (String api : List.of("openai", "lmstudio", "llamacpp")) {
      assertThat(messages(api, TOOL_RESULT)).as(api).isEqualTo(json(
          "[{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"21 C\"}]"));
    }
  }
}
