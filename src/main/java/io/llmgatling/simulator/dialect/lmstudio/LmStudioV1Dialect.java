package io.llmgatling.simulator.dialect.lmstudio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgatling.simulator.ModelSpec;
import io.llmgatling.simulator.SimulatorConfig;
import io.llmgatling.simulator.dialect.Admitted;
import io.llmgatling.simulator.dialect.Frames;
import io.llmgatling.simulator.dialect.GenerationRequest;
import io.llmgatling.simulator.dialect.Kind;
import io.llmgatling.simulator.dialect.Prompts;
import io.llmgatling.simulator.dialect.Routes;
import io.llmgatling.simulator.dialect.ServerDialect;
import io.llmgatling.simulator.dialect.ServerExchange;

/**
 * LM Studio's native REST v1 (LM Studio ≥ 0.4.0): {@code POST /api/v1/chat} (named SSE events, see
 * {@link LmStudioV1Wire}) and {@code GET /api/v1/models} (models with {@code loaded_instances}); errors as
 * {@code {"error":{"type","message"}}}. With {@code lmstudioApi: v0} it plays an older LM Studio instead: every
 * {@code /api/v1} path answers HTTP 200 with {@code {"error":"Unexpected endpoint or method. (GET /api/v1/models)"}},
 * LM Studio's answer to any route it does not know (lmstudio-bug-tracker #618, #1323, #2085). Source: lmstudio-ai/docs
 * {@code 1_developer/2_rest/chat.md}, {@code streaming-events.md}, {@code list.md}; docs/apis.md.
 */
public final class LmStudioV1Dialect implements ServerDialect {
  static final String ROOT = "/api/v1";

  @Override
  public String name() {
    return "lmstudio-v1";
  }

  @Override
  public void routes(Routes routes, SimulatorConfig config) {
    routes.get(ROOT + "/models", x -> {
      if (!olderServer(x)) {
        x.json(200, models(x), null);
      }
    }).post(ROOT + "/chat", x -> {
      if (!olderServer(x)) {
        chat(x);
      }
    }).notFound(ROOT + "/", LmStudioV1Dialect::unknownEndpoint);
  }

  /** An LM Studio before v1 answers the path as unknown; true when it did. */
  private static boolean olderServer(ServerExchange x) {
    if (x.config().servesLmStudioV1()) {
      return false;
    }
    unknownEndpoint(x);
    return true;
  }

  /** LM Studio's answer to a route it does not know: HTTP 200 and an error string. */
  private static void unknownEndpoint(ServerExchange x) {
    x.json(200, Frames.obj().put("error", "Unexpected endpoint or method. (" + x.method() + " " + x.path() + ")"),
        null);
  }

  @Override
  public String errorBody(int status, String message) {
    return LmStudioV1Wire.error(status, message);
  }

  @Override
  public String emptyBodyMessage() {
    return "\"model\" is required";
  }

  // ---------------------------------------------------------------- catalog

  private static ObjectNode models(ServerExchange x) {
    ObjectNode root = Frames.obj();
    ArrayNode models = root.putArray("models");
    for (ModelSpec m : x.config().models()) {
      ObjectNode o = models.addObject();
      o.put("type", m.isEmbedding() ? "embedding" : "llm");
      int slash = m.name().indexOf('/');
      o.put("publisher", slash > 0 ? m.name().substring(0, slash) : "lmstudio-community");
      o.put("key", m.name());
      o.put("display_name", m.name());
      if (!m.isEmbedding()) {
        o.put("architecture", m.family());
      }
      ObjectNode quantization = o.putObject("quantization");
      quantization.put("name", m.quantization());
      quantization.put("bits_per_weight", bitsPerWeight(m.quantization()));
      o.put("size_bytes", m.sizeBytes());
      o.put("params_string", m.isEmbedding() ? null : m.parameterSize());
      ArrayNode instances = o.putArray("loaded_instances");
      if (x.isLoaded(m)) {
        instances.addObject().put("id", m.name()).putObject("config")
            .put("context_length", Math.min(m.contextLength(), 4096 * 8));
      }
      o.put("max_context_length", m.contextLength());
      o.put("format", "gguf");
      if (!m.isEmbedding()) {
        ObjectNode capabilities = o.putObject("capabilities");
        capabilities.put("vision", false);
        capabilities.put("trained_for_tool_use", true);
        o.putNull("description");
      }
    }
    return root;
  }

  /** {@code Q4_K_M} → 4, {@code F16} → 16; 4 when the name says nothing. */
  static int bitsPerWeight(String quantization) {
    String digits = quantization == null ? "" : quantization.replaceAll("^[^0-9]*([0-9]+).*$", "$1");
    return digits.isEmpty() || !Character.isDigit(digits.charAt(0)) ? 4 : Integer.parseInt(digits);
  }

  // ---------------------------------------------------------------- chat

  private void chat(ServerExchange x) {
    JsonNode body = x.body();
    if (body == null) {
      return;
    }
    JsonNode input = body.path("input");
    if (!input.isTextual() && !(input.isArray() && !input.isEmpty())) {
      x.error(400, "\"input\" is required: a string or a non-empty array of input items");
      return;
    }
    Admitted a = x.admit(body, Kind.CHAT);
    if (a == null) {
      return;
    }
    SimulatorConfig config = x.config();
    int promptTokens = Prompts.textTokens(body.path("system_prompt").asText(""), config.charsPerToken());
    if (input.isTextual()) {
      promptTokens += Prompts.textTokens(input.asText(), config.charsPerToken());
    } else {
      for (JsonNode item : input) {
        if ("image".equals(item.path("type").asText())) {
          String data = item.path("data_url").asText("");
          int comma = data.startsWith("data:") ? data.indexOf(',') : -1;
          promptTokens += Prompts.imageTokens((data.length() - (comma + 1)) * 3L / 4);
        } else {
          promptTokens += Prompts.textTokens(Prompts.contentText(item.path("content")), config.charsPerToken());
        }
      }
    }
    // one user message (its text and image items), after the system prompt's
    promptTokens += Prompts.templateTokens(1 + (body.path("system_prompt").asText("").isEmpty() ? 0 : 1),
        config.messageTokens());
    int contextLimit = a.model().contextLength();
    if (promptTokens > contextLimit) {
      x.error(400, OpenAiContext.MESSAGE.formatted(promptTokens, contextLimit));
      return;
    }
    JsonNode cap = body.path("max_output_tokens");
    Integer limit = cap.canConvertToInt() && !cap.isNull() ? Integer.valueOf(cap.asInt()) : null;
    boolean stream = body.path("stream").asBoolean(false);
    boolean store = body.path("store").asBoolean(true);
    long textSeed = GenerationRequest.textSeed(body, body, a.random());
    LmStudioV1Wire wire = new LmStudioV1Wire(a.modelName(), a.model(), a.sequence(), store, !x.isLoaded(a.model()),
        config, textSeed);
    JsonNode think = body.path("reasoning");
    int reasoning = GenerationRequest.reasoningTokens(a.model(), think.isTextual() ? think.asText() : null, textSeed);
    x.generate(a, GenerationRequest.answer(Kind.CHAT, stream, null, promptTokens, false, limit,
        Math.max(0, contextLimit - promptTokens), textSeed, config, wire, reasoning));
  }

  /** LM Studio's refusal of an input over the loaded context (its wording, typo included), shared with v0. */
  private static final class OpenAiContext {
    static final String MESSAGE = "Trying to keep the first %d tokens when context the overflows. However, the model"
        + " is loaded with context length of only %d tokens, which is not enough. Try to load the model with a larger"
        + " context length, or provide a shorter input";
  }
}
