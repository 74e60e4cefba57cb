package io.llmgatling.engine.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgatling.engine.ApiFlavor;
import io.llmgatling.engine.LlmRequest;
import io.llmgatling.engine.wire.Json;
import java.util.Map;
import java.util.Set;

/**
 * Ollama's native API: {@code /api/chat}, {@code /api/generate} (also used for completions),
 * {@code /api/embed}; NDJSON streams ending with a {@code "done": true} object that carries
 * {@code eval_count}, {@code prompt_eval_count} and the durations (nanoseconds) from which the queue
 * time is derived: queue = total − load − prompt_eval − eval.
 */
public final class OllamaProvider implements Provider {
  static final OllamaProvider INSTANCE = new OllamaProvider();

  /** Request options that Ollama takes at the top level of the body rather than in "options". */
  private static final Set<String> TOP_LEVEL_KEYS =
      Set.of("keep_alive", "format", "think", "raw", "system", "template", "tools", "suffix", "images",
          "context", "truncate", "dimensions");

  private OllamaProvider() {
  }

  @Override
  public ApiFlavor flavor() {
    return ApiFlavor.OLLAMA;
  }

  @Override
  public String path(LlmRequest request) {
    return switch (request.operation()) {
      case CHAT -> "/api/chat";
      case GENERATE, COMPLETION -> "/api/generate";
      case EMBED -> "/api/embed";
    };
  }

  @Override
  public ObjectNode body(LlmRequest request) {
    ObjectNode body = Provider.commonBody(request);
    ObjectNode options = Json.MAPPER.createObjectNode();
    if (request.operation() != io.llmgatling.engine.Operation.EMBED) {
      body.put("stream", request.stream());
      if (request.maxTokens() != null) {
        options.put("num_predict", request.maxTokens());
      }
    }
    for (Map.Entry<String, Object> option : request.options().entrySet()) {
      JsonNode value = Json.MAPPER.valueToTree(option.getValue());
      if (TOP_LEVEL_KEYS.contains(option.getKey())) {
        body.set(option.getKey(), value);
      } else {
        options.set(option.getKey(), value);
      }
    }
    if (!options.isEmpty()) {
      body.set("options", options);
    }
    return body;
  }

  @Override
  public WireFormat responseFormat(LlmRequest request) {
    return request.stream() && request.operation() != io.llmgatling.engine.Operation.EMBED
        ? WireFormat.NDJSON : WireFormat.JSON;
  }

  @Override
  public void readStreamChunk(JsonNode chunk, ResponseAccumulator acc) {
    JsonNode error = chunk.get("error");
    if (error != null && !error.isNull()) {
      acc.streamError(Provider.errorMessage(chunk, chunk.toString()));
      return;
    }
    JsonNode message = chunk.get("message");
    if (message != null) {
      acc.reasoning(text(message.get("thinking")));
      acc.content(text(message.get("content")));
    } else {
      acc.reasoning(text(chunk.get("thinking")));
      acc.content(text(chunk.get("response")));
    }
    if (chunk.path("done").asBoolean(false)) {
      acc.end();
      acc.finishReason(text(chunk.get("done_reason")));
      readCountsAndDurations(chunk, acc);
    }
  }

  @Override
  public void readBody(JsonNode body, ResponseAccumulator acc) {
    JsonNode embeddings = body.get("embeddings");
    if (embeddings != null && embeddings.isArray()) {
      acc.embeddings(embeddings.size(), embeddings.size() == 0 ? 0 : embeddings.get(0).size());
      acc.end();
      readCountsAndDurations(body, acc);
      return;
    }
    readStreamChunk(body, acc);
  }

  private static void readCountsAndDurations(JsonNode done, ResponseAccumulator acc) {
    acc.promptTokens(integer(done.get("prompt_eval_count")));
    acc.serverOutputTokens(integer(done.get("eval_count")));
    Double total = nanosToMs(done.get("total_duration"));
    Double load = nanosToMs(done.get("load_duration"));
    Double promptEval = nanosToMs(done.get("prompt_eval_duration"));
    Double eval = nanosToMs(done.get("eval_duration"));
    acc.serverTotalMs(total);
    acc.loadMs(load);
    acc.promptEvalMs(promptEval);
    acc.evalMs(eval);
    if (total != null) {
      // a missing part means Ollama skipped that phase (e.g. prompt fully cached): it took no time
      double queue = total - orZero(load) - orZero(promptEval) - orZero(eval);
      acc.queueMs(Math.max(0.0, queue));
    }
  }

  private static double orZero(Double ms) {
    return ms == null ? 0.0 : ms;
  }

  static String text(JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }

  static Integer integer(JsonNode node) {
    return node == null || !node.isNumber() ? null : node.asInt();
  }

  private static Double nanosToMs(JsonNode node) {
    return node == null || !node.isNumber() ? null : node.asLong() / 1_000_000.0;
  }
}
