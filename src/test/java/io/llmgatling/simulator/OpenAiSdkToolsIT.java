package io.llmgatling.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import io.llmgatling.engine.check.JsonSchemas;
import io.llmgatling.json.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java SDK reads the simulator's tool calls and structured answers unchanged. */
class OpenAiSdkToolsIT {
  private static final Map<String, Object> WEATHER = Map.of("type", "function", "function", Map.of(
      "name", "get_weather", "description", "Current weather for a city.",
      "parameters", Map.of("type", "object", "properties", Map.of("city", Map.of("type", "string"),
          "units", Map.of("type", "string", "enum", List.of("metric", "imperial"))), "required", List.of("city"))));
  private static final Map<String, Object> TRIP = Map.of("type", "object",
      "properties", Map.of("city", Map.of("type", "string"), "days", Map.of("type", "integer", "minimum", 1),
          "packing", Map.of("type", "array", "items", Map.of("type", "string"))),
      "required", List.of("city", "days", "packing"), "additionalProperties", false);

  private static LlmSimulator sim;
  private static OpenAIClient client;

  @BeforeAll
  static void start() {
    sim = LlmSimulator.start(SimulatorConfig.defaults().toBuilder().port(0).loadTimeMs(20)
        .rates(50_000, 2000, 0.05).build());
    client = OpenAIOkHttpClient.builder().baseUrl(sim.baseUrl() + "/v1").apiKey("not-needed").maxRetries(0)
        .build();
  }

  @AfterAll
  static void stop() {
    client.close();
    sim.close();
  }

  private static ChatCompletionCreateParams.Builder withTools() {
    return ChatCompletionCreateParams.builder().model("llama3.2:3b").addUserMessage("Umbrella in Lyon today?")
        .putAdditionalBodyProperty("tools", JsonValue.from(List.of(WEATHER)));
  }

  @Test
  void should_read_a_non_streamed_tool_call() throws Exception {
    ChatCompletion completion = client.chat().completions().create(withTools().build());
    completion.validate();

    ChatCompletion.Choice choice = completion.choices().get(0);
    assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    ChatCompletionMessageFunctionToolCall call = choice.message().toolCalls().orElseThrow().get(0).asFunction();
    assertThat(call.function().name()).isEqualTo("get_weather");
    assertThat(Json.MAPPER.readTree(call.function().arguments()).has("city")).isTrue();
    assertThat(call.id()).startsWith("call_");
  }

  @Test
  void should_stream_a_tool_call_whose_argument_pieces_join_into_json() throws Exception {
    StringBuilder arguments = new StringBuilder();
    String[] name = new String[1];
    ChatCompletionChunk.Choice.FinishReason[] finish = new ChatCompletionChunk.Choice.FinishReason[1];
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(withTools().build())) {
      stream.stream().forEach(chunk -> {
        chunk.validate();
        chunk.choices().forEach(c -> {
          c.delta().toolCalls().ifPresent(calls -> calls.forEach(call -> {
            assertThat(call.index()).isZero();
            call.function().flatMap(f -> f.name()).ifPresent(n -> name[0] = n);
            call.function().flatMap(f -> f.arguments()).ifPresent(arguments::append);
          }));
          c.finishReason().ifPresent(f -> finish[0] = f);
        });
      });
    }
    assertThat(name[0]).isEqualTo("get_weather");
    assertThat(Json.MAPPER.readTree(arguments.toString()).path("city").isTextual()).isTrue();
    assertThat(finish[0]).isEqualTo(ChatCompletionChunk.Choice.FinishReason.TOOL_CALLS);
  }

  @Test
  void should_answer_with_json_valid_against_the_requested_schema() {
    ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("llama3.2:3b").addUserMessage("Plan a trip as JSON").maxCompletionTokens(200)
        .putAdditionalBodyProperty("response_format", JsonValue.from(Map.of("type", "json_schema",
            "json_schema", Map.of("name", "trip", "strict", true, "schema", TRIP)))).build());
    completion.validate();

    String content = completion.choices().get(0).message().content().orElseThrow();
    assertThat(JsonSchemas.problem(Json.MAPPER.valueToTree(TRIP), content)).as(content).isNull();
  }
}
