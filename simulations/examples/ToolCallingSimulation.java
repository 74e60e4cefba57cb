package examples;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.llmgatling.javaapi.LlmDsl.*;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.llmgatling.harness.LlmInjection;
import io.llmgatling.harness.LlmSimulation;
import io.llmgatling.javaapi.LlmMessage;
import java.util.List;
import java.util.Map;

/**
 * Function calling and structured output, the way an agent talks to a local model: the question goes out with a
 * tool definition, the answer must call the tool (its pieces are output tokens: the call has a TTFT), the tool's
 * result goes back in the same conversation and the final answer is measured; a second scenario asks for an
 * answer constrained to a JSON schema and checks it against that schema.
 *
 * <pre>
 * mvn gatling:test -Dgatling.simulationClass=examples.ToolCallingSimulation            # embedded simulator
 * mvn gatling:test -Dgatling.simulationClass=examples.ToolCallingSimulation \
 *     -Dllm.target=ollama -Dllm.model=qwen2.5:7b                                         # a model that calls tools
 * </pre>
 * Tools and the schema are plain request options in the OpenAI-compatible shape, which Ollama's {@code /v1}, LM
 * Studio and llama-server all take; on Ollama's native API the schema goes in {@code format} instead of
 * {@code response_format} (the built-in {@code structured} task picks the right option for {@code llm.api}).
 */
public class ToolCallingSimulation extends LlmSimulation {

  public ToolCallingSimulation() {
    super(Map.of("llm.api", "openai")); // the /v1 shape of tools and response_format; -Dllm.api wins
  }

  private static final List<Map<String, Object>> TOOLS = List.of(Map.of("type", "function", "function", Map.of(
      "name", "get_weather",
      "description", "Current weather for a city.",
      "parameters", Map.of("type", "object",
          "properties", Map.of("city", Map.of("type", "string"),
              "units", Map.of("type", "string", "enum", List.of("metric", "imperial"))),
          "required", List.of("city")))));

  private static final Map<String, Object> TRIP = Map.of("type", "object",
      "properties", Map.of("city", Map.of("type", "string"), "days", Map.of("type", "integer", "minimum", 1),
          "packing", Map.of("type", "array", "items", Map.of("type", "string"))),
      "required", List.of("city", "days", "packing"));

  ScenarioBuilder agent = scenario("tools")
      .exec(llm("tools").chat()
          .user("Do I need an umbrella in Lyon today?")
          .option("tools", TOOLS)
          .conversation("history")                      // the call joins the history sent with the result
          .check(toolCall(),                            // an offered tool, arguments that parse as a JSON object
              toolCallName().is("get_weather"),
              toolCallId().saveAs("callId")))           // OpenAI-style APIs give an id, Ollama none
      .exec(llm("tools").chat()
          .message(LlmMessage.toolResult(
              session -> session.contains("callId") ? session.getString("callId") : null,
              session -> "{\"city\":\"Lyon\",\"conditions\":\"light rain\",\"celsius\":14}"))
          .option("tools", TOOLS)
          .conversation("history")
          .check(text().notEmpty()));

  ScenarioBuilder structured = scenario("structured")
      .exec(llm("structured").chat()
          .user("Plan a 3-day trip to Porto as JSON.")
          .option("response_format", Map.of("type", "json_schema",
              "json_schema", Map.of("name", "trip", "strict", true, "schema", TRIP)))
          .maxTokens(256)
          .check(jsonValid()));                         // not valid against TRIP: a KO with the reason

  {
    setUp(
        agent.injectOpen(LlmInjection.open(workload().injectedProfile())),
        structured.injectOpen(LlmInjection.open(workload().injectedProfile())))
        .protocols(llmProtocol());
  }
}
