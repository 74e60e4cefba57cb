package io.llmgatling.simulator.dialect.openai;

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
import io.llmgatling.simulator.dialect.ScriptedAnswers;
import io.llmgatling.simulator.dialect.Routes;
import io.llmgatling.simulator.dialect.ServerDialect;
import io.llmgatling.simulator.dialect.ServerExchange;
import java.util.ArrayList;
import java.util.List;

/**
 * The OpenAI-compatible API under {@code /v1}: chat and text completions (SSE), embeddings, the model list.
 * LM Studio's {@code /api/v0} and llama-server's {@code /v1} are this API with their own root, catalog, error
 * shape and final-object fields: they extend this class.
 */
public class OpenAiDialect implements ServerDialect {
  @Override
  public String name() {
    return "openai";
  }

  @Override
  public String errorBody(int status, String message) {
    return OpenAiWire.openAiError(status, message);
  }

  /** The path every route of this API is under. */
  protected String root() {
    return "/v1";
  }

  @Override
  public void routes(Routes routes, SimulatorConfig config) {
    routes.get(root() + "/models", x -> x.json(200, models(x), null))
        .getUnder(root() + "/models/", x -> {
          String id = x.path().substring(root().length() + "/models/".length());
          ModelSpec m = x.config().model(id);
          if (m == null) {
            x.error(404, modelNotFound(id));
          } else {
            x.json(200, model(x, m), null);
          }
        })
        .post(root() + "/chat/completions", x -> generate(x, Kind.CHAT))
        .post(root() + "/completions", x -> generate(x, Kind.TEXT))
        .post(root() + "/embeddings", x -> generate(x, Kind.EMBED))
        .notFound(root() + "/", this::notFound);
  }

  // ---------------------------------------------------------------- catalog

  private ObjectNode models(ServerExchange x) {
    ObjectNode root = Frames.obj();
    root.put("object", "list");
    ArrayNode data = root.putArray("data");
    for (ModelSpec m : x.config().models()) {
      data.add(model(x, m));
    }
    return root;
  }

  protected ObjectNode model(ServerExchange x, ModelSpec m) {
    ObjectNode o = Frames.obj();
    o.put("id", m.name());
    o.put("object", "model");
    o.put("created", x.startedAtMillis() / 1000);
    o.put("owned_by", switch (x.config().profile()) {
      case "lmstudio" -> "organization_owner";
      case "llamacpp" -> "llamacpp";
      default -> "library";
    });
    return o;
  }

  protected String modelNotFound(String id) {
    return "model \"" + id + "\" not found";
  }

  protected void notFound(ServerExchange x) {
    x.error(404, "Unexpected endpoint or method. (" + x.method() + " " + x.path() + ")");
  }

  // ---------------------------------------------------------------- generating

  /** The answer's wire shape; servers extending the API return their subclass. */
  protected OpenAiWire wire(Kind kind, Admitted a, boolean includeUsage, SimulatorConfig config) {
    return new OpenAiWire(kind, a.modelName(), a.model(), a.sequence(), includeUsage, config);
  }

  /** The refusal of a prompt longer than the context (llama-server's wording; LM Studio's under its profile). */
  protected String contextMessage(SimulatorConfig config, int tokens, int limit) {
    if ("lmstudio".equals(config.profile())) {
      return LM_STUDIO_CONTEXT.formatted(tokens, limit);
    }
    return "the request exceeds the available context size, try increasing it";
  }

  /** LM Studio's refusal of an input over the loaded context (its typo included). */
  protected static final String LM_STUDIO_CONTEXT = "Trying to keep the first %d tokens when context the overflows. "
      + "However, the model is loaded with context length of only %d tokens, which is not enough. Try to load the "
      + "model with a larger context length, or provide a shorter input";

