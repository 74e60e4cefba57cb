package io.llmgatling.simulator.dialect.llamacpp;

import com.fasterxml.jackson.databind.JsonNode;
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
 * llama-server's native routes (llama.cpp {@code tools/server/README.md}): {@code POST /completion} (a prompt string,
 * or {@code {prompt_string, multimodal_data}}; {@code n_predict}; SSE {@code data:} chunks, see
 * {@link LlamaCppNativeWire}), {@code GET /props} (the one model's path, {@code total_slots},
 * {@code default_generation_settings.n_ctx}, build, modalities), and the gauges {@code GET /slots} and
 * {@code GET /metrics} from the simulator's scheduler ({@code simulator.Gauges}). Served under every profile (one
 * simulator serves every API); the gauges are probes, recorded in the truth under no API, as before they were
 * routes. llama-server ignores the model name: an unknown or missing one is served by the first chat model.
 */
public final class LlamaCppNativeDialect implements ServerDialect {
  @Override
  public String name() {
    return "llamacpp-native";
  }

  @Override
  public String errorBody(int status, String message) {
    return LlamaCppWire.llamaCppError(status, message);
  }

  @Override
  public void routes(Routes routes, SimulatorConfig config) {
    routes.post("/completion", this::complete)
        .get("/props", x -> x.json(200, props(x), null))
        .probe("/slots", x -> x.json(200, x.slots(), null))
        .probe("/metrics", x -> x.respond(200, "text/plain; version=0.0.4", x.metrics()));
  }

  /** The model llama-server serves: the first chat model. */
  private static ModelSpec served(SimulatorConfig config) {
    return config.models().stream().filter(m -> !m.isEmbedding()).findFirst().orElse(config.models().get(0));
  }

  /** Slots per model as {@code --parallel} gives them; 1 when the simulator has no slot limit. */
  private static int totalSlots(SimulatorConfig config) {
    return config.slots() > 0 ? config.slots() : 1;
  }

  private static ObjectNode props(ServerExchange x) {
    SimulatorConfig config = x.config();
    ModelSpec model = served(config);
    ObjectNode root = Frames.obj();
    ObjectNode settings = root.putObject("default_generation_settings");
    settings.put("id", 0);
    settings.put("id_task", -1);
    settings.put("n_ctx", model.contextLength());
    settings.put("speculative", false);
    settings.put("is_processing", false);
    settings.set("params", LlamaCppNativeWire.generationSettings(-1, true));
    ObjectNode next = settings.putObject("next_token");
    next.put("has_next_token", true);
    next.put("has_new_line", false);
    next.put("n_remain", -1);
    next.put("n_decoded", 0);
    next.put("stopping_word", "");
    settings.put("prompt", "");
    root.put("total_slots", totalSlots(config));
    root.put("model_path", "/models/" + model.name());
    root.put("chat_template", "{%- for message in messages %}...{%- endfor %}");
    ObjectNode caps = root.putObject("chat_template_caps");
    caps.put("supports_tools", true);
    caps.put("supports_tool_calls", true);
    caps.put("supports_system_role", true);
    caps.put("supports_parallel_tool_calls", true);
    ObjectNode modalities = root.putObject("modalities");
    modalities.put("vision", false);
    modalities.put("audio", false);
    root.put("media_marker", "<__media__>");
    root.put("build_info", config.serverVersion() + "-sim");
    root.put("is_sleeping", false);
    return root;
  }

  private void complete(ServerExchange x) {
    JsonNode body = x.body();
    if (body == null) {
      return;
    }
    JsonNode prompt = body.path("prompt");
    String text;
    int images = 0;
    if (prompt.isTextual()) {
      text = prompt.asText();
    } else if (prompt.isObject() && prompt.path("prompt_string").isTextual()) {
      text = prompt.path("prompt_string").asText();
      JsonNode data = prompt.path("multimodal_data");
      for (JsonNode image : data) {
        images += Prompts.imageTokens(image.asText("").length() * 3L / 4);
      }
    } else {
      x.error(400, "\"prompt\" must be a string or an object with \"prompt_string\"");
      return;
    }
    SimulatorConfig config = x.config();
    ModelSpec model = served(config);
    ObjectNode named = body.deepCopy();
    String asked = Frames.text(body, "model", null);
    if (asked == null || config.model(asked) == null || config.model(asked).isEmbedding()) {
      named.put("model", model.name()); // llama-server answers with its one model whatever the name
    }
    Admitted a = x.admit(named, Kind.TEXT);
    if (a == null) {
      return;
    }
    int promptTokens = Prompts.textTokens(text, config.charsPerToken()) + images;
    int contextLimit = a.model().contextLength();
    if (promptTokens > contextLimit) {
      x.error(400, "the request exceeds the available context size, try increasing it");
      return;
    }
    JsonNode cap = body.path("n_predict");
    Integer limit = cap.canConvertToInt() && cap.asInt() >= 0 ? Integer.valueOf(cap.asInt()) : null;
    boolean stream = body.path("stream").asBoolean(false);
    long textSeed = GenerationRequest.textSeed(body, body, a.random());
    LlamaCppNativeWire wire = new LlamaCppNativeWire(a.model(), promptTokens, limit, stream);
    // a reasoning model thinks (in <think> tags: /completion has no reasoning field) when the prompt ends on an
    // open assistant turn, as a chat template leaves it; a prefilled empty <think> block turns it off
    int reasoning = text.endsWith("<|im_start|>assistant\n")
        ? GenerationRequest.reasoningTokens(a.model(), null, textSeed) : 0;
    x.generate(a, GenerationRequest.answer(Kind.TEXT, stream, null, promptTokens, false, limit,
        Math.max(0, contextLimit - promptTokens), textSeed, config, wire, reasoning));
  }
}
