package io.llmgatling.engine.check;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.engine.LlmRequest;
import io.llmgatling.engine.Message;
import io.llmgatling.engine.Operation;
import io.llmgatling.engine.dialect.Dialects;
import io.llmgatling.json.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The schema a request asks for, and an answer's validity against it. */
class JsonSchemasTest {
  private static final JsonNode SCHEMA = json("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},"
      + "\"days\":{\"type\":\"integer\",\"minimum\":1}},\"required\":[\"city\",\"days\"],\"additionalProperties\":false}");

  @Test
  void should_read_the_schema_from_the_options_each_api_sends_it_in() {
    for (String api : List.of("openai", "ollama", "lmstudio", "llamacpp")) {
      Map<String, Object> options = Dialects.byId(api).schemaOptions("trip", SCHEMA);
      assertThat(JsonSchemas.requested(request(options))).as(api).isEqualTo(SCHEMA);
    }
    assertThat(JsonSchemas.requested(request(Map.of("format", "json")))).isNull();
    assertThat(JsonSchemas.requested(request(Map.of()))).isNull();
  }

  @Test
  void should_accept_a_valid_answer_and_say_what_is_wrong_with_an_invalid_one() {
    assertThat(JsonSchemas.problem(SCHEMA, " {\"city\":\"Lyon\",\"days\":3}\n")).isNull();
    assertThat(JsonSchemas.problem(SCHEMA, "{\"city\":\"Lyon\"}")).contains("days");
    assertThat(JsonSchemas.problem(SCHEMA, "{\"city\":\"Lyon\",\"days\":0}")).contains("days");
    assertThat(JsonSchemas.problem(SCHEMA, "Sure! {\"city\":\"Lyon\"}")).startsWith("not JSON");
    assertThat(JsonSchemas.problem(SCHEMA, "{\"city\":\"Lyon\",\"days\":3} trailing")).startsWith("not JSON");
    assertThat(JsonSchemas.problem(SCHEMA, "")).startsWith("not JSON");
  }

  private static LlmRequest request(Map<String, Object> options) {
    return new LlmRequest("structured", Dialects.byId("openai"), Operation.CHAT, null, null, "m",
        List.of(Message.user("hi")), null, null, true, null, options, null);
  }

  private static JsonNode json(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
