package io.llmgatling.simulator.dialect.responses;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.simulator.dialect.ScriptedAnswers;
import io.llmgatling.simulator.dialect.ToolCallPlan;
import io.llmgatling.simulator.SimulatorConfig;
import io.llmgatling.simulator.dialect.Admitted;
import io.llmgatling.simulator.dialect.GenerationRequest;
import io.llmgatling.simulator.dialect.Kind;
import io.llmgatling.simulator.dialect.Prompts;
import io.llmgatling.simulator.dialect.Routes;
import io.llmgatling.simulator.dialect.ServerDialect;
import io.llmgatling.simulator.dialect.ServerExchange;

/**
 * OpenAI's Responses API, {@code POST /v1/responses}, as Ollama, LM Studio and llama-server serve it next to their
 * chat completions (docs/apis.md "responses"): {@code input} as a string or items (messages with
 * {@code input_text}/{@code input_image} parts, {@code function_call} and {@code function_call_output} items),
 * {@code instructions}, {@code max_output_tokens}, {@code tools}. The answer is {@link ResponsesWire}. The model
 * list and embeddings stay the OpenAI dialect's {@code /v1} routes.
 */
public final class ResponsesDialect implements ServerDialect {
  @Override
  public String name() {
    return "responses";
  }

  @Override
  public String errorBody(int status, String message) {
    return ResponsesWire.error(status, message);
  }

  @Override
  public void routes(Routes routes, SimulatorConfig config) {
    routes.post("/v1/responses", this::generate);
  }

  private void generate(ServerExchange x) {
    JsonNode body = x.body();
    if (body == null) {
      return;
    }
    JsonNode input = body.path("input");
    if (!input.isTextual() && !(input.isArray() && !input.isEmpty())) {
      x.error(400, "Invalid type for 'input': expected a string or an array of input items.");
      return;
    }
    Admitted a = x.admit(body, Kind.CHAT);
    if (a == null) {
      return;
    }
    SimulatorConfig config = x.config();
    double charsPerToken = config.charsPerToken();
    int promptTokens = Prompts.textTokens(body.path("instructions").asText(""), charsPerToken)
        + Prompts.toolTokens(body.path("tools"), charsPerToken);
    if (input.isTextual()) {
      promptTokens += Prompts.textTokens(input.asText(), charsPerToken);
    } else {
      for (JsonNode item : input) {
        promptTokens += itemTokens(item, charsPerToken);
      }
    }
    promptTokens += Prompts.templateTokens((input.isTextual() ? 1 : input.size())
        + (body.path("instructions").asText("").isEmpty() ? 0 : 1), config.messageTokens());
    int contextLimit = a.model().contextLength();
    if (promptTokens > contextLimit) {
      x.error(400, "the request exceeds the available context size, try increasing it");
      return;
    }
    JsonNode max = body.path("max_output_tokens");
    Integer cap = max.canConvertToInt() && !max.isNull() && max.asInt() >= 0 ? max.asInt() : null;
    boolean stream = body.path("stream").asBoolean(false);
    long textSeed = GenerationRequest.textSeed(body, body, a.random());
    JsonNode effort = body.path("reasoning").path("effort");
    int reasoning = GenerationRequest.reasoningTokens(a.model(), effort.isTextual() ? effort.asText() : null, textSeed);
    ToolCallPlan call = ScriptedAnswers.toolCall(body, textSeed);
    ResponsesWire wire = new ResponsesWire(a.modelName(), a.sequence(), textSeed, cap, reasoning, call != null);
    x.generate(a, GenerationRequest.answer(Kind.CHAT, stream, null, promptTokens, false, cap,
        Math.max(0, contextLimit - promptTokens), textSeed, config, wire, reasoning).withToolCall(call));
  }

  /** One input item: a message (its parts), a function call (name and arguments) or a call's output. */
  static int itemTokens(JsonNode item, double charsPerToken) {
    if (item.isTextual()) {
      return Prompts.textTokens(item.asText(), charsPerToken);
    }
    return switch (item.path("type").asText("message")) {
      case "function_call" -> Prompts.textTokens(item.path("name").asText("") + item.path("arguments").asText(""),
          charsPerToken);
      case "function_call_output" -> Prompts.textTokens(Prompts.contentText(item.path("output")), charsPerToken);
      default -> Prompts.messageTokens(item, charsPerToken);
    };
  }
}
