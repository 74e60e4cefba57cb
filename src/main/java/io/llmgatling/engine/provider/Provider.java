package io.llmgatling.engine.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgatling.engine.Message;
import io.llmgatling.engine.wire.Json;
import io.llmgatling.engine.ApiFlavor;
import io.llmgatling.engine.LlmRequest;
import io.llmgatling.engine.wire.SseEvent;

/**
 * One server API: builds the HTTP request for an {@link LlmRequest} and reads the answer's chunks
 * into a {@link ResponseAccumulator}. Implementations are stateless and thread-safe.
 */
public interface Provider {

  /** The provider of a flavour. */
  static Provider of(ApiFlavor flavor) {
    return switch (flavor) {
      case OLLAMA -> OllamaProvider.INSTANCE;
      case OPENAI -> OpenAiProvider.INSTANCE;
      case LMSTUDIO -> LmStudioProvider.INSTANCE;
      case LLAMACPP -> LlamaCppProvider.INSTANCE;
    };
  }

  ApiFlavor flavor();

  /** The request path below the base URL's own path, e.g. {@code /api/chat} or {@code /v1/completions}. */
  String path(LlmRequest request);

  /** The JSON body. */
  ObjectNode body(LlmRequest request);

  /**
   * What every API's body shares: the model and the chat messages, the prompt or the texts to embed, under the
   * same names in Ollama's and OpenAI's APIs. Providers add their own options.
   */
  static ObjectNode commonBody(LlmRequest request) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("model", request.model());
    switch (request.operation()) {
      case CHAT -> {
        ArrayNode messages = body.putArray("messages");
        for (Message m : request.messages()) {
          messages.addObject().put("role", m.role()).put("content", m.content());
        }
      }
      case GENERATE, COMPLETION -> body.put("prompt", request.prompt());
      case EMBED -> {
        ArrayNode input = body.putArray("input");
        request.input().forEach(input::add);
      }
      default -> throw new IllegalStateException("unknown operation " + request.operation());
    }
    return body;
  }

  /** How the answer to this request is framed when the server does not say otherwise. */
  WireFormat responseFormat(LlmRequest request);

  /** Reads one streamed JSON object (an NDJSON line, or the JSON of an SSE event's data). */
  void readStreamChunk(JsonNode chunk, ResponseAccumulator acc);

  /** Reads one server-sent event: {@code [DONE]}, an {@code error} event, or a JSON chunk. */
  default void readSseEvent(SseEvent event, ResponseAccumulator acc, JsonNode parsedData) {
    if ("error".equals(event.event())) {
      acc.streamError(parsedData == null ? event.data() : errorMessage(parsedData, event.data()));
      return;
    }
    readStreamChunk(parsedData, acc);
  }

  /** Reads a whole non-streamed answer. */
  void readBody(JsonNode body, ResponseAccumulator acc);

  /**
   * Fast path for a whole non-streamed answer: reads it straight from the JSON tokens, without building
   * a tree, when the body has a simple shape this provider knows; otherwise (or on any doubt) returns
   * false without touching {@code acc}, and the caller parses the tree and calls
   * {@link #readBody(JsonNode, ResponseAccumulator)}. When it returns true, {@code acc} holds exactly what
   * {@code readBody} would have put there. The parser may be a blocking one over the value, or a non-blocking
   * one (streams) fed exactly one value: there the value's end is {@code NOT_AVAILABLE} rather than the end
   * of input, and a value cut short runs out of input instead of failing, so it must be answered with false.
   */
  default boolean readBodyFast(com.fasterxml.jackson.core.JsonParser body, ResponseAccumulator acc) {
    return false;
  }

  /**
   * Fast path for one streamed chunk (an SSE event's data): like {@link #readBodyFast}, read straight from
   * the tokens when the chunk has the plain per-token shape, with exactly the calls
   * {@link #readStreamChunk} would make on its tree; otherwise false with {@code acc} untouched.
   */
  default boolean readStreamChunkFast(com.fasterxml.jackson.core.JsonParser chunk, ResponseAccumulator acc) {
    return false;
  }

  /**
   * Reports an {@code "error"} member of a chunk or body (Ollama's string, OpenAI's object) as a stream error.
   *
   * @return true when there was one, so the caller stops reading this chunk
   */
  static boolean readError(JsonNode node, ResponseAccumulator acc) {
    JsonNode error = node.get("error");
    if (error == null || error.isNull()) {
      return false;
    }
    acc.streamError(errorMessage(node, node.toString()));
    return true;
  }

  /**
   * The server's error message from an error body: Ollama {@code {"error":"..."}}, OpenAI
   * {@code {"error":{"message":"..."}}}, else {@code fallback}.
   */
  static String errorMessage(JsonNode body, String fallback) {
    if (body != null) {
      JsonNode error = body.get("error");
      if (error != null) {
        if (error.isTextual()) {
          return error.asText();
        }
        JsonNode message = error.get("message");
        if (message != null && !message.isNull()) {
          return message.asText();
        }
        return error.toString();
      }
      JsonNode message = body.get("message");
      if (message != null && message.isTextual()) {
        return message.asText();
      }
      JsonNode detail = body.get("detail");
      if (detail != null && detail.isTextual()) {
        return detail.asText();
      }
    }
    return fallback;
  }
}
