package io.llmgatling.simulator.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.engine.check.JsonSchemas;
import io.llmgatling.json.Json;
import io.llmgatling.workload.PromptSet;
import org.junit.jupiter.api.Test;

/** What the simulated model writes when the answer is decided up front: tool calls and structured answers. */
class ScriptedAnswersTest {

  @Test
  void should_generate_arguments_valid_against_every_tool_of_the_built_in_prompt_set() {
    PromptSet tools = PromptSet.loadResource("prompts/tools.jsonl", 1);
    for (PromptSet.Entry entry : tools.entries()) {
      for (JsonNode tool : entry.extras().tools()) {
        JsonNode parameters = tool.path("function").path("parameters");
        for (long seed = 0; seed < 20; seed++) {
          String arguments = SchemaValues.generate(parameters, seed, 0).toString();
          assertThat(JsonSchemas.problem(parameters, arguments)).as(arguments).isNull();
        }
      }
    }
  }

  @Test
  void should_write_structured_answers_valid_against_their_schema_of_about_the_wanted_length() {
    PromptSet structured = PromptSet.loadResource("prompts/structured.jsonl", 1);
    for (PromptSet.Entry entry : structured.entries()) {
      JsonNode schema = entry.extras().schema();
      String small = ScriptedAnswers.structuredText(schema, 3, 10, 4.0);
      String large = ScriptedAnswers.structuredText(schema, 3, 300, 4.0);
      assertThat(JsonSchemas.problem(schema, small)).as(small).isNull();
      assertThat(JsonSchemas.problem(schema, large)).as(large).isNull();
      assertThat(large.length()).as(large).isGreaterThan(small.length());
      for (int tokens : new int[] {10, 64, 128, 300}) {
        assertThat(ScriptedAnswers.pieces(ScriptedAnswers.structuredText(schema, 3, tokens, 4.0), 4.0).length)
            .as("no more pieces than tokens asked when the schema's smallest document fits").satisfiesAnyOf(
                n -> assertThat(n).isLessThanOrEqualTo(tokens),
                n -> assertThat(ScriptedAnswers.structuredText(schema, 3, 0, 4.0).length()).isGreaterThan(tokens * 4));
      }
    }
  }

  @Test
  void should_give_the_same_arguments_for_the_same_seed() {
    JsonNode schema = json("{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\",\"minimum\":3,"
        + "\"maximum\":5},\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}}}");
    assertThat(SchemaValues.generate(schema, 42, 0)).isEqualTo(SchemaValues.generate(schema, 42, 0));
    assertThat(SchemaValues.generate(schema, 42, 0).path("n").asInt()).isBetween(3, 5);
  }

  @Test
  void should_find_the_schema_in_every_apis_request_shape() {
    JsonNode schema = json("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}");
    assertThat(ScriptedAnswers.schema(json("{\"response_format\":{\"type\":\"json_schema\",\"json_schema\":"
        + "{\"name\":\"x\",\"schema\":" + schema + "}}}"))).isEqualTo(schema);
    assertThat(ScriptedAnswers.schema(json("{\"format\":" + schema + "}"))).isEqualTo(schema);
    assertThat(ScriptedAnswers.schema(json("{\"text\":{\"format\":{\"type\":\"json_schema\",\"schema\":" + schema
        + "}}}"))).isEqualTo(schema);
    assertThat(ScriptedAnswers.schema(json("{\"format\":\"json\"}")).path("type").asText()).isEqualTo("object");
    assertThat(ScriptedAnswers.schema(json("{\"messages\":[]}"))).isNull();
  }

  @Test
  void should_call_the_named_tool_and_answer_with_text_after_an_anthropic_tool_result() {
    JsonNode body = json("{\"tools\":[{\"name\":\"a\",\"input_schema\":{\"type\":\"object\"}},{\"name\":\"b\","
        + "\"input_schema\":{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\"}}}}],"
        + "\"tool_choice\":{\"type\":\"tool\",\"name\":\"b\"},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    ToolCallPlan call = ScriptedAnswers.toolCall(body, 7);
    assertThat(call.name()).isEqualTo("b");
    assertThat(json(call.argumentsJson()).has("q")).isTrue();

    JsonNode afterResult = json("{\"tools\":[{\"name\":\"a\",\"input_schema\":{}}],\"messages\":[{\"role\":\"user\","
        + "\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\",\"content\":\"ok\"}]}]}");
    assertThat(ScriptedAnswers.toolCall(afterResult, 7)).isNull();
  }

  @Test
  void should_cut_text_into_pieces_of_about_a_token() {
    assertThat(ScriptedAnswers.pieces("{\"a\":12345}", 4.0)).containsExactly("{\"a\"", ":123", "45}");
  }

  private static JsonNode json(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