  private void generate(ServerExchange x, Kind kind) {
    JsonNode body = x.body();
    if (body == null) {
      return;
    }
    Admitted a = x.admit(body, kind);
    if (a == null) {
      return;
    }
    SimulatorConfig config = x.config();
    int contextLimit = a.model().contextLength();
    if (kind == Kind.EMBED) {
      embed(x, a, body, contextLimit);
      return;
    }
    int promptTokens = 0;
    if (kind == Kind.CHAT) {
      JsonNode messages = body.path("messages");
      if (!messages.isArray() || messages.isEmpty()) {
        x.error(400, "'messages' is required and must be a non-empty array");
        return;
      }
      for (JsonNode message : messages) {
        promptTokens += Prompts.messageTokens(message, config.charsPerToken());
      }
      promptTokens += Prompts.templateTokens(messages.size(), config.messageTokens());
      promptTokens += Prompts.toolTokens(body.path("tools"), config.charsPerToken());
    } else {
      promptTokens = Prompts.textTokens(Prompts.contentText(body.path("prompt")), config.charsPerToken());
    }
    if (promptTokens > contextLimit) {
      x.error(400, contextMessage(config, promptTokens, contextLimit));
      return;
    }
    boolean stream = body.path("stream").asBoolean(false);
    boolean includeUsage = stream && body.path("stream_options").path("include_usage").asBoolean(false);
    long textSeed = GenerationRequest.textSeed(body, body, a.random());
    // text completions take the prompt as it is, without the chat template that starts a thinking phase
    int reasoning = kind == Kind.CHAT ? GenerationRequest.reasoningTokens(a.model(), thinkEffort(body), textSeed) : 0;
    x.generate(a, GenerationRequest.answer(kind, stream, null, promptTokens, false, outputCap(body),
        Math.max(0, contextLimit - promptTokens), textSeed, config, wire(kind, a, includeUsage, config), reasoning)
        .withToolCall(kind == Kind.CHAT ? ScriptedAnswers.toolCall(body, textSeed) : null));
  }

  /**
   * The thinking asked for, in the words the OpenAI-compatible servers take: {@code reasoning_effort} (none, low,
   * medium, high), Ollama's {@code reasoning.effort}, llama-server's {@code chat_template_kwargs.enable_thinking};
   * null when the request does not say (the model's default: it thinks).
   */
  protected static String thinkEffort(JsonNode body) {
    JsonNode effort = body.path("reasoning_effort");
    if (effort.isTextual()) {
      return effort.asText();
    }
    effort = body.path("reasoning").path("effort");
    if (effort.isTextual()) {
      return effort.asText();
    }
    JsonNode enable = body.path("chat_template_kwargs").path("enable_thinking");
    return enable.isBoolean() ? (enable.asBoolean() ? "on" : "off") : null;
  }

  private static Integer outputCap(JsonNode body) {
    for (String key : new String[] {"max_completion_tokens", "max_tokens", "n_predict"}) {
      JsonNode v = body.path(key);
      if (v.canConvertToInt() && !v.isNull()) {
        int n = v.asInt();
        return n < 0 ? null : n; // -1: no limit (llama-server)
      }
    }
    return null;
  }

  private void embed(ServerExchange x, Admitted a, JsonNode body, int contextLimit) {
    JsonNode input = body.path("input");
    List<String> inputs = new ArrayList<>();
    if (input.isArray()) {
      input.forEach(n -> inputs.add(Prompts.contentText(n)));
    } else if (!input.isMissingNode() && !input.isNull()) {
      inputs.add(Prompts.contentText(input));
    }
    if (inputs.isEmpty()) {
      x.error(400, "'input' is required");
      return;
    }
    int tokens = 0;
    for (String s : inputs) {
      int t = Prompts.textTokens(s, x.config().charsPerToken());
      if (t > contextLimit) {
        x.error(400, contextMessage(x.config(), t, contextLimit));
        return;
      }
      tokens += t;
    }
    int dims = a.model().embeddingDimensions();
    if (body.path("dimensions").canConvertToInt() && body.path("dimensions").asInt() > 0) {
      dims = Math.min(dims, body.path("dimensions").asInt());
    }
    boolean base64 = "base64".equals(body.path("encoding_format").asText("float"));
    x.generate(a, GenerationRequest.embedding(null, tokens, wire(Kind.EMBED, a, false, x.config())
        .embedding(inputs, dims, base64)));
  }
}
