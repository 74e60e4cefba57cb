package io.llmgatling.simulator.dialect.anthropic;

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
 * Anthropic's Messages API, {@code POST /v1/messages}, as Ollama, LM Studio and llama-server serve it
 * (docs/apis.md "anthropic"): {@code max_tokens} required, top-level {@code system} (a string or text blocks),
 * {@code messages} of strings or blocks ({@code text}, base64 {@code image}, {@code tool_use}, {@code tool_result}),
 * {@code tools}. The {@code x-api-key} and {@code anthropic-version} headers are accepted and not checked, as local
 * servers do. The answer is {@link AnthropicWire}.
 */
public final class AnthropicDialect implements ServerDialect {
  @Override
  public String name() {
    return "anthropic";
  }

  @Override
  public String errorBody(int status, String message) {
    return AnthropicWire.error(status, message);
  }

  @Override
  public void routes(Routes routes, SimulatorConfig config) {
    routes.post("/v1/messages", this::generate);
  }

  private void generate(ServerExchange x) {
    JsonNode body = x.body();
    if (body == null) {
      return;
    }
    JsonNode max = body.path("max_tokens");
    if (!max.canConvertToInt() || max.isNull() || max.asInt() < 1) {
      x.error(400, max.isMissingNode() || max.isNull() ? "max_tokens: Field required"
          : "max_tokens: Input should be greater than or equal to 1");
      return;
    }
    JsonNode messages = body.path("messages");
    if (!messages.isArray() || messages.isEmpty()) {
      x.error(400, "messages: Field required");
      return;
    }
    Admitted a = x.admit(body, Kind.CHAT);
    if (a == null) {
      return;
    }
    SimulatorConfig config = x.config();
    double charsPerToken = config.charsPerToken();
    int promptTokens = Prompts.textTokens(Prompts.contentText(body.path("system")), charsPerToken)
        + Prompts.toolTokens(body.path("tools"), charsPerToken);
    for (JsonNode message : messages) {
      promptTokens += messageTokens(message, charsPerToken);
    }
    promptTokens += Prompts.templateTokens(messages.size() + (body.hasNonNull("system") ? 1 : 0),
        config.messageTokens());
    int contextLimit = a.model().contextLength();
    if (promptTokens > contextLimit) {
      x.error(400, "prompt is too long: " + promptTokens + " tokens > " + contextLimit + " maximum");
      return;
    }
    boolean stream = body.path("stream").asBoolean(false);
    long textSeed = GenerationRequest.textSeed(body, body, a.random());
    int reasoning = GenerationRequest.reasoningTokens(a.model(), thinkEffort(body.path("thinking")), textSeed);
    ToolCallPlan call = ScriptedAnswers.toolCall(body, textSeed);
    AnthropicWire wire = new AnthropicWire(a.modelName(), a.sequence(), promptTokens, reasoning, call != null);
    x.generate(a, GenerationRequest.answer(Kind.CHAT, stream, null, promptTokens, false, max.asInt(),
        Math.max(0, contextLimit - promptTokens), textSeed, config, wire, reasoning).withToolCall(call));
  }

  /**
   * The effort a {@code thinking} object asks for: {@code disabled} is off; a budget of at most 2,048 tokens low,
   * at least 16,384 high, else medium; absent: the model's default.
   */
  static String thinkEffort(JsonNode thinking) {
    if (!thinking.isObject()) {
      return null;
    }
    if ("disabled".equals(thinking.path("type").asText())) {
      return "off";
    }
    int budget = thinking.path("budget_tokens").asInt(4096);
    return budget <= 2048 ? "low" : budget >= 16384 ? "high" : "medium";
  }

  /** A message's text and image blocks, plus its tool calls' inputs and tool results' contents. */
  static int messageTokens(JsonNode message, double charsPerToken) {
    int tokens = Prompts.messageTokens(message, charsPerToken);
    for (JsonNode block : message.path("content")) {
      switch (block.path("type").asText("")) {
        case "tool_use" -> tokens += Prompts.textTokens(block.path("name").asText("") + block.path("input"),
            charsPerToken);
        case "tool_result" -> tokens += Prompts.textTokens(Prompts.contentText(block.path("content")), charsPerToken);
        default -> {
          // text and images: counted above
        }
      }
    }
    return tokens;
  }
}
